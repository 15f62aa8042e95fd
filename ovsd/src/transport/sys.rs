//! Thin wrappers over the few socket syscalls the transport needs that the
//! standard library lacks: `SOCK_SEQPACKET`, `SCM_RIGHTS`, `SO_PEERCRED`,
//! non-blocking sends without `SIGPIPE`, `poll`, `epoll`, `eventfd`.

use crate::core::Creds;
use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::path::Path;

fn cvt(r: libc::c_int) -> io::Result<libc::c_int> {
    if r < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(r)
    }
}

fn cvt_size(r: libc::ssize_t) -> io::Result<usize> {
    if r < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(r as usize)
    }
}

fn sockaddr_un(path: &Path) -> io::Result<(libc::sockaddr_un, libc::socklen_t)> {
    use std::os::unix::ffi::OsStrExt;
    let bytes = path.as_os_str().as_bytes();
    // SAFETY: sockaddr_un is plain data; all-zero is a valid value.
    let mut addr: libc::sockaddr_un = unsafe { std::mem::zeroed() };
    if bytes.len() >= addr.sun_path.len() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "socket path too long",
        ));
    }
    addr.sun_family = libc::AF_UNIX as libc::sa_family_t;
    for (d, s) in addr.sun_path.iter_mut().zip(bytes) {
        *d = *s as libc::c_char;
    }
    let len = std::mem::size_of::<libc::sa_family_t>() + bytes.len() + 1;
    Ok((addr, len as libc::socklen_t))
}

/// A new `AF_UNIX`/`SOCK_SEQPACKET` socket (close-on-exec).
pub fn seqpacket() -> io::Result<OwnedFd> {
    // SAFETY: plain syscall; the returned fd is owned by us.
    let fd =
        cvt(unsafe { libc::socket(libc::AF_UNIX, libc::SOCK_SEQPACKET | libc::SOCK_CLOEXEC, 0) })?;
    // SAFETY: fd is a fresh, valid descriptor.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// A connected pair of `SOCK_SEQPACKET` sockets (close-on-exec).
pub fn seqpacket_pair() -> io::Result<(OwnedFd, OwnedFd)> {
    let mut fds = [0; 2];
    // SAFETY: fds has room for the two descriptors.
    cvt(unsafe {
        libc::socketpair(
            libc::AF_UNIX,
            libc::SOCK_SEQPACKET | libc::SOCK_CLOEXEC,
            0,
            fds.as_mut_ptr(),
        )
    })?;
    // SAFETY: both are fresh, valid descriptors.
    Ok(unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) })
}

/// Binds `fd` to `path` and listens.
pub fn bind_listen(fd: &OwnedFd, path: &Path) -> io::Result<()> {
    let (addr, len) = sockaddr_un(path)?;
    // SAFETY: addr/len describe a valid sockaddr_un.
    cvt(unsafe {
        libc::bind(
            fd.as_raw_fd(),
            &addr as *const _ as *const libc::sockaddr,
            len,
        )
    })?;
    // SAFETY: plain syscall.
    cvt(unsafe { libc::listen(fd.as_raw_fd(), 1024) })?;
    Ok(())
}

/// Connects `fd` to the socket at `path`.
pub fn connect(fd: &OwnedFd, path: &Path) -> io::Result<()> {
    let (addr, len) = sockaddr_un(path)?;
    // SAFETY: addr/len describe a valid sockaddr_un.
    cvt(unsafe {
        libc::connect(
            fd.as_raw_fd(),
            &addr as *const _ as *const libc::sockaddr,
            len,
        )
    })?;
    Ok(())
}

/// Accepts a connection (close-on-exec).
pub fn accept(fd: &OwnedFd) -> io::Result<OwnedFd> {
    // SAFETY: null address is allowed.
    let c = cvt(unsafe {
        libc::accept4(
            fd.as_raw_fd(),
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            libc::SOCK_CLOEXEC,
        )
    })?;
    // SAFETY: c is a fresh, valid descriptor.
    Ok(unsafe { OwnedFd::from_raw_fd(c) })
}

