//! One client connection = one netlink socket: the setup handshake, then a
//! loop that runs each request datagram through the core in order, answers
//! control frames, and streams dump parts as the socket drains.

use super::frames::SOCK_ADMIN;
use super::frames::{
    Frame, DONE_F_DUMP, FRAME_LEN, MAGIC, OP_BIND, OP_BINDRES, OP_HELLO, OP_OPTRES, OP_SETGROUPS,
    OP_SOCKOPT, SOCKOPT_RCVBUF, VERSION,
};
use super::outq::OutQueue;
use super::sys;
use crate::core::{Core, Outbox, Socket};
use std::io;
use std::os::fd::{AsRawFd, OwnedFd};
use std::sync::Arc;
use tracing::{debug, debug_span, warn};

/// Largest request datagram accepted (a netlink socket's default
/// `SO_SNDBUF` lets clients send about 208 KiB).
const MAX_REQUEST: usize = 256 * 1024;
/// How long a new connection may take to send its setup message.
const SETUP_TIMEOUT_MS: i32 = 5000;
/// Send buffer asked for on each data socket.
const SNDBUF: i32 = 4 << 20;

/// Serves one accepted connection until the client or ovsd goes away.
pub fn serve(core: Arc<Core>, data: OwnedFd) {
    let creds = match sys::peer_creds(&data) {
        Ok(c) => c,
        Err(e) => {
            warn!("SO_PEERCRED failed: {e}");
            return;
        }
    };
    let span = debug_span!("conn", pid = creds.pid);
    let _g = span.enter();
    let mut buf = vec![0u8; MAX_REQUEST];
    let Some((ctl, sock_type)) = handshake(&data, &mut buf) else {
        debug!("bad or missing setup message; closing");
        return;
    };
    if sock_type == SOCK_ADMIN {
        let json = serde_json::json!({ "locks": core.lock_stats() }).to_string();
        let _ = sys::send(data.as_raw_fd(), json.as_bytes());
        return;
    }
    let _ = sys::set_sock_int(data.as_raw_fd(), libc::SO_SNDBUFFORCE, SNDBUF)
        .or_else(|_| sys::set_sock_int(data.as_raw_fd(), libc::SO_SNDBUF, SNDBUF));
    let out = match OutQueue::new(data.as_raw_fd(), ctl.as_raw_fd()) {
        Ok(q) => Arc::new(q),
        Err(e) => {
            warn!("eventfd: {e}");
            return;
        }
    };
    let mut sock = core.open_socket(creds, out.clone());
    sock.set_caps(super::privilege::peer_caps(&creds));
    debug!(portid = sock.portid(), "socket open");
    let hello = Frame::new(OP_HELLO, sock.portid(), 0).encode();
    if sys::send(ctl.as_raw_fd(), &hello).is_ok() {
        if let Err(e) = run(&core, &mut sock, &data, &ctl, &out, &mut buf) {
            debug!("connection ended: {e}");
        }
    }
    core.close_socket(&mut sock);
    debug!(portid = sock.portid(), "socket closed");
}

/// Reads the setup message: the control channel and the socket type.
fn handshake(data: &OwnedFd, buf: &mut [u8]) -> Option<(OwnedFd, u32)> {
    let mut pfd = [libc::pollfd {
        fd: data.as_raw_fd(),
        events: libc::POLLIN,
        revents: 0,
    }];
    if sys::poll(&mut pfd, SETUP_TIMEOUT_MS).ok()? == 0 {
        return None;
    }
    let (n, fd) = sys::recv_with_fd(data.as_raw_fd(), buf).ok()?;
    let f = Frame::decode(buf.get(..n)?)?;
    if f.op != MAGIC || f.a != VERSION {
        return None;
    }
    Some((fd?, f.b))
}

