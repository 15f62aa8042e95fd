//! The next definitions (normally glibc's) of every function this library
//! exports, found lazily with `dlsym(RTLD_NEXT, …)`.
//!
//! The library's own I/O must go through these wrappers and never through
//! `libc::close`, `libc::sendmsg`, …: inside this shared object those names
//! resolve to the library's own exported symbols. Calls can arrive before any
//! constructor has run, so each pointer is resolved on first use. If `dlsym`
//! finds nothing, the wrapper falls back to the raw system call.

use libc::{
    c_int, c_long, c_uint, c_ulong, c_void, iovec, mmsghdr, msghdr, size_t, sockaddr, socklen_t,
    ssize_t, timespec,
};
use std::sync::atomic::{AtomicUsize, Ordering};

/// Slot value before the first lookup.
const UNRESOLVED: usize = 0;
/// Slot value when `dlsym` found no next definition.
const MISSING: usize = 1;

/// Returns the cached address of the next definition of `name` (a
/// NUL-terminated symbol name), looking it up on first use; `MISSING` if none.
fn resolve(slot: &AtomicUsize, name: &'static str) -> usize {
    let v = slot.load(Ordering::Acquire);
    if v != UNRESOLVED {
        return v;
    }
    // SAFETY: `name` is NUL-terminated (built with concat! below).
    let p = unsafe { libc::dlsym(libc::RTLD_NEXT, name.as_ptr().cast()) } as usize;
    let v = if p == 0 { MISSING } else { p };
    slot.store(v, Ordering::Release);
    v
}

/// Converts a raw `syscall()` result to the C return type.
fn sys<T>(r: c_long) -> T
where
    T: TryFrom<c_long> + From<i8>,
{
    T::try_from(r).unwrap_or_else(|_| T::from(-1))
}