/// The peer's credentials (`SO_PEERCRED`).
pub fn peer_creds(fd: &OwnedFd) -> io::Result<Creds> {
    // SAFETY: ucred is plain data.
    let mut c: libc::ucred = unsafe { std::mem::zeroed() };
    let mut len = std::mem::size_of::<libc::ucred>() as libc::socklen_t;
    // SAFETY: c/len describe a writable ucred.
    cvt(unsafe {
        libc::getsockopt(
            fd.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_PEERCRED,
            &mut c as *mut _ as *mut libc::c_void,
            &mut len,
        )
    })?;
    Ok(Creds {
        pid: c.pid as u32,
        uid: c.uid,
        gid: c.gid,
    })
}

/// Sets an integer `SOL_SOCKET` option.
pub fn set_sock_int(fd: RawFd, opt: libc::c_int, v: libc::c_int) -> io::Result<()> {
    // SAFETY: v is a valid int for the option's length.
    cvt(unsafe {
        libc::setsockopt(
            fd,
            libc::SOL_SOCKET,
            opt,
            &v as *const _ as *const libc::c_void,
            std::mem::size_of::<libc::c_int>() as libc::socklen_t,
        )
    })?;
    Ok(())
}

/// Bytes sent on `fd` that its peer has not read yet (`SIOCOUTQ`; for a
/// Unix socket the truesize of the unread datagrams), 0 if unknown.
pub fn unread(fd: RawFd) -> usize {
    let mut n: libc::c_int = 0;
    // SAFETY: SIOCOUTQ writes one int to the pointer given.
    let r = unsafe { libc::ioctl(fd, libc::TIOCOUTQ, &mut n) };
    if r < 0 {
        0
    } else {
        n.max(0) as usize
    }
}

/// Sends one datagram without blocking and without `SIGPIPE`.
pub fn send_nb(fd: RawFd, buf: &[u8]) -> io::Result<usize> {
    // SAFETY: buf is valid for its length.
    cvt_size(unsafe {
        libc::send(
            fd,
            buf.as_ptr() as *const libc::c_void,
            buf.len(),
            libc::MSG_DONTWAIT | libc::MSG_NOSIGNAL,
        )
    })
}

/// Sends one datagram, blocking, without `SIGPIPE`.
pub fn send(fd: RawFd, buf: &[u8]) -> io::Result<usize> {
    // SAFETY: buf is valid for its length.
    cvt_size(unsafe {
        libc::send(
            fd,
            buf.as_ptr() as *const libc::c_void,
            buf.len(),
            libc::MSG_NOSIGNAL,
        )
    })
}

/// Sends one datagram with a descriptor attached (`SCM_RIGHTS`).
pub fn send_with_fd(fd: RawFd, buf: &[u8], pass: RawFd) -> io::Result<usize> {
    let mut iov = libc::iovec {
        iov_base: buf.as_ptr() as *mut libc::c_void,
        iov_len: buf.len(),
    };
    // SAFETY: CMSG_SPACE is a pure computation.
    let space = unsafe { libc::CMSG_SPACE(std::mem::size_of::<RawFd>() as u32) } as usize;
    let mut cbuf = vec![0u8; space];
    // SAFETY: msghdr is plain data.
    let mut msg: libc::msghdr = unsafe { std::mem::zeroed() };
    msg.msg_iov = &mut iov;
    msg.msg_iovlen = 1;
    msg.msg_control = cbuf.as_mut_ptr() as *mut libc::c_void;
    msg.msg_controllen = space;
    // SAFETY: the control buffer is large enough for one fd.
    unsafe {
        let c = libc::CMSG_FIRSTHDR(&msg);
        (*c).cmsg_level = libc::SOL_SOCKET;
        (*c).cmsg_type = libc::SCM_RIGHTS;
        (*c).cmsg_len = libc::CMSG_LEN(std::mem::size_of::<RawFd>() as u32) as usize;
        std::ptr::write_unaligned(libc::CMSG_DATA(c) as *mut RawFd, pass);
    }
    // SAFETY: msg points at live buffers.
    cvt_size(unsafe { libc::sendmsg(fd, &msg, libc::MSG_NOSIGNAL) })
}

