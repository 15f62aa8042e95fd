//! The receive family: `recvmsg`, `recvfrom`, `recv`, `read`, `readv`,
//! `recvmmsg` and the `_FORTIFY_SOURCE` variants `__recv_chk`,
//! `__recvfrom_chk`, `__read_chk`.
//!
//! The data socket carries netlink datagrams only, so a receive is the unix
//! receive plus netlink's address (`{AF_NETLINK, 0, 0}`, length 12), no
//! control messages, `ECONNRESET` instead of end of file, and the dump wait:
//! while a dump is in progress a receive that finds nothing waits (up to
//! [`DUMP_WAIT`]) for the next part, whatever the blocking mode, because the
//! kernel produces dump parts inside `recvmsg`.

use crate::addr;
use crate::real;
use crate::state::{self, Sock};
use crate::util::{errno, gather, guard, iov_total, iovlen, poll_until, ret, scatter};
use libc::{c_int, c_uint, c_void, iovec, mmsghdr, msghdr, size_t, sockaddr, socklen_t, ssize_t};
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

/// How long a receive waits for the next part of a dump.
pub const DUMP_WAIT: Duration = Duration::from_secs(5);
/// `NLMSG_DONE`.
const NLMSG_DONE: u16 = 3;
/// `sizeof(struct nlmsghdr)`.
const NLMSG_HDRLEN: usize = 16;
/// `MSG_WAITFORONE`.
const MSG_WAITFORONE: c_int = 0x10000;

extern "C" {
    /// glibc's fortify failure report; never returns.
    fn __chk_fail() -> !;
}

/// The unix receive, with the dump wait. Returns the kernel's result (the
/// full datagram length under `MSG_TRUNC`).
///
/// # Safety
/// `m` must describe valid buffers.
unsafe fn recv_waiting(
    sock: &Sock,
    fd: c_int,
    m: &mut msghdr,
    flags: c_int,
) -> Result<usize, c_int> {
    let mut deadline = None;
    loop {
        m.msg_flags = 0;
        if !sock.dumping.load(Ordering::Acquire) {
            let r = real::recvmsg(fd, m, flags);
            return if r < 0 { Err(errno()) } else { Ok(r as usize) };
        }
        let r = real::recvmsg(fd, m, flags | libc::MSG_DONTWAIT);
        if r >= 0 {
            return Ok(r as usize);
        }
        let e = errno();
        if e != libc::EAGAIN {
            return Err(e);
        }
        let dl = *deadline.get_or_insert_with(|| Instant::now() + DUMP_WAIT);
        match poll_until(fd, libc::POLLIN, Some(dl)) {
            Ok(true) | Err(libc::EINTR) => {}
            // ovsd stalled: give up the dump wait, keep the caller's mode.
            Ok(false) => sock.dumping.store(false, Ordering::Release),
            Err(e) => return Err(e),
        }
    }
}

/// Receives one datagram into the application's `msg` with netlink
/// semantics; returns the value `recvmsg` must return.
///
/// # Safety
/// `msg` must describe valid buffers.
unsafe fn recv_datagram(
    sock: &Sock,
    fd: c_int,
    msg: &mut msghdr,
    flags: c_int,
) -> Result<usize, c_int> {
    if flags & libc::MSG_OOB != 0 {
        return Err(libc::EOPNOTSUPP);
    }
    let flags = flags & !libc::MSG_ERRQUEUE;
    let cnt = iovlen(msg);
    if cnt > 0 && msg.msg_iov.is_null() {
        return Err(libc::EFAULT);
    }
    let total = iov_total(msg.msg_iov, cnt).ok_or(libc::EINVAL)?;
    // A non-peeking read during a dump must see the first header to notice
    // NLMSG_DONE; a tiny buffer is replaced by a private one for that.
    let track = flags & libc::MSG_PEEK == 0 && sock.dumping.load(Ordering::Acquire);
    let private = track && total < NLMSG_HDRLEN;
    let mut small = [0u8; NLMSG_HDRLEN];
    let mut small_iov = iovec {
        iov_base: small.as_mut_ptr().cast(),
        iov_len: small.len(),
    };
    let mut m: msghdr = std::mem::zeroed();
    if private {
        m.msg_iov = &mut small_iov;
        m.msg_iovlen = 1;
    } else {
        m.msg_iov = msg.msg_iov;
        m.msg_iovlen = msg.msg_iovlen;
    }
    let n = recv_waiting(sock, fd, &mut m, flags)?;
    let mut out_flags = m.msg_flags & libc::MSG_TRUNC;
    if n == 0 && out_flags == 0 {
        // Netlink never returns 0: this is ovsd going away.
        return Err(libc::ECONNRESET);
    }
    let buf_len = if private { small.len() } else { total };
    let got = n.min(buf_len);
    if n == ovsd_proto::FRAME_LEN && got == n {
        let mut head = [0u8; ovsd_proto::FRAME_LEN];
        if private {
            head.copy_from_slice(&small[..got]);
        } else {
            gather(&mut head, msg.msg_iov, cnt, got);
        }
        if ovsd_proto::is_overrun_marker(&head) {
            // netlink_overrun: datagrams were dropped; report it once
            if flags & libc::MSG_PEEK != 0 {
                let mut sink = [0u8; ovsd_proto::FRAME_LEN];
                let _ = real::recv(fd, sink.as_mut_ptr().cast(), sink.len(), libc::MSG_DONTWAIT);
            }
            return Err(libc::ENOBUFS);
        }
    }
    if track {
        let mut hdr = [0u8; 6];
        let have = if private {
            let k = got.min(hdr.len());
            hdr[..k].copy_from_slice(&small[..k]);
            k
        } else {
            gather(&mut hdr, msg.msg_iov, cnt, got)
        };
        if have == hdr.len() && u16::from_ne_bytes([hdr[4], hdr[5]]) == NLMSG_DONE {
            sock.dumping.store(false, Ordering::Release);
        }
    }
    let mut result = n;
    if private {
        let copied = scatter(&small[..got], msg.msg_iov, cnt);
        if got > total {
            out_flags |= libc::MSG_TRUNC;
        }
        if flags & libc::MSG_TRUNC == 0 {
            result = copied;
        }
    }
    if !msg.msg_name.is_null() {
        addr::fill(msg.msg_name.cast(), &mut msg.msg_namelen, 0, 0);
    }
    msg.msg_controllen = 0;
    msg.msg_flags = out_flags;
    Ok(result)
}

