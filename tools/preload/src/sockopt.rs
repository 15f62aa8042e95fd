//! Exported `getsockopt` and `setsockopt`.
//!
//! `SOL_SOCKET` options go to the unix socket (buffer sizes, filters, …),
//! except the identity options `SO_TYPE`, `SO_PROTOCOL` and `SO_DOMAIN`.
//! A receive buffer size (`SO_RCVBUF`, `SO_RCVBUFFORCE`) is also told to
//! ovsd, which drops multicast and upcalls beyond it as the kernel does.
//! `SOL_NETLINK` options are forwarded to ovsd as `SOCKOPT` frames; other
//! levels are `ENOPROTOOPT`, as on a netlink socket.

use crate::daemon::{self, errno_result};
use crate::frame::{Frame, OP_OPTRES, OP_SOCKOPT, SOCKOPT_RCVBUF};
use crate::real;
use crate::state::{self, Sock};
use crate::util::{guard, ret};
use libc::{c_int, c_void, socklen_t};
use std::sync::atomic::Ordering;

/// `SOL_NETLINK`.
pub const SOL_NETLINK: c_int = 270;
/// `NETLINK_ADD_MEMBERSHIP`.
const ADD_MEMBERSHIP: c_int = 1;
/// `NETLINK_DROP_MEMBERSHIP`.
const DROP_MEMBERSHIP: c_int = 2;
/// `SOL_NETLINK` options that `getsockopt` reports as 0/1 flags:
/// `PKTINFO`, `BROADCAST_ERROR`, `NO_ENOBUFS`, `CAP_ACK`, `EXT_ACK`,
/// `GET_STRICT_CHK`.
const GETTABLE_FLAGS: [c_int; 6] = [3, 4, 5, 10, 11, 12];
/// `NETLINK_LISTEN_ALL_NSID`: a flag that can be set but not read back.
const LISTEN_ALL_NSID: c_int = 8;

/// `getsockopt(2)`.
///
/// # Safety
/// Same contract as the C function.
#[no_mangle]
pub unsafe extern "C" fn getsockopt(
    fd: c_int,
    level: c_int,
    name: c_int,
    val: *mut c_void,
    len: *mut socklen_t,
) -> c_int {
    let Some(sock) = state::lookup(fd) else {
        return real::getsockopt(fd, level, name, val, len);
    };
    let v = match (level, name) {
        (libc::SOL_SOCKET, libc::SO_TYPE) => sock.sock_type,
        (libc::SOL_SOCKET, libc::SO_PROTOCOL) => 16,
        (libc::SOL_SOCKET, libc::SO_DOMAIN) => libc::AF_NETLINK,
        (libc::SOL_SOCKET, _) => return real::getsockopt(fd, level, name, val, len),
        (SOL_NETLINK, n) if GETTABLE_FLAGS.contains(&n) => {
            if len.is_null() || *len < 4 {
                return ret::<c_int>(Err(libc::EINVAL), -1);
            }
            c_int::from(sock.opts.load(Ordering::Acquire) & (1 << n) != 0)
        }
        _ => return ret::<c_int>(Err(libc::ENOPROTOOPT), -1),
    };
    ret(put_int(val, len, v), -1)
}

/// Stores an int option result the way the kernel does: at most `*len`
/// bytes of the value are copied and `*len` becomes the number copied.
///
/// # Safety
/// `val` must have room for `*len` bytes; `len` must be valid or null.
unsafe fn put_int(val: *mut c_void, len: *mut socklen_t, v: c_int) -> Result<c_int, c_int> {
    if len.is_null() {
        return Err(libc::EFAULT);
    }
    let n = (*len as usize).min(std::mem::size_of::<c_int>());
    if n > 0 {
        if val.is_null() {
            return Err(libc::EFAULT);
        }
        std::ptr::copy_nonoverlapping(v.to_ne_bytes().as_ptr(), val.cast::<u8>(), n);
    }
    *len = n as socklen_t;
    Ok(0)
}