fn run(
    core: &Core,
    sock: &mut Socket,
    data: &OwnedFd,
    ctl: &OwnedFd,
    out: &Arc<OutQueue>,
    buf: &mut [u8],
) -> io::Result<()> {
    let mut outbox = Outbox::new();
    // data, control channel, wake-up counter: joined once, not per wait
    let readable = libc::EPOLLIN as u32;
    let ep = sys::Epoll::new(&[
        (data.as_raw_fd(), readable),
        (ctl.as_raw_fd(), readable),
        (out.wake_fd(), readable),
    ])?;
    let mut watching_out = false;
    let mut revents = [0u32; 3];
    loop {
        // stream the running dump while the socket takes it
        while !out.backlogged() && core.dump_pending(sock) {
            outbox.clear();
            core.dump_next(sock, &mut outbox);
            for d in outbox.datagrams() {
                out.push_reply(d);
            }
        }
        let backlog = out.backlogged();
        if backlog != watching_out {
            let events = readable | if backlog { libc::EPOLLOUT as u32 } else { 0 };
            ep.modify(0, events)?;
            watching_out = backlog;
        }
        ep.wait(&mut revents, -1)?;
        let [data_ev, ctl_ev, wake_ev] = revents;
        if wake_ev != 0 {
            out.clear_wake();
        }
        if data_ev & libc::EPOLLOUT as u32 != 0 || wake_ev != 0 {
            out.flush();
        }
        if ctl_ev != 0 && !control(core, sock, ctl, out)? {
            return Ok(());
        }
        if data_ev & (libc::EPOLLIN | libc::EPOLLHUP | libc::EPOLLERR) as u32 != 0 {
            let n = match sys::recv(data.as_raw_fd(), buf, libc::MSG_DONTWAIT) {
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => continue,
                Err(e) => return Err(e),
            };
            if n == 0 {
                return Ok(());
            }
            let dgram = &buf[..n.min(buf.len())];
            outbox.clear();
            if n <= buf.len() {
                core.process(sock, dgram, &mut outbox);
            } else {
                warn!(len = n, "request datagram too large; dropped");
            }
            for d in outbox.datagrams() {
                out.push_reply(d);
            }
            if !outbox.is_empty() {
                sock.has_read = true;
            }
            let flags = if core.dump_pending(sock) {
                DONE_F_DUMP
            } else {
                0
            };
            out.push_done(flags);
        }
    }
}

/// Handles one control frame; false when the control channel closed.
fn control(core: &Core, sock: &mut Socket, ctl: &OwnedFd, out: &OutQueue) -> io::Result<bool> {
    let mut b = [0u8; 64];
    let n = match sys::recv(ctl.as_raw_fd(), &mut b, libc::MSG_DONTWAIT) {
        Ok(n) => n,
        Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(true),
        Err(e) => return Err(e),
    };
    if n == 0 {
        return Ok(false);
    }
    let Some(f) = Frame::decode(&b[..n.min(FRAME_LEN + 1)]) else {
        warn!(len = n, "malformed control frame; closing");
        return Ok(false);
    };
    let errno = |r: Result<(), genl::Errno>| r.err().map_or(0, |e| e.0 as u32);
    let reply = match f.op {
        OP_BIND => match core.bind(sock, f.a, f.b) {
            Ok(pid) => Frame::new(OP_BINDRES, pid, 0),
            Err(e) => Frame::new(OP_BINDRES, sock.portid(), e.0 as u32),
        },
        OP_SETGROUPS => Frame::new(OP_OPTRES, errno(core.set_groups(sock, f.a)), 0),
        OP_SOCKOPT if f.a == SOCKOPT_RCVBUF => {
            out.set_rcvbuf(f.b as usize);
            Frame::new(OP_OPTRES, 0, 0)
        }
        OP_SOCKOPT => Frame::new(OP_OPTRES, errno(core.setsockopt(sock, f.a, f.b)), 0),
        _ => Frame::new(OP_OPTRES, genl::Errno::EINVAL.0 as u32, 0),
    };
    sys::send(ctl.as_raw_fd(), &reply.encode())?;
    Ok(true)
}
