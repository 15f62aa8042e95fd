//! Exported `socket`, `bind`, `connect`, `getsockname` and `getpeername`.

use crate::addr::{self, Target, NL_ADDR_LEN};
use crate::daemon::{self, errno_result};
use crate::frame::{Frame, OP_BIND, OP_BINDRES, OP_OPTRES, OP_SETGROUPS};
use crate::real;
use crate::state::{self, Sock};
use crate::util::{guard, ret};
use libc::{c_int, sockaddr, socklen_t};
use std::sync::atomic::Ordering;
use std::sync::Arc;

/// `NETLINK_GENERIC`.
const NETLINK_GENERIC: c_int = 16;
/// `SOCK_TYPE_MASK` of the kernel.
const SOCK_TYPE_MASK: c_int = 0xf;
/// `SOCK_MAX` of the kernel: base types at or above it are `EINVAL`.
const SOCK_MAX: c_int = 11;

/// `socket(2)`: `AF_NETLINK`/`NETLINK_GENERIC` sockets become connections
/// to ovsd; everything else goes to the next `socket`.
///
/// # Safety
/// Same contract as the C function.
#[no_mangle]
pub unsafe extern "C" fn socket(domain: c_int, ty: c_int, protocol: c_int) -> c_int {
    if domain != libc::AF_NETLINK || protocol != NETLINK_GENERIC {
        return real::socket(domain, ty, protocol);
    }
    guard(-1, || ret(open_netlink(ty), -1))
}

/// Checks the type like the kernel, connects to ovsd and marks the fd.
fn open_netlink(ty: c_int) -> Result<c_int, c_int> {
    if ty & !(SOCK_TYPE_MASK | libc::SOCK_CLOEXEC | libc::SOCK_NONBLOCK) != 0 {
        return Err(libc::EINVAL);
    }
    let base = ty & SOCK_TYPE_MASK;
    if base >= SOCK_MAX {
        return Err(libc::EINVAL);
    }
    if base != libc::SOCK_RAW && base != libc::SOCK_DGRAM {
        return Err(libc::ESOCKTNOSUPPORT);
    }
    let conn = daemon::connect(base, ty & libc::SOCK_CLOEXEC != 0)?;
    let Some((dev, ino)) = state::identity(conn.data) else {
        // SAFETY: both fds are ours and unpublished.
        unsafe {
            real::close(conn.ctl);
            real::close(conn.data);
        }
        return Err(libc::EPROTONOSUPPORT);
    };
    let sock = Arc::new(Sock::new(dev, ino, conn.ctl, base, conn.autobind));
    if ty & libc::SOCK_NONBLOCK != 0 {
        // SAFETY: fcntl on our own, still private, fd.
        unsafe {
            let fl = real::fcntl(conn.data, libc::F_GETFL, 0);
            real::fcntl(
                conn.data,
                libc::F_SETFL,
                (fl | libc::O_NONBLOCK) as libc::c_ulong,
            );
        }
    }
    match state::mark(conn.data, sock) {
        Ok(old) => {
            drop(old);
            Ok(conn.data)
        }
        Err(sock) => {
            drop(sock);
            // SAFETY: the data fd is ours and unpublished.
            unsafe { real::close(conn.data) };
            Err(libc::EMFILE)
        }
    }
}

/// `bind(2)`.
///
/// # Safety
/// Same contract as the C function.
#[no_mangle]
pub unsafe extern "C" fn bind(fd: c_int, addr: *const sockaddr, len: socklen_t) -> c_int {
    match state::lookup(fd) {
        None => real::bind(fd, addr, len),
        Some(sock) => guard(-1, || ret(do_bind(&sock, addr, len).map(|()| 0), -1)),
    }
}

