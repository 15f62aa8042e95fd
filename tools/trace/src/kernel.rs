//! The running kernel as a [`Target`]: two `AF_NETLINK`/`NETLINK_GENERIC`
//! sockets (the main one and a monitor for multicast groups), read the way
//! the oracle's recorder reads them: after each request until `EAGAIN`, and
//! for an `ACK` or a dump on until the `NLMSG_ERROR`/`NLMSG_DONE` of its seq.

use crate::target::{Received, Target};
use crate::trace::messages;
use anyhow::{bail, Result};
use std::ffi::CString;
use std::io::Error;
use std::mem::{size_of, size_of_val, zeroed};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::time::{Duration, Instant};

const SOL_NETLINK: i32 = 270;
const NETLINK_ADD_MEMBERSHIP: i32 = 1;

/// A bound generic netlink socket and its port id.
struct NlSock {
    fd: OwnedFd,
    portid: u32,
}

impl NlSock {
    fn open() -> Result<NlSock> {
        // SAFETY: plain syscalls on a descriptor this function owns.
        unsafe {
            let fd = libc::socket(
                libc::AF_NETLINK,
                libc::SOCK_RAW | libc::SOCK_CLOEXEC,
                libc::NETLINK_GENERIC,
            );
            if fd < 0 {
                bail!("socket(AF_NETLINK): {}", Error::last_os_error());
            }
            let fd = OwnedFd::from_raw_fd(fd);
            let mut sa: libc::sockaddr_nl = zeroed();
            sa.nl_family = libc::AF_NETLINK as u16;
            let len = size_of::<libc::sockaddr_nl>() as libc::socklen_t;
            if libc::bind(
                fd.as_raw_fd(),
                &sa as *const _ as *const libc::sockaddr,
                len,
            ) < 0
            {
                bail!("bind: {}", Error::last_os_error());
            }
            let mut got = len;
            let p = &mut sa as *mut _ as *mut libc::sockaddr;
            if libc::getsockname(fd.as_raw_fd(), p, &mut got) < 0 {
                bail!("getsockname: {}", Error::last_os_error());
            }
            Ok(NlSock {
                fd,
                portid: sa.nl_pid,
            })
        }
    }

    fn setsockopt(&self, opt: i32, value: u32) -> Result<()> {
        // SAFETY: `value` outlives the call; its size is passed.
        let rc = unsafe {
            libc::setsockopt(
                self.fd.as_raw_fd(),
                SOL_NETLINK,
                opt,
                &value as *const u32 as *const libc::c_void,
                size_of_val(&value) as libc::socklen_t,
            )
        };
        if rc < 0 {
            bail!("setsockopt {opt}: {}", Error::last_os_error());
        }
        Ok(())
    }

    fn send(&self, d: &[u8]) -> Result<()> {
        // SAFETY: a zeroed sockaddr_nl (the kernel, pid 0) and a live buffer.
        let rc = unsafe {
            let mut sa: libc::sockaddr_nl = zeroed();
            sa.nl_family = libc::AF_NETLINK as u16;
            libc::sendto(
                self.fd.as_raw_fd(),
                d.as_ptr() as *const libc::c_void,
                d.len(),
                0,
                &sa as *const _ as *const libc::sockaddr,
                size_of::<libc::sockaddr_nl>() as libc::socklen_t,
            )
        };
        if rc < 0 {
            bail!("send: {}", Error::last_os_error());
        }
        Ok(())
    }

    /// One datagram of at most `rcvlen` bytes (cut there if longer), or
    /// `None` when nothing arrives within `wait`.
    fn recv(&self, rcvlen: usize, wait: Duration) -> Result<Option<Vec<u8>>> {
        if !wait.is_zero() {
            let mut p = libc::pollfd {
                fd: self.fd.as_raw_fd(),
                events: libc::POLLIN,
                revents: 0,
            };
            // SAFETY: one pollfd, alive for the call.
            if unsafe { libc::poll(&mut p, 1, wait.as_millis() as i32) } <= 0 {
                return Ok(None);
            }
        }
        let mut buf = vec![0u8; rcvlen.max(1)];
        // SAFETY: `buf` is valid for `buf.len()` bytes.
        let n = unsafe {
            libc::recv(
                self.fd.as_raw_fd(),
                buf.as_mut_ptr() as *mut libc::c_void,
                buf.len(),
                libc::MSG_DONTWAIT | libc::MSG_TRUNC,
            )
        };
        if n < 0 {
            let e = Error::last_os_error();
            if e.raw_os_error() == Some(libc::EAGAIN) {
                return Ok(None);
            }
            bail!("recv: {e}");
        }
        buf.truncate((n as usize).min(rcvlen));
        Ok(Some(buf))
    }