/// Receives one datagram and at most one passed descriptor. Returns the
/// datagram's full length (may exceed `buf` when truncated) and the fd.
pub fn recv_with_fd(fd: RawFd, buf: &mut [u8]) -> io::Result<(usize, Option<OwnedFd>)> {
    let mut iov = libc::iovec {
        iov_base: buf.as_mut_ptr() as *mut libc::c_void,
        iov_len: buf.len(),
    };
    // SAFETY: CMSG_SPACE is a pure computation.
    let space = unsafe { libc::CMSG_SPACE((4 * std::mem::size_of::<RawFd>()) as u32) } as usize;
    let mut cbuf = vec![0u8; space];
    // SAFETY: msghdr is plain data.
    let mut msg: libc::msghdr = unsafe { std::mem::zeroed() };
    msg.msg_iov = &mut iov;
    msg.msg_iovlen = 1;
    msg.msg_control = cbuf.as_mut_ptr() as *mut libc::c_void;
    msg.msg_controllen = space;
    // SAFETY: msg points at live buffers.
    let n =
        cvt_size(unsafe { libc::recvmsg(fd, &mut msg, libc::MSG_CMSG_CLOEXEC | libc::MSG_TRUNC) })?;
    let mut passed = None;
    // SAFETY: walking the control messages the kernel filled in.
    unsafe {
        let mut c = libc::CMSG_FIRSTHDR(&msg);
        while !c.is_null() {
            if (*c).cmsg_level == libc::SOL_SOCKET && (*c).cmsg_type == libc::SCM_RIGHTS {
                let data = libc::CMSG_DATA(c) as *const RawFd;
                let count =
                    ((*c).cmsg_len - libc::CMSG_LEN(0) as usize) / std::mem::size_of::<RawFd>();
                for i in 0..count {
                    let f = OwnedFd::from_raw_fd(std::ptr::read_unaligned(data.add(i)));
                    if passed.is_none() {
                        passed = Some(f);
                    }
                }
            }
            c = libc::CMSG_NXTHDR(&msg, c);
        }
    }
    Ok((n, passed))
}

/// Receives one datagram (`MSG_TRUNC`: the full length is returned).
pub fn recv(fd: RawFd, buf: &mut [u8], flags: libc::c_int) -> io::Result<usize> {
    // SAFETY: buf is valid for its length.
    cvt_size(unsafe {
        libc::recv(
            fd,
            buf.as_mut_ptr() as *mut libc::c_void,
            buf.len(),
            flags | libc::MSG_TRUNC,
        )
    })
}

/// `poll` over `fds`, retrying on `EINTR`; `timeout_ms` < 0 waits forever.
pub fn poll(fds: &mut [libc::pollfd], timeout_ms: i32) -> io::Result<usize> {
    loop {
        // SAFETY: fds is a valid array of pollfd.
        let r = unsafe { libc::poll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, timeout_ms) };
        if r >= 0 {
            return Ok(r as usize);
        }
        let e = io::Error::last_os_error();
        if e.kind() != io::ErrorKind::Interrupted {
            return Err(e);
        }
    }
}

/// A pollable wake-up counter (`eventfd`, non-blocking, close-on-exec).
#[derive(Debug)]
pub struct EventFd(OwnedFd);

impl EventFd {
    /// A new counter at zero.
    pub fn new() -> io::Result<EventFd> {
        // SAFETY: plain syscall.
        let fd = cvt(unsafe { libc::eventfd(0, libc::EFD_NONBLOCK | libc::EFD_CLOEXEC) })?;
        // SAFETY: fd is fresh and valid.
        Ok(EventFd(unsafe { OwnedFd::from_raw_fd(fd) }))
    }