/// Netlink `bind`: an explicit port id is claimed from ovsd (`BIND`), port
/// id 0 autobinds (`SETGROUPS`); the legacy groups go along either way.
fn do_bind(sock: &Sock, addr: *const sockaddr, len: socklen_t) -> Result<(), c_int> {
    if (len as usize) < NL_ADDR_LEN {
        return Err(libc::EINVAL);
    }
    // SAFETY: the caller promises `len` readable bytes at `addr`.
    let Target::Netlink { pid, groups } = (unsafe { addr::read(addr, len) })? else {
        return Err(libc::EINVAL);
    };
    let mut io = sock.lock_io();
    let bound = sock.bound.load(Ordering::Acquire);
    if bound != 0 && pid != bound {
        return Err(libc::EINVAL);
    }
    if pid != 0 {
        let f = daemon::request(sock, &mut io, Frame::new(OP_BIND, pid, groups), OP_BINDRES)?;
        errno_result(f.b)?;
        sock.bound
            .store(if f.a != 0 { f.a } else { pid }, Ordering::Release);
    } else {
        let f = daemon::request(
            sock,
            &mut io,
            Frame::new(OP_SETGROUPS, groups, 0),
            OP_OPTRES,
        )?;
        errno_result(f.a)?;
        sock.autobind();
    }
    sock.groups.store(groups, Ordering::Release);
    Ok(())
}

/// `connect(2)`.
///
/// # Safety
/// Same contract as the C function.
#[no_mangle]
pub unsafe extern "C" fn connect(fd: c_int, addr: *const sockaddr, len: socklen_t) -> c_int {
    match state::lookup(fd) {
        None => real::connect(fd, addr, len),
        Some(sock) => guard(-1, || ret(do_connect(&sock, addr, len).map(|()| 0), -1)),
    }
}

/// Netlink `connect`: only the kernel (`{AF_NETLINK, 0, 0}`) is a valid
/// peer; connecting autobinds. `AF_UNSPEC` is a no-op disconnect.
fn do_connect(sock: &Sock, addr: *const sockaddr, len: socklen_t) -> Result<(), c_int> {
    // SAFETY: the caller promises `len` readable bytes at `addr`.
    match unsafe { addr::read(addr, len) }? {
        Target::Unspec => Ok(()),
        Target::Netlink { pid: 0, groups: 0 } => autobind_remote(sock),
        Target::Netlink { .. } => Err(libc::EOPNOTSUPP),
    }
}

/// Binds to the autobind id, telling ovsd (`SETGROUPS` with the current
/// groups, which leaves them unchanged) if the socket was not bound yet.
fn autobind_remote(sock: &Sock) -> Result<(), c_int> {
    let mut io = sock.lock_io();
    if sock.bound.load(Ordering::Acquire) != 0 {
        return Ok(());
    }
    let groups = sock.groups.load(Ordering::Acquire);
    let f = daemon::request(
        sock,
        &mut io,
        Frame::new(OP_SETGROUPS, groups, 0),
        OP_OPTRES,
    )?;
    errno_result(f.a)?;
    sock.autobind();
    Ok(())
}

/// `getsockname(2)`: `{AF_NETLINK, bound port id, groups}`, length 12.
///
/// # Safety
/// Same contract as the C function.
#[no_mangle]
pub unsafe extern "C" fn getsockname(fd: c_int, addr: *mut sockaddr, len: *mut socklen_t) -> c_int {
    match state::lookup(fd) {
        None => real::getsockname(fd, addr, len),
        Some(sock) => {
            let pid = sock.bound.load(Ordering::Acquire);
            let groups = sock.groups.load(Ordering::Acquire);
            ret(fill_result(addr::fill(addr, len, pid, groups)), -1)
        }
    }
}

/// `getpeername(2)`: always the kernel, `{AF_NETLINK, 0, 0}`, length 12.
///
/// # Safety
/// Same contract as the C function.
#[no_mangle]
pub unsafe extern "C" fn getpeername(fd: c_int, addr: *mut sockaddr, len: *mut socklen_t) -> c_int {
    match state::lookup(fd) {
        None => real::getpeername(fd, addr, len),
        Some(_) => ret(fill_result(addr::fill(addr, len, 0, 0)), -1),
    }
}

/// `0` from [`addr::fill`] is success, anything else an errno.
fn fill_result(e: c_int) -> Result<c_int, c_int> {
    if e == 0 {
        Ok(0)
    } else {
        Err(e)
    }
}