    /// Every datagram queued now.
    fn drain(&self, rcvlen: usize) -> Result<Vec<Vec<u8>>> {
        let mut out = Vec::new();
        while let Some(d) = self.recv(rcvlen, Duration::ZERO)? {
            out.push(d);
        }
        Ok(out)
    }
}

/// Whether `d` holds the `NLMSG_ERROR` or `NLMSG_DONE` that ends request `seq`.
fn ends(d: &[u8], seq: u32) -> bool {
    messages(d).iter().any(|m| {
        m.len() >= 16
            && matches!(u16::from_ne_bytes([m[4], m[5]]), 2 | 3)
            && u32::from_ne_bytes([m[8], m[9], m[10], m[11]]) == seq
    })
}

/// The kernel of this machine (its current network namespace).
pub struct Kernel {
    main: NlSock,
    monitor: NlSock,
    rcvlen: usize,
    wait: Duration,
}

impl Kernel {
    /// Opens and binds the main and the monitor socket.
    pub fn open() -> Result<Kernel> {
        Ok(Kernel {
            main: NlSock::open()?,
            monitor: NlSock::open()?,
            rcvlen: 65536,
            wait: Duration::from_millis(3000),
        })
    }
}

impl Target for Kernel {
    fn portid(&self) -> u32 {
        self.main.portid
    }

    fn monpid(&self) -> u32 {
        self.monitor.portid
    }

    fn setsockopt(&mut self, opt: u32, value: u32) -> Result<()> {
        self.main.setsockopt(opt as i32, value)
    }

    fn join(&mut self, group: u32) -> Result<()> {
        self.monitor.setsockopt(NETLINK_ADD_MEMBERSHIP, group)
    }

    fn describe(&self) -> String {
        // SAFETY: uname fills the zeroed struct; its fields are NUL-terminated.
        let u = unsafe {
            let mut u: libc::utsname = zeroed();
            libc::uname(&mut u);
            u
        };
        let f = |b: &[libc::c_char]| {
            let b: Vec<u8> = b
                .iter()
                .take_while(|&&c| c != 0)
                .map(|&c| c as u8)
                .collect();
            String::from_utf8_lossy(&b).into_owned()
        };
        format!("{} {} {}", f(&u.sysname), f(&u.release), f(&u.version))
    }

    fn rcvlen(&self) -> Option<u32> {
        Some(self.rcvlen as u32)
    }

    fn set_rcvlen(&mut self, n: u32) {
        self.rcvlen = n as usize;
    }

    fn set_wait(&mut self, ms: u32) {
        self.wait = Duration::from_millis(ms.into());
    }

    fn ifindex(&mut self, name: &str) -> Option<u32> {
        let c = CString::new(name).ok()?;
        // SAFETY: a NUL-terminated name.
        Some(unsafe { libc::if_nametoindex(c.as_ptr()) })
    }

    fn exchange(&mut self, datagram: &[u8]) -> Result<Received> {
        self.main.send(datagram)?;
        let mut got = self.main.drain(self.rcvlen)?;
        if datagram.len() >= 16 {
            let flags = u16::from_ne_bytes([datagram[6], datagram[7]]);
            let seq = u32::from_ne_bytes(datagram[8..12].try_into()?);
            if flags & 4 != 0 || flags & 0x300 == 0x300 {
                let until = Instant::now() + self.wait;
                while !got.iter().any(|d| ends(d, seq)) {
                    let left = until.saturating_duration_since(Instant::now());
                    if left.is_zero() {
                        break;
                    }
                    match self.main.recv(self.rcvlen, left)? {
                        Some(d) => {
                            got.push(d);
                            got.extend(self.main.drain(self.rcvlen)?);
                        }
                        None => break,
                    }
                }
            }
        }
        let mcast = self.monitor.drain(self.rcvlen)?;
        Ok((got, mcast))
    }

    fn wait(&mut self, ms: u32) -> Result<Received> {
        std::thread::sleep(Duration::from_millis(ms.into()));
        Ok((
            self.main.drain(self.rcvlen)?,
            self.monitor.drain(self.rcvlen)?,
        ))
    }

    fn inject(&mut self, ifname: &str, frame: &[u8]) -> Result<Received> {
        crate::inject::send_frame(ifname, frame)?;
        self.wait(50)
    }
}
