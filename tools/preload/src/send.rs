//! The send family: `sendmsg`, `sendto`, `send`, `write`, `writev`,
//! `sendmmsg`.
//!
//! One call is one datagram (iovecs concatenated). The call returns only
//! once ovsd's `DONE` for that datagram has arrived on the control channel,
//! so every reply is already queued on the data socket, as with the kernel.

use crate::addr;
use crate::daemon;
use crate::real;
use crate::state::{self, Sock};
use crate::util::{errno, guard, iov_total, iovlen, poll_until, ret};
use libc::{c_int, c_uint, c_void, iovec, mmsghdr, msghdr, size_t, sockaddr, socklen_t, ssize_t};

/// Sends one datagram made of `iov` and waits for its `DONE`. `dest` is the
/// optional destination address (pointer, length).
///
/// # Safety
/// `iov` must point to `cnt` readable iovecs; `dest` must be readable for
/// its length.
unsafe fn send_datagram(
    sock: &Sock,
    fd: c_int,
    iov: *const iovec,
    cnt: usize,
    flags: c_int,
    dest: (*const sockaddr, socklen_t),
) -> Result<usize, c_int> {
    if flags & libc::MSG_OOB != 0 {
        return Err(libc::EOPNOTSUPP);
    }
    if !dest.0.is_null() && dest.1 != 0 {
        addr::check_destination(addr::read(dest.0, dest.1))?;
    }
    if cnt > 0 && iov.is_null() {
        return Err(libc::EFAULT);
    }
    let total = iov_total(iov, cnt).ok_or(libc::EINVAL)?;
    let mut io = sock.lock_io();
    if io.dead {
        return Err(libc::ECONNRESET);
    }
    // Any DONE still owed by an earlier, failed wait comes first.
    daemon::wait_done(sock, &mut io)?;
    sock.autobind();
    if total == 0 {
        // An empty datagram makes no reply; on SOCK_SEQPACKET it would look
        // like end of file to ovsd, so it is not sent at all.
        return Ok(0);
    }
    let mut msg: msghdr = std::mem::zeroed();
    msg.msg_iov = iov.cast_mut();
    msg.msg_iovlen = cnt as _;
    let n = loop {
        let n = real::sendmsg(fd, &msg, libc::MSG_NOSIGNAL);
        if n >= 0 {
            break n as usize;
        }
        match errno() {
            libc::EINTR => continue,
            // The application made the fd non-blocking; the kernel never
            // refuses a request to itself for lack of room, so wait.
            libc::EAGAIN => {
                let _ = poll_until(fd, libc::POLLOUT, None);
            }
            libc::EPIPE | libc::ECONNREFUSED | libc::ENOTCONN => return Err(libc::ECONNRESET),
            e => return Err(e),
        }
    };
    io.owed += 1;
    daemon::wait_done(sock, &mut io)?;
    Ok(n)
}

/// Runs the send path for a marked fd with the usual C return convention.
///
/// # Safety
/// As [`send_datagram`].
unsafe fn send_marked(
    sock: &Sock,
    fd: c_int,
    iov: *const iovec,
    cnt: usize,
    flags: c_int,
    dest: (*const sockaddr, socklen_t),
) -> ssize_t {
    guard(-1, || {
        ret(
            send_datagram(sock, fd, iov, cnt, flags, dest).map(|n| n as ssize_t),
            -1,
        )
    })
}

/// `sendmsg(2)`.
///
/// # Safety
/// Same contract as the C function.
#[no_mangle]
pub unsafe extern "C" fn sendmsg(fd: c_int, msg: *const msghdr, flags: c_int) -> ssize_t {
    let Some(sock) = state::lookup(fd) else {
        return real::sendmsg(fd, msg, flags);
    };
    if msg.is_null() {
        return ret(Err(libc::EFAULT), -1);
    }
    let m = &*msg;
    let dest = (m.msg_name as *const sockaddr, m.msg_namelen);
    send_marked(&sock, fd, m.msg_iov, iovlen(m), flags, dest)
}

/// `sendto(2)`.
///
/// # Safety
/// Same contract as the C function.
#[no_mangle]
pub unsafe extern "C" fn sendto(
    fd: c_int,
    buf: *const c_void,
    len: size_t,
    flags: c_int,
    dest: *const sockaddr,
    dlen: socklen_t,
) -> ssize_t {
    let Some(sock) = state::lookup(fd) else {
        return real::sendto(fd, buf, len, flags, dest, dlen);
    };
    let iov = iovec {
        iov_base: buf.cast_mut(),
        iov_len: len,
    };
    send_marked(&sock, fd, &iov, 1, flags, (dest, dlen))
}

/// `send(2)`.
///
/// # Safety
/// Same contract as the C function.
#[no_mangle]
pub unsafe extern "C" fn send(fd: c_int, buf: *const c_void, len: size_t, flags: c_int) -> ssize_t {
    let Some(sock) = state::lookup(fd) else {
        return real::send(fd, buf, len, flags);
    };
    let iov = iovec {
        iov_base: buf.cast_mut(),
        iov_len: len,
    };
    send_marked(&sock, fd, &iov, 1, flags, (std::ptr::null(), 0))
}

/// `write(2)`.
///
/// # Safety
/// Same contract as the C function.
#[no_mangle]
pub unsafe extern "C" fn write(fd: c_int, buf: *const c_void, len: size_t) -> ssize_t {
    let Some(sock) = state::lookup(fd) else {
        return real::write(fd, buf, len);
    };
    let iov = iovec {
        iov_base: buf.cast_mut(),
        iov_len: len,
    };
    send_marked(&sock, fd, &iov, 1, 0, (std::ptr::null(), 0))
}

/// `writev(2)`.
///
/// # Safety
/// Same contract as the C function.
#[no_mangle]
pub unsafe extern "C" fn writev(fd: c_int, iov: *const iovec, cnt: c_int) -> ssize_t {
    let Some(sock) = state::lookup(fd) else {
        return real::writev(fd, iov, cnt);
    };
    let Ok(n) = usize::try_from(cnt) else {
        return ret(Err(libc::EINVAL), -1);
    };
    if n > libc::UIO_MAXIOV as usize {
        return ret(Err(libc::EINVAL), -1);
    }
    send_marked(&sock, fd, iov, n, 0, (std::ptr::null(), 0))
}

/// `sendmmsg(2)`: each entry is its own datagram, sent and completed in
/// turn; returns how many were sent (the error only if none was).
///
/// # Safety
/// Same contract as the C function.
#[no_mangle]
pub unsafe extern "C" fn sendmmsg(
    fd: c_int,
    vec: *mut mmsghdr,
    vlen: c_uint,
    flags: c_int,
) -> c_int {
    let Some(sock) = state::lookup(fd) else {
        return real::sendmmsg(fd, vec, vlen, flags);
    };
    let vlen = vlen.min(libc::UIO_MAXIOV as c_uint);
    if vlen > 0 && vec.is_null() {
        return ret(Err(libc::EFAULT), -1);
    }
    let mut sent: c_int = 0;
    for i in 0..vlen as usize {
        let e = &mut *vec.add(i);
        let m = &e.msg_hdr;
        let dest = (m.msg_name as *const sockaddr, m.msg_namelen);
        let r = send_marked(&sock, fd, m.msg_iov, iovlen(m), flags, dest);
        if r < 0 {
            return if sent > 0 { sent } else { -1 };
        }
        e.msg_len = r as c_uint;
        sent += 1;
    }
    sent
}
