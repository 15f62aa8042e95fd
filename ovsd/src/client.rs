//! The native client side of `docs/protocol.md`: a netlink socket on ovsd,
//! for Rust tools, tests and benchmarks (no preload library needed).

use crate::transport::frames::SOCK_ADMIN;
use crate::transport::frames::{
    setup_message, Frame, DONE_F_DUMP, FRAME_LEN, OP_BIND, OP_BINDRES, OP_DONE, OP_HELLO,
    OP_OPTRES, OP_SETGROUPS, OP_SOCKOPT, SOCKOPT_RCVBUF,
};
use crate::transport::sys;
use std::io;
use std::os::fd::{AsRawFd, OwnedFd};
use std::path::Path;

/// One netlink socket served by ovsd.
pub struct NlSocket {
    data: OwnedFd,
    ctl: OwnedFd,
    portid: u32,
    dump_running: bool,
}

/// A write to a vanished ovsd fails with `EPIPE`; netlink clients see the
/// daemon's death as `ECONNRESET` (as the preload library reports it).
fn reset_on_epipe(e: io::Error) -> io::Error {
    if e.raw_os_error() == Some(libc::EPIPE) {
        io::Error::from(io::ErrorKind::ConnectionReset)
    } else {
        e
    }
}

fn proto_err(what: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, what.to_string())
}

