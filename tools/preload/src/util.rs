//! Small helpers shared by the entry points: errno, the panic guard, poll
//! with a deadline and iovec arithmetic.

use libc::{c_int, iovec};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::{Duration, Instant};

/// Returns the calling thread's `errno`.
pub fn errno() -> c_int {
    // SAFETY: __errno_location always returns the thread's errno slot.
    unsafe { *libc::__errno_location() }
}

/// Sets the calling thread's `errno`.
pub fn set_errno(e: c_int) {
    // SAFETY: as above.
    unsafe { *libc::__errno_location() = e }
}

/// Converts `Ok(v)` to `v` and `Err(e)` to `fail` with `errno = e`.
pub fn ret<T>(r: Result<T, c_int>, fail: T) -> T {
    match r {
        Ok(v) => v,
        Err(e) => {
            set_errno(e);
            fail
        }
    }
}

/// Runs `f`, turning a panic into `fail` with `errno = EIO`, so that no
/// panic ever unwinds into C code.
pub fn guard<T>(fail: T, f: impl FnOnce() -> T) -> T {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(v) => v,
        Err(_) => {
            set_errno(libc::EIO);
            fail
        }
    }
}

/// `msg_iovlen` as `usize` (its C type differs between libcs).
#[allow(clippy::unnecessary_cast)]
pub fn iovlen(m: &libc::msghdr) -> usize {
    m.msg_iovlen as usize
}

/// Total length of an iovec array, `None` on overflow of `isize`.
///
/// # Safety
/// `iov` must point to `cnt` readable iovecs (or `cnt` must be 0).
pub unsafe fn iov_total(iov: *const iovec, cnt: usize) -> Option<usize> {
    let mut total: usize = 0;
    for i in 0..cnt {
        total = total.checked_add((*iov.add(i)).iov_len)?;
    }
    (total <= isize::MAX as usize).then_some(total)
}

/// Copies `src` into the iovec array `iov` (at most its total length) and
/// returns how many bytes were copied.
///
/// # Safety
/// `iov` must point to `cnt` iovecs describing writable memory.
pub unsafe fn scatter(src: &[u8], iov: *const iovec, cnt: usize) -> usize {
    let mut done = 0;
    for i in 0..cnt {
        if done == src.len() {
            break;
        }
        let v = &*iov.add(i);
        let n = v.iov_len.min(src.len() - done);
        if n > 0 {
            std::ptr::copy_nonoverlapping(src.as_ptr().add(done), v.iov_base.cast::<u8>(), n);
        }
        done += n;
    }
    done
}

/// Reads up to `out.len()` bytes from the start of the iovec array `iov`,
/// limited to the first `avail` bytes; returns how many were read.
///
/// # Safety
/// `iov` must point to `cnt` iovecs describing readable memory.
pub unsafe fn gather(out: &mut [u8], iov: *const iovec, cnt: usize, avail: usize) -> usize {
    let want = out.len().min(avail);
    let mut done = 0;
    for i in 0..cnt {
        if done == want {
            break;
        }
        let v = &*iov.add(i);
        let n = v.iov_len.min(want - done);
        if n > 0 {
            std::ptr::copy_nonoverlapping(v.iov_base.cast::<u8>(), out.as_mut_ptr().add(done), n);
        }
        done += n;
    }
    done
}

/// Polls `fd` for `events` until `deadline` (`None`: forever). Returns
/// `Ok(true)` when ready, `Ok(false)` on timeout and `Err(errno)` on error
/// (`EINTR` included, so callers decide whether to retry).
pub fn poll_until(fd: c_int, events: i16, deadline: Option<Instant>) -> Result<bool, c_int> {
    let timeout = match deadline {
        None => -1,
        Some(d) => {
            let left = d.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Ok(false);
            }
            millis_ceil(left)
        }
    };
    let mut p = libc::pollfd {
        fd,
        events,
        revents: 0,
    };
    // SAFETY: one valid pollfd; poll is not interposed by this library.
    let r = unsafe { libc::poll(&mut p, 1, timeout) };
    match r {
        r if r < 0 => Err(errno()),
        0 => Ok(false),
        _ => Ok(true),
    }
}

/// A duration in whole milliseconds, rounded up, clamped to `c_int`.
fn millis_ceil(d: Duration) -> c_int {
    let ms = d.as_nanos().div_ceil(1_000_000);
    c_int::try_from(ms).unwrap_or(c_int::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iov(buf: &mut [u8]) -> iovec {
        iovec {
            iov_base: buf.as_mut_ptr().cast(),
            iov_len: buf.len(),
        }
    }

    #[test]
    fn scatter_and_gather_cross_iovecs() {
        let mut a = [0u8; 3];
        let mut b = [0u8; 0];
        let mut c = [0u8; 10];
        let v = [iov(&mut a), iov(&mut b), iov(&mut c)];
        let src: Vec<u8> = (1..=8).collect();
        assert_eq!(unsafe { scatter(&src, v.as_ptr(), 3) }, 8);
        assert_eq!(a, [1, 2, 3]);
        assert_eq!(&c[..5], &[4, 5, 6, 7, 8]);
        let mut out = [0u8; 6];
        assert_eq!(unsafe { gather(&mut out, v.as_ptr(), 3, 5) }, 5);
        assert_eq!(&out[..5], &[1, 2, 3, 4, 5]);
        assert_eq!(unsafe { iov_total(v.as_ptr(), 3) }, Some(13));
    }

    #[test]
    fn scatter_stops_at_buffer_end() {
        let mut a = [0u8; 2];
        let v = [iov(&mut a)];
        assert_eq!(unsafe { scatter(&[9, 9, 9], v.as_ptr(), 1) }, 2);
    }

    #[test]
    fn millis_round_up() {
        assert_eq!(millis_ceil(Duration::from_micros(1)), 1);
        assert_eq!(millis_ceil(Duration::from_millis(5000)), 5000);
    }

    #[test]
    fn guard_catches_panics() {
        let r = guard(-1, || -> i32 { panic!("boom") });
        assert_eq!(r, -1);
        assert_eq!(errno(), libc::EIO);
    }
}
