//! Exported `close`, `dup`, `dup2`, `dup3`, `fcntl` and `fcntl64`: keeping
//! the fd table in step with the application's descriptors.
//!
//! Duplicates share the socket state; closing an fd drops its mark, and the
//! state (with its control channel) goes away with the last fd.

use crate::real;
use crate::state::{self, Sock};
use crate::util::{errno, set_errno};
use libc::{c_int, c_ulong};
use std::sync::Arc;

/// Marks `new` (a fresh duplicate) with `sock`. If the table cannot hold
/// `new`, the duplicate is closed and the call fails with `EMFILE`.
fn mark_dup(new: c_int, sock: Arc<Sock>) -> c_int {
    match state::mark(new, sock) {
        Ok(prev) => {
            drop(prev);
            new
        }
        Err(_) => {
            // SAFETY: `new` was just created by this call.
            unsafe { real::close(new) };
            set_errno(libc::EMFILE);
            -1
        }
    }
}

/// Drops a state reference without disturbing `errno`.
fn drop_quietly(prev: Option<Arc<Sock>>) {
    let e = errno();
    drop(prev);
    set_errno(e);
}

/// `close(2)`.
///
/// # Safety
/// Same contract as the C function.
#[no_mangle]
pub unsafe extern "C" fn close(fd: c_int) -> c_int {
    if !state::is_marked(fd) {
        return real::close(fd);
    }
    let prev = state::unmark(fd);
    let r = real::close(fd);
    drop_quietly(prev);
    r
}

/// `dup(2)`.
///
/// # Safety
/// Same contract as the C function.
#[no_mangle]
pub unsafe extern "C" fn dup(fd: c_int) -> c_int {
    let Some(sock) = state::lookup(fd) else {
        return real::dup(fd);
    };
    let r = real::dup(fd);
    if r < 0 {
        return r;
    }
    mark_dup(r, sock)
}

/// Common part of `dup2`/`dup3` once the real call succeeded: `new` takes
/// `old`'s mark, or loses any mark it had.
fn after_dup2(new: c_int, sock: Option<Arc<Sock>>) -> c_int {
    match sock {
        Some(sock) => mark_dup(new, sock),
        None => {
            drop_quietly(state::unmark(new));
            new
        }
    }
}

/// `dup2(2)`.
///
/// # Safety
/// Same contract as the C function.
#[no_mangle]
pub unsafe extern "C" fn dup2(old: c_int, new: c_int) -> c_int {
    let sock = state::lookup(old);
    if old == new || (sock.is_none() && !state::is_marked(new)) {
        return real::dup2(old, new);
    }
    let r = real::dup2(old, new);
    if r < 0 {
        return r;
    }
    after_dup2(r, sock)
}

/// `dup3(2)`.
///
/// # Safety
/// Same contract as the C function.
#[no_mangle]
pub unsafe extern "C" fn dup3(old: c_int, new: c_int, flags: c_int) -> c_int {
    let sock = state::lookup(old);
    if old == new || (sock.is_none() && !state::is_marked(new)) {
        return real::dup3(old, new, flags);
    }
    let r = real::dup3(old, new, flags);
    if r < 0 {
        return r;
    }
    after_dup2(r, sock)
}

/// Shared body of `fcntl`/`fcntl64`: `F_DUPFD`/`F_DUPFD_CLOEXEC` copies of
/// a marked fd share its state; everything else passes through.
fn fcntl_with(
    fd: c_int,
    cmd: c_int,
    arg: c_ulong,
    next: unsafe fn(c_int, c_int, c_ulong) -> c_int,
) -> c_int {
    let dupping = cmd == libc::F_DUPFD || cmd == libc::F_DUPFD_CLOEXEC;
    let sock = if dupping { state::lookup(fd) } else { None };
    // SAFETY: the caller's arguments go unchanged to the next definition.
    let r = unsafe { next(fd, cmd, arg) };
    match sock {
        Some(sock) if r >= 0 => mark_dup(r, sock),
        _ => r,
    }
}

/// `fcntl(2)`. C declares it variadic; the optional third argument is
/// taken and forwarded as a full machine word, which is how every
/// supported ABI passes an `int`, `long` or pointer in that position.
///
/// # Safety
/// Same contract as the C function.
#[no_mangle]
pub unsafe extern "C" fn fcntl(fd: c_int, cmd: c_int, arg: c_ulong) -> c_int {
    fcntl_with(fd, cmd, arg, real::fcntl)
}

/// `fcntl64`, glibc's large-file `fcntl` (CPython calls this one).
///
/// # Safety
/// Same contract as the C function.
#[no_mangle]
pub unsafe extern "C" fn fcntl64(fd: c_int, cmd: c_int, arg: c_ulong) -> c_int {
    fcntl_with(fd, cmd, arg, real::fcntl64)
}