macro_rules! next_fn {
    ($(#[$doc:meta])* fn $name:ident($($arg:ident: $ty:ty),*) -> $ret:ty; fallback $fb:expr) => {
        $(#[$doc])*
        ///
        /// # Safety
        /// Same contract as the C function of that name.
        pub unsafe fn $name($($arg: $ty),*) -> $ret {
            static SLOT: AtomicUsize = AtomicUsize::new(UNRESOLVED);
            let p = resolve(&SLOT, concat!(stringify!($name), "\0"));
            if p == MISSING {
                $fb
            } else {
                // SAFETY: `p` is the address of the C function `$name`,
                // whose prototype is the one declared here.
                let f: unsafe extern "C" fn($($ty),*) -> $ret = std::mem::transmute(p);
                f($($arg),*)
            }
        }
    };
}

next_fn! {
    /// The next `socket`.
    fn socket(domain: c_int, ty: c_int, protocol: c_int) -> c_int;
    fallback sys(libc::syscall(libc::SYS_socket, domain, ty, protocol))
}
next_fn! {
    /// The next `bind`.
    fn bind(fd: c_int, addr: *const sockaddr, len: socklen_t) -> c_int;
    fallback sys(libc::syscall(libc::SYS_bind, fd, addr, len))
}
next_fn! {
    /// The next `connect`.
    fn connect(fd: c_int, addr: *const sockaddr, len: socklen_t) -> c_int;
    fallback sys(libc::syscall(libc::SYS_connect, fd, addr, len))
}
next_fn! {
    /// The next `getsockname`.
    fn getsockname(fd: c_int, addr: *mut sockaddr, len: *mut socklen_t) -> c_int;
    fallback sys(libc::syscall(libc::SYS_getsockname, fd, addr, len))
}
next_fn! {
    /// The next `getpeername`.
    fn getpeername(fd: c_int, addr: *mut sockaddr, len: *mut socklen_t) -> c_int;
    fallback sys(libc::syscall(libc::SYS_getpeername, fd, addr, len))
}
next_fn! {
    /// The next `getsockopt`.
    fn getsockopt(fd: c_int, level: c_int, name: c_int, val: *mut c_void, len: *mut socklen_t) -> c_int;
    fallback sys(libc::syscall(libc::SYS_getsockopt, fd, level, name, val, len))
}
next_fn! {
    /// The next `setsockopt`.
    fn setsockopt(fd: c_int, level: c_int, name: c_int, val: *const c_void, len: socklen_t) -> c_int;
    fallback sys(libc::syscall(libc::SYS_setsockopt, fd, level, name, val, len))
}
next_fn! {
    /// The next `sendmsg`.
    fn sendmsg(fd: c_int, msg: *const msghdr, flags: c_int) -> ssize_t;
    fallback sys(libc::syscall(libc::SYS_sendmsg, fd, msg, flags))
}
next_fn! {
    /// The next `sendto`.
    fn sendto(fd: c_int, buf: *const c_void, len: size_t, flags: c_int, addr: *const sockaddr, alen: socklen_t) -> ssize_t;
    fallback sys(libc::syscall(libc::SYS_sendto, fd, buf, len, flags, addr, alen))
}
next_fn! {
    /// The next `send`.
    fn send(fd: c_int, buf: *const c_void, len: size_t, flags: c_int) -> ssize_t;
    fallback sys(libc::syscall(libc::SYS_sendto, fd, buf, len, flags, 0usize, 0usize))
}
next_fn! {
    /// The next `write`.
    fn write(fd: c_int, buf: *const c_void, len: size_t) -> ssize_t;
    fallback sys(libc::syscall(libc::SYS_write, fd, buf, len))
}
next_fn! {
    /// The next `writev`.
    fn writev(fd: c_int, iov: *const iovec, cnt: c_int) -> ssize_t;
    fallback sys(libc::syscall(libc::SYS_writev, fd, iov, cnt))
}
next_fn! {
    /// The next `sendmmsg`.
    fn sendmmsg(fd: c_int, vec: *mut mmsghdr, vlen: c_uint, flags: c_int) -> c_int;
    fallback sys(libc::syscall(libc::SYS_sendmmsg, fd, vec, vlen, flags))
}
next_fn! {
    /// The next `recvmsg`.
    fn recvmsg(fd: c_int, msg: *mut msghdr, flags: c_int) -> ssize_t;
    fallback sys(libc::syscall(libc::SYS_recvmsg, fd, msg, flags))
}
next_fn! {
    /// The next `recvfrom`.
    fn recvfrom(fd: c_int, buf: *mut c_void, len: size_t, flags: c_int, addr: *mut sockaddr, alen: *mut socklen_t) -> ssize_t;
    fallback sys(libc::syscall(libc::SYS_recvfrom, fd, buf, len, flags, addr, alen))
}
next_fn! {
    /// The next `recv`.
    fn recv(fd: c_int, buf: *mut c_void, len: size_t, flags: c_int) -> ssize_t;
    fallback sys(libc::syscall(libc::SYS_recvfrom, fd, buf, len, flags, 0usize, 0usize))
}
next_fn! {
    /// The next `read`.
    fn read(fd: c_int, buf: *mut c_void, len: size_t) -> ssize_t;
    fallback sys(libc::syscall(libc::SYS_read, fd, buf, len))
}
next_fn! {
    /// The next `readv`.
    fn readv(fd: c_int, iov: *const iovec, cnt: c_int) -> ssize_t;
    fallback sys(libc::syscall(libc::SYS_readv, fd, iov, cnt))
}
next_fn! {
    /// The next `recvmmsg`.
    fn recvmmsg(fd: c_int, vec: *mut mmsghdr, vlen: c_uint, flags: c_int, timeout: *mut timespec) -> c_int;
    fallback sys(libc::syscall(libc::SYS_recvmmsg, fd, vec, vlen, flags, timeout))
}
next_fn! {
    /// The next `close`.
    fn close(fd: c_int) -> c_int;
    fallback sys(libc::syscall(libc::SYS_close, fd))
}
next_fn! {
    /// The next `dup`.
    fn dup(fd: c_int) -> c_int;
    fallback sys(libc::syscall(libc::SYS_dup, fd))
}
next_fn! {
    /// The next `dup2`.
    fn dup2(old: c_int, new: c_int) -> c_int;
    fallback dup2_fallback(old, new)
}
next_fn! {
    /// The next `dup3`.
    fn dup3(old: c_int, new: c_int, flags: c_int) -> c_int;
    fallback sys(libc::syscall(libc::SYS_dup3, old, new, flags))
}
next_fn! {
    /// The next `fcntl`; the third argument is forwarded as a full word.
    fn fcntl(fd: c_int, cmd: c_int, arg: c_ulong) -> c_int;
    fallback sys(libc::syscall(libc::SYS_fcntl, fd, cmd, arg))
}
next_fn! {
    /// The next `fcntl64`; the third argument is forwarded as a full word.
    fn fcntl64(fd: c_int, cmd: c_int, arg: c_ulong) -> c_int;
    fallback fcntl(fd, cmd, arg)
}

/// `dup2` from `dup3` and `F_GETFD`, for architectures without `SYS_dup2`.
unsafe fn dup2_fallback(old: c_int, new: c_int) -> c_int {
    if old == new {
        return if fcntl(old, libc::F_GETFD, 0) < 0 {
            -1
        } else {
            new
        };
    }
    sys(libc::syscall(libc::SYS_dup3, old, new, 0))
}