/// Runs the receive path for a marked fd with the C return convention.
///
/// # Safety
/// As [`recv_datagram`].
unsafe fn recv_marked(sock: &Sock, fd: c_int, msg: &mut msghdr, flags: c_int) -> ssize_t {
    guard(-1, || {
        ret(
            recv_datagram(sock, fd, msg, flags).map(|n| n as ssize_t),
            -1,
        )
    })
}

/// A receive into one buffer with an optional address, for `recv`,
/// `recvfrom`, `read` and the fortify variants.
///
/// # Safety
/// `buf` must be writable for `len` bytes; `addr`/`alen` as for recvfrom.
unsafe fn recv_buf(
    sock: &Sock,
    fd: c_int,
    buf: *mut c_void,
    len: size_t,
    flags: c_int,
    addr: *mut sockaddr,
    alen: *mut socklen_t,
) -> ssize_t {
    let mut iov = iovec {
        iov_base: buf,
        iov_len: len,
    };
    let mut m: msghdr = std::mem::zeroed();
    m.msg_iov = &mut iov;
    m.msg_iovlen = 1;
    if !addr.is_null() && !alen.is_null() {
        m.msg_name = addr.cast();
        m.msg_namelen = *alen;
    }
    let r = recv_marked(sock, fd, &mut m, flags);
    if r >= 0 && !m.msg_name.is_null() {
        *alen = m.msg_namelen;
    }
    r
}

/// `recvmsg(2)`.
///
/// # Safety
/// Same contract as the C function.
#[no_mangle]
pub unsafe extern "C" fn recvmsg(fd: c_int, msg: *mut msghdr, flags: c_int) -> ssize_t {
    let Some(sock) = state::lookup(fd) else {
        return real::recvmsg(fd, msg, flags);
    };
    if msg.is_null() {
        return ret(Err(libc::EFAULT), -1);
    }
    recv_marked(&sock, fd, &mut *msg, flags)
}

/// `recvfrom(2)`.
///
/// # Safety
/// Same contract as the C function.
#[no_mangle]
pub unsafe extern "C" fn recvfrom(
    fd: c_int,
    buf: *mut c_void,
    len: size_t,
    flags: c_int,
    addr: *mut sockaddr,
    alen: *mut socklen_t,
) -> ssize_t {
    match state::lookup(fd) {
        None => real::recvfrom(fd, buf, len, flags, addr, alen),
        Some(sock) => recv_buf(&sock, fd, buf, len, flags, addr, alen),
    }
}

/// `recv(2)`.
///
/// # Safety
/// Same contract as the C function.
#[no_mangle]
pub unsafe extern "C" fn recv(fd: c_int, buf: *mut c_void, len: size_t, flags: c_int) -> ssize_t {
    match state::lookup(fd) {
        None => real::recv(fd, buf, len, flags),
        Some(sock) => recv_buf(
            &sock,
            fd,
            buf,
            len,
            flags,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
        ),
    }
}

/// `read(2)`. A zero-length read returns 0 without consuming a datagram,
/// as on any socket.
///
/// # Safety
/// Same contract as the C function.
#[no_mangle]
pub unsafe extern "C" fn read(fd: c_int, buf: *mut c_void, len: size_t) -> ssize_t {
    match state::lookup(fd) {
        None => real::read(fd, buf, len),
        Some(_) if len == 0 => 0,
        Some(sock) => recv_buf(
            &sock,
            fd,
            buf,
            len,
            0,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
        ),
    }
}