/// `setsockopt(2)`.
///
/// # Safety
/// Same contract as the C function.
#[no_mangle]
pub unsafe extern "C" fn setsockopt(
    fd: c_int,
    level: c_int,
    name: c_int,
    val: *const c_void,
    len: socklen_t,
) -> c_int {
    let Some(sock) = state::lookup(fd) else {
        return real::setsockopt(fd, level, name, val, len);
    };
    match level {
        libc::SOL_SOCKET if name == libc::SO_RCVBUF || name == libc::SO_RCVBUFFORCE => {
            // the local socket applies the kernel's clamping and permission
            // rules (sock_setsockopt); ovsd gets the resulting sk_rcvbuf
            let r = real::setsockopt(fd, level, name, val, len);
            if r != 0 {
                return r;
            }
            guard(-1, || ret(set_rcvbuf(&sock, fd).map(|()| 0), -1))
        }
        libc::SOL_SOCKET => real::setsockopt(fd, level, name, val, len),
        SOL_NETLINK => {
            if (len as usize) < std::mem::size_of::<c_int>() {
                return ret::<c_int>(Err(libc::EINVAL), -1);
            }
            if val.is_null() {
                return ret::<c_int>(Err(libc::EFAULT), -1);
            }
            let v = std::ptr::read_unaligned(val.cast::<c_int>());
            guard(-1, || ret(set_netlink(&sock, name, v).map(|()| 0), -1))
        }
        _ => ret::<c_int>(Err(libc::ENOPROTOOPT), -1),
    }
}

/// Tells ovsd the receive buffer size the local socket now reports.
unsafe fn set_rcvbuf(sock: &Sock, fd: c_int) -> Result<(), c_int> {
    let mut v: c_int = 0;
    let mut len = std::mem::size_of::<c_int>() as socklen_t;
    if real::getsockopt(
        fd,
        libc::SOL_SOCKET,
        libc::SO_RCVBUF,
        (&mut v as *mut c_int).cast(),
        &mut len,
    ) != 0
    {
        return Ok(());
    }
    let mut io = sock.lock_io();
    let f = daemon::request(
        sock,
        &mut io,
        Frame::new(OP_SOCKOPT, SOCKOPT_RCVBUF, v.max(0) as u32),
        OP_OPTRES,
    )?;
    errno_result(f.a)
}

/// Forwards a `SOL_NETLINK` option to ovsd and mirrors its effect locally.
fn set_netlink(sock: &Sock, name: c_int, v: c_int) -> Result<(), c_int> {
    let mut io = sock.lock_io();
    let f = daemon::request(
        sock,
        &mut io,
        Frame::new(OP_SOCKOPT, name as u32, v as u32),
        OP_OPTRES,
    )?;
    errno_result(f.a)?;
    mirror(sock, name, v);
    Ok(())
}

/// Applies a successful option to the local state: legacy group bits for
/// memberships of groups 1–32, flag bits for the flag options.
fn mirror(sock: &Sock, name: c_int, v: c_int) {
    let group_bit = (1..=32).contains(&v).then(|| 1u32 << (v - 1));
    match name {
        ADD_MEMBERSHIP => {
            if let Some(b) = group_bit {
                sock.groups.fetch_or(b, Ordering::AcqRel);
            }
        }
        DROP_MEMBERSHIP => {
            if let Some(b) = group_bit {
                sock.groups.fetch_and(!b, Ordering::AcqRel);
            }
        }
        n if GETTABLE_FLAGS.contains(&n) || n == LISTEN_ALL_NSID => {
            if v != 0 {
                sock.opts.fetch_or(1 << n, Ordering::AcqRel);
            } else {
                sock.opts.fetch_and(!(1 << n), Ordering::AcqRel);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn put_int_truncates_like_kernel() {
        let mut buf = [0xffu8; 8];
        let mut len: socklen_t = 8;
        unsafe { put_int(buf.as_mut_ptr().cast(), &mut len, 3) }.unwrap();
        assert_eq!(len, 4);
        assert_eq!(&buf[..4], &3i32.to_ne_bytes());
        let mut len: socklen_t = 2;
        unsafe { put_int(buf.as_mut_ptr().cast(), &mut len, 0x0102_0304) }.unwrap();
        assert_eq!(len, 2);
    }

    #[test]
    fn mirror_tracks_groups_and_flags() {
        let s = Sock::new(0, 0, -1, libc::SOCK_RAW, 1);
        mirror(&s, ADD_MEMBERSHIP, 3);
        mirror(&s, ADD_MEMBERSHIP, 40);
        assert_eq!(s.groups.load(Ordering::Acquire), 0b100);
        mirror(&s, DROP_MEMBERSHIP, 3);
        assert_eq!(s.groups.load(Ordering::Acquire), 0);
        mirror(&s, 11, 1);
        assert_eq!(s.opts.load(Ordering::Acquire), 1 << 11);
        mirror(&s, 11, 0);
        assert_eq!(s.opts.load(Ordering::Acquire), 0);
    }
}