    /// Wakes the poller.
    pub fn signal(&self) {
        let one: u64 = 1;
        // SAFETY: writing 8 bytes from a u64.
        unsafe {
            libc::write(
                self.0.as_raw_fd(),
                &one as *const u64 as *const libc::c_void,
                8,
            )
        };
    }

    /// Resets the counter.
    pub fn drain(&self) {
        let mut v: u64 = 0;
        // SAFETY: reading 8 bytes into a u64.
        unsafe {
            libc::read(
                self.0.as_raw_fd(),
                &mut v as *mut u64 as *mut libc::c_void,
                8,
            )
        };
    }

    /// The descriptor to poll.
    pub fn raw(&self) -> RawFd {
        self.0.as_raw_fd()
    }
}

/// A level-triggered `epoll` set of a few descriptors, each identified by
/// its index (the order they were added in). It reports what `poll` would
/// (`EPOLLIN`/`OUT`/`ERR`/`HUP` are `POLLIN`/`OUT`/`ERR`/`HUP`), but the
/// descriptors' wait queues are joined once instead of on every call: one
/// `epoll_wait` per wake-up where `poll` walked every descriptor twice.
#[derive(Debug)]
pub struct Epoll {
    ep: OwnedFd,
    fds: Vec<RawFd>,
}

impl Epoll {
    /// A set watching `fds` (by index) for `events` each.
    pub fn new(fds: &[(RawFd, u32)]) -> io::Result<Epoll> {
        // SAFETY: plain syscall.
        let fd = cvt(unsafe { libc::epoll_create1(libc::EPOLL_CLOEXEC) })?;
        // SAFETY: fd is fresh and valid.
        let ep = Epoll {
            ep: unsafe { OwnedFd::from_raw_fd(fd) },
            fds: fds.iter().map(|&(fd, _)| fd).collect(),
        };
        for (i, &(fd, events)) in fds.iter().enumerate() {
            ep.ctl(libc::EPOLL_CTL_ADD, fd, i, events)?;
        }
        Ok(ep)
    }

    fn ctl(&self, op: libc::c_int, fd: RawFd, index: usize, events: u32) -> io::Result<()> {
        let mut ev = libc::epoll_event {
            events,
            u64: index as u64,
        };
        // SAFETY: ev is a valid epoll_event for the duration of the call.
        cvt(unsafe { libc::epoll_ctl(self.ep.as_raw_fd(), op, fd, &mut ev) }).map(|_| ())
    }

    /// Changes the events watched on descriptor `index`.
    pub fn modify(&self, index: usize, events: u32) -> io::Result<()> {
        self.ctl(libc::EPOLL_CTL_MOD, self.fds[index], index, events)
    }

    /// Waits (`timeout_ms` -1: forever) and fills `revents[i]` with what
    /// happened on descriptor `i` (0: nothing).
    pub fn wait(&self, revents: &mut [u32], timeout_ms: i32) -> io::Result<usize> {
        const MAX: usize = 8;
        // SAFETY: epoll_event is plain data; all-zero is a valid value.
        let mut evs: [libc::epoll_event; MAX] = unsafe { std::mem::zeroed() };
        let n = loop {
            // SAFETY: evs has room for MAX events.
            let r = unsafe {
                libc::epoll_wait(
                    self.ep.as_raw_fd(),
                    evs.as_mut_ptr(),
                    MAX as libc::c_int,
                    timeout_ms,
                )
            };
            if r >= 0 {
                break r as usize;
            }
            let e = io::Error::last_os_error();
            if e.kind() != io::ErrorKind::Interrupted {
                return Err(e);
            }
        };
        revents.iter_mut().for_each(|r| *r = 0);
        for ev in &evs[..n] {
            let (i, events) = (ev.u64 as usize, ev.events);
            if let Some(r) = revents.get_mut(i) {
                *r |= events;
            }
        }
        Ok(n)
    }
}