impl NlSocket {
    /// Connects to ovsd at `path` as a `SOCK_RAW` netlink socket.
    pub fn connect(path: &Path) -> io::Result<NlSocket> {
        let data = sys::seqpacket()?;
        sys::connect(&data, path)?;
        let (ctl, theirs) = sys::seqpacket_pair()?;
        sys::send_with_fd(
            data.as_raw_fd(),
            &setup_message(libc::SOCK_RAW as u32),
            theirs.as_raw_fd(),
        )?;
        drop(theirs);
        let mut s = NlSocket {
            data,
            ctl,
            portid: 0,
            dump_running: false,
        };
        let mut p = [libc::pollfd {
            fd: s.ctl.as_raw_fd(),
            events: libc::POLLIN,
            revents: 0,
        }];
        if sys::poll(&mut p, 5000)? == 0 {
            return Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "ovsd did not answer",
            ));
        }
        let hello = s.read_frame()?;
        if hello.op != OP_HELLO {
            return Err(proto_err("expected HELLO"));
        }
        s.portid = hello.a;
        Ok(s)
    }

    /// The port id ovsd assigned (autobind) or the bound one.
    pub fn portid(&self) -> u32 {
        self.portid
    }

    fn read_frame(&self) -> io::Result<Frame> {
        let mut b = [0u8; FRAME_LEN];
        let n = sys::recv(self.ctl.as_raw_fd(), &mut b, 0)?;
        if n == 0 {
            return Err(io::Error::from(io::ErrorKind::ConnectionReset));
        }
        Frame::decode(&b[..n.min(FRAME_LEN)]).ok_or_else(|| proto_err("bad control frame"))
    }

    fn control(&self, f: Frame, answer: u32) -> io::Result<Frame> {
        sys::send(self.ctl.as_raw_fd(), &f.encode()).map_err(reset_on_epipe)?;
        let r = self.read_frame()?;
        if r.op != answer {
            return Err(proto_err("unexpected control answer"));
        }
        Ok(r)
    }

    fn errno(e: u32) -> io::Result<()> {
        if e == 0 {
            Ok(())
        } else {
            Err(io::Error::from_raw_os_error(e as i32))
        }
    }

    /// `bind()` to `pid` (0: autobind) with legacy `groups`.
    pub fn bind(&mut self, pid: u32, groups: u32) -> io::Result<()> {
        if pid == 0 {
            let r = self.control(Frame::new(OP_SETGROUPS, groups, 0), OP_OPTRES)?;
            return Self::errno(r.a);
        }
        let r = self.control(Frame::new(OP_BIND, pid, groups), OP_BINDRES)?;
        Self::errno(r.b)?;
        self.portid = r.a;
        Ok(())
    }

    /// `setsockopt(SOL_NETLINK, opt, value)`.
    pub fn setsockopt(&self, opt: u32, value: u32) -> io::Result<()> {
        let r = self.control(Frame::new(OP_SOCKOPT, opt, value), OP_OPTRES)?;
        Self::errno(r.a)
    }

    /// `setsockopt(SO_RCVBUF, bytes)` (`SO_RCVBUFFORCE` with `force`,
    /// which needs `CAP_NET_ADMIN` and is not clamped to `rmem_max`): sets
    /// the local socket's receive buffer (doubled by the kernel) and tells
    /// ovsd the result, which bounds what ovsd queues for this socket.
    pub fn set_rcvbuf(&self, bytes: u32, force: bool) -> io::Result<()> {
        let fd = self.data.as_raw_fd();
        let opt = if force {
            libc::SO_RCVBUFFORCE
        } else {
            libc::SO_RCVBUF
        };
        sys::set_sock_int(fd, opt, bytes as libc::c_int)?;
        let mut v: libc::c_int = 0;
        let mut len = std::mem::size_of::<libc::c_int>() as libc::socklen_t;
        // SAFETY: getsockopt writes one int to the pointer given.
        let r = unsafe {
            libc::getsockopt(
                fd,
                libc::SOL_SOCKET,
                libc::SO_RCVBUF,
                (&mut v as *mut libc::c_int).cast(),
                &mut len,
            )
        };
        if r != 0 {
            return Err(io::Error::last_os_error());
        }
        self.setsockopt(SOCKOPT_RCVBUF, v.max(0) as u32)
    }

    /// Sends one datagram; returns once every reply to it is queued.
    pub fn send(&mut self, datagram: &[u8]) -> io::Result<()> {
        sys::send(self.data.as_raw_fd(), datagram).map_err(reset_on_epipe)?;
        let done = self.read_frame()?;
        if done.op != OP_DONE {
            return Err(proto_err("expected DONE"));
        }
        self.dump_running = done.a & DONE_F_DUMP != 0;
        Ok(())
    }

    /// Receives one datagram. With `wait` false, returns `WouldBlock` when
    /// nothing is queued — except during a dump, whose next part is awaited
    /// as the kernel builds it inside `recvmsg`.
    pub fn recv(&mut self, buf: &mut [u8], wait: bool) -> io::Result<usize> {
        let block = wait || self.dump_running;
        if block {
            let mut p = [libc::pollfd {
                fd: self.data.as_raw_fd(),
                events: libc::POLLIN,
                revents: 0,
            }];
            if sys::poll(&mut p, 5000)? == 0 {
                return Err(io::Error::from(io::ErrorKind::TimedOut));
            }
        }
        let n = sys::recv(self.data.as_raw_fd(), buf, libc::MSG_DONTWAIT)?;
        if n == 0 {
            return Err(io::Error::from(io::ErrorKind::ConnectionReset));
        }
        if ovsd_proto::is_overrun_marker(&buf[..n]) {
            // netlink_overrun: datagrams for this socket were dropped
            return Err(io::Error::from_raw_os_error(libc::ENOBUFS));
        }
        if n >= 16 && u16::from_ne_bytes([buf[4], buf[5]]) == genl::nlmsg::NLMSG_DONE {
            self.dump_running = false;
        }
        Ok(n)
    }
}

/// Asks the ovsd at `path` for its lock instrumentation (JSON).
pub fn admin_stats(path: &Path) -> io::Result<String> {
    let data = sys::seqpacket()?;
    sys::connect(&data, path)?;
    let (_ctl, theirs) = sys::seqpacket_pair()?;
    sys::send_with_fd(
        data.as_raw_fd(),
        &setup_message(SOCK_ADMIN),
        theirs.as_raw_fd(),
    )?;
    drop(theirs);
    let mut buf = vec![0u8; 1 << 20];
    let n = sys::recv(data.as_raw_fd(), &mut buf, 0)?;
    buf.truncate(n.min(buf.len()));
    String::from_utf8(buf).map_err(|_| proto_err("stats are not UTF-8"))
}