/// `readv(2)`.
///
/// # Safety
/// Same contract as the C function.
#[no_mangle]
pub unsafe extern "C" fn readv(fd: c_int, iov: *const iovec, cnt: c_int) -> ssize_t {
    let Some(sock) = state::lookup(fd) else {
        return real::readv(fd, iov, cnt);
    };
    let n = match usize::try_from(cnt) {
        Ok(n) if n <= libc::UIO_MAXIOV as usize => n,
        _ => return ret(Err(libc::EINVAL), -1),
    };
    if n > 0 && iov.is_null() {
        return ret(Err(libc::EFAULT), -1);
    }
    match iov_total(iov, n) {
        None => return ret(Err(libc::EINVAL), -1),
        Some(0) => return 0,
        Some(_) => {}
    }
    let mut m: msghdr = std::mem::zeroed();
    m.msg_iov = iov.cast_mut();
    m.msg_iovlen = n as _;
    recv_marked(&sock, fd, &mut m, 0)
}

/// `recvmmsg(2)`, with the kernel's loop: every entry is received with the
/// caller's flags (non-blocking after the first under `MSG_WAITFORONE`),
/// the timeout is checked after each datagram and the remaining time is
/// written back; an error after some datagrams ends the batch quietly.
///
/// # Safety
/// Same contract as the C function.
#[no_mangle]
pub unsafe extern "C" fn recvmmsg(
    fd: c_int,
    vec: *mut mmsghdr,
    vlen: c_uint,
    flags: c_int,
    timeout: *mut libc::timespec,
) -> c_int {
    let Some(sock) = state::lookup(fd) else {
        return real::recvmmsg(fd, vec, vlen, flags, timeout);
    };
    guard(-1, || {
        ret(recvmmsg_marked(&sock, fd, vec, vlen, flags, timeout), -1)
    })
}

/// The body of [`recvmmsg`] for a marked fd.
///
/// # Safety
/// As [`recvmmsg`].
unsafe fn recvmmsg_marked(
    sock: &Sock,
    fd: c_int,
    vec: *mut mmsghdr,
    vlen: c_uint,
    flags: c_int,
    timeout: *mut libc::timespec,
) -> Result<c_int, c_int> {
    let vlen = vlen.min(libc::UIO_MAXIOV as c_uint) as usize;
    if vlen > 0 && vec.is_null() {
        return Err(libc::EFAULT);
    }
    let end = if timeout.is_null() {
        None
    } else {
        let t = &*timeout;
        if t.tv_sec < 0 || !(0..1_000_000_000).contains(&t.tv_nsec) {
            return Err(libc::EINVAL);
        }
        // A deadline too far to represent is no deadline.
        Instant::now().checked_add(Duration::new(t.tv_sec as u64, t.tv_nsec as u32))
    };
    let wait_for_one = flags & MSG_WAITFORONE != 0;
    let mut flags = flags & !MSG_WAITFORONE;
    let mut done: c_int = 0;
    for i in 0..vlen {
        let e = &mut *vec.add(i);
        match recv_datagram(sock, fd, &mut e.msg_hdr, flags) {
            Ok(n) => e.msg_len = n as c_uint,
            Err(err) if done == 0 => return Err(err),
            Err(_) => break,
        }
        done += 1;
        if wait_for_one {
            flags |= libc::MSG_DONTWAIT;
        }
        if e.msg_hdr.msg_flags & libc::MSG_OOB != 0 {
            break;
        }
        if let Some(end) = end {
            let left = end.saturating_duration_since(Instant::now());
            (*timeout).tv_sec = left.as_secs() as libc::time_t;
            (*timeout).tv_nsec = left.subsec_nanos() as _;
            if left.is_zero() {
                break;
            }
        }
    }
    Ok(done)
}

/// `__recv_chk`: `recv` with the fortify length check.
///
/// # Safety
/// Same contract as the C function.
#[no_mangle]
pub unsafe extern "C" fn __recv_chk(
    fd: c_int,
    buf: *mut c_void,
    len: size_t,
    buflen: size_t,
    flags: c_int,
) -> ssize_t {
    if len > buflen {
        __chk_fail();
    }
    recv(fd, buf, len, flags)
}

/// `__recvfrom_chk`: `recvfrom` with the fortify length check.
///
/// # Safety
/// Same contract as the C function.
#[no_mangle]
pub unsafe extern "C" fn __recvfrom_chk(
    fd: c_int,
    buf: *mut c_void,
    len: size_t,
    buflen: size_t,
    flags: c_int,
    addr: *mut sockaddr,
    alen: *mut socklen_t,
) -> ssize_t {
    if len > buflen {
        __chk_fail();
    }
    recvfrom(fd, buf, len, flags, addr, alen)
}

/// `__read_chk`: `read` with the fortify length check.
///
/// # Safety
/// Same contract as the C function.
#[no_mangle]
pub unsafe extern "C" fn __read_chk(
    fd: c_int,
    buf: *mut c_void,
    len: size_t,
    buflen: size_t,
) -> ssize_t {
    if len > buflen {
        __chk_fail();
    }
    read(fd, buf, len)
}
