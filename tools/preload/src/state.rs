//! The per-fd table and the per-socket state it points to.
//!
//! The table is a fixed array indexed by fd. An empty slot (the case for
//! every fd the application opened itself) is recognised with one atomic
//! load and no lock, so `read`/`write`/`close` on ordinary fds stay cheap
//! and never recurse into the library. Marked slots hold an `Arc<Sock>`
//! shared by every duplicate of the fd; changes to marked slots, and taking
//! a reference out of one, happen under one global lock.

use crate::real;
use libc::c_int;
use std::sync::atomic::{AtomicBool, AtomicPtr, AtomicU32, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

/// Number of fds the table covers; netlink sockets above it are refused.
pub const MAX_FDS: usize = 65536;

/// State that only the thread holding [`Sock::io`] may touch: everything
/// about the control channel's request/answer sequence.
#[derive(Debug, Default)]
pub struct Io {
    /// Datagrams sent whose `DONE` has not arrived yet.
    pub owed: u64,
    /// The control channel reported end of file: ovsd is gone.
    pub dead: bool,
}

/// One emulated netlink socket, shared by every fd that refers to it.
#[derive(Debug)]
pub struct Sock {
    /// `st_dev` of the data socket, to recognise a stale fd mark.
    pub dev: u64,
    /// `st_ino` of the data socket, to recognise a stale fd mark.
    pub ino: u64,
    /// The private control-channel fd (`-1` in tests).
    pub ctl: c_int,
    /// The type the application asked for (`SOCK_RAW` or `SOCK_DGRAM`).
    pub sock_type: c_int,
    /// The port id ovsd reserved in `HELLO`.
    pub autobind: u32,
    /// The bound port id; 0 until bind, connect or the first send.
    pub bound: AtomicU32,
    /// Legacy `nl_groups` mask (groups 1–32) as `getsockname` reports it.
    pub groups: AtomicU32,
    /// `SOL_NETLINK` flag options that are on (bit n = option n).
    pub opts: AtomicU32,
    /// A dump is in progress: receives wait for its next part.
    pub dumping: AtomicBool,
    /// Serialises control-channel use: held across send + wait for `DONE`.
    pub io: Mutex<Io>,
}

impl Sock {
    /// New state for a socket whose data channel has identity `(dev, ino)`.
    pub fn new(dev: u64, ino: u64, ctl: c_int, sock_type: c_int, autobind: u32) -> Sock {
        Sock {
            dev,
            ino,
            ctl,
            sock_type,
            autobind,
            bound: AtomicU32::new(0),
            groups: AtomicU32::new(0),
            opts: AtomicU32::new(0),
            dumping: AtomicBool::new(false),
            io: Mutex::new(Io::default()),
        }
    }

    /// Locks the control channel (a poisoned lock is still usable).
    pub fn lock_io(&self) -> MutexGuard<'_, Io> {
        self.io.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Binds to the autobind port id if not bound yet (as the kernel does on
    /// send and connect); returns the bound id.
    pub fn autobind(&self) -> u32 {
        match self
            .bound
            .compare_exchange(0, self.autobind, Ordering::AcqRel, Ordering::Acquire)
        {
            Ok(_) => self.autobind,
            Err(cur) => cur,
        }
    }
}

impl Drop for Sock {
    fn drop(&mut self) {
        if self.ctl >= 0 {
            // SAFETY: the control fd is private to this state.
            unsafe { real::close(self.ctl) };
        }
    }
}

/// The fd table: a leaked `Arc<Sock>` pointer per marked fd.
static TABLE: [AtomicPtr<Sock>; MAX_FDS] =
    [const { AtomicPtr::new(std::ptr::null_mut()) }; MAX_FDS];
/// Guards marking, unmarking and taking references out of the table.
static TABLE_LOCK: Mutex<()> = Mutex::new(());

/// The table slot of `fd`, if the table covers it.
fn slot(fd: c_int) -> Option<&'static AtomicPtr<Sock>> {
    usize::try_from(fd).ok().and_then(|i| TABLE.get(i))
}

/// Takes the table lock.
fn lock_table() -> MutexGuard<'static, ()> {
    TABLE_LOCK.lock().unwrap_or_else(PoisonError::into_inner)
}

/// True if `fd` carries a mark (no lock, no validation): the fast test
/// every interposed call makes first.
pub fn is_marked(fd: c_int) -> bool {
    slot(fd).is_some_and(|s| !s.load(Ordering::Acquire).is_null())
}

/// The state `fd` is marked with, without validating the mark.
pub fn get(fd: c_int) -> Option<Arc<Sock>> {
    let s = slot(fd)?;
    if s.load(Ordering::Acquire).is_null() {
        return None;
    }
    let _g = lock_table();
    let p = s.load(Ordering::Acquire);
    if p.is_null() {
        return None;
    }
    // SAFETY: `p` came from Arc::into_raw and the table still owns one
    // reference to it; the lock keeps it from being released meanwhile.
    unsafe {
        Arc::increment_strong_count(p);
        Some(Arc::from_raw(p))
    }
}

/// The state of `fd` if it is marked and the mark is still valid, i.e. the
/// fd is still the data socket it was made for. A stale mark (left by a
/// close the library did not see) is dropped and `None` returned.
pub fn lookup(fd: c_int) -> Option<Arc<Sock>> {
    let sock = get(fd)?;
    if identity(fd) == Some((sock.dev, sock.ino)) {
        return Some(sock);
    }
    let p = Arc::as_ptr(&sock);
    drop(unmark_if(fd, p));
    None
}

/// `(st_dev, st_ino)` of an open fd.
pub fn identity(fd: c_int) -> Option<(u64, u64)> {
    // SAFETY: fstat is not interposed; the buffer is a local.
    unsafe {
        let mut st: libc::stat = std::mem::zeroed();
        (libc::fstat(fd, &mut st) == 0).then_some((st.st_dev, st.st_ino))
    }
}

/// Marks `fd` with `sock`; returns the state it was marked with before, if
/// any (drop it outside any lock). `false` if the table does not cover `fd`.
pub fn mark(fd: c_int, sock: Arc<Sock>) -> Result<Option<Arc<Sock>>, Arc<Sock>> {
    let Some(s) = slot(fd) else {
        return Err(sock);
    };
    let _g = lock_table();
    let old = s.swap(Arc::into_raw(sock).cast_mut(), Ordering::AcqRel);
    // SAFETY: a non-null slot value is an owned Arc::into_raw reference.
    Ok((!old.is_null()).then(|| unsafe { Arc::from_raw(old) }))
}

/// Removes the mark of `fd`; returns the state it held.
pub fn unmark(fd: c_int) -> Option<Arc<Sock>> {
    let s = slot(fd)?;
    if s.load(Ordering::Acquire).is_null() {
        return None;
    }
    let _g = lock_table();
    let old = s.swap(std::ptr::null_mut(), Ordering::AcqRel);
    // SAFETY: as in `mark`.
    (!old.is_null()).then(|| unsafe { Arc::from_raw(old) })
}

/// Removes the mark of `fd` only if it still points at `p`.
fn unmark_if(fd: c_int, p: *const Sock) -> Option<Arc<Sock>> {
    let s = slot(fd)?;
    let _g = lock_table();
    s.compare_exchange(
        p.cast_mut(),
        std::ptr::null_mut(),
        Ordering::AcqRel,
        Ordering::Acquire,
    )
    .ok()
    // SAFETY: as in `mark`.
    .map(|old| unsafe { Arc::from_raw(old) })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sock_for(fd: c_int) -> Arc<Sock> {
        let (dev, ino) = identity(fd).expect("fstat");
        Arc::new(Sock::new(dev, ino, -1, libc::SOCK_RAW, 42))
    }

    /// Two fds on distinct inodes.
    fn pair() -> (c_int, c_int) {
        let mut p = [0; 2];
        let r = unsafe { libc::socketpair(libc::AF_UNIX, libc::SOCK_STREAM, 0, p.as_mut_ptr()) };
        assert_eq!(r, 0);
        (p[0], p[1])
    }

    #[test]
    fn mark_share_unmark() {
        let (r, w) = pair();
        let s = sock_for(r);
        assert!(!is_marked(r));
        assert!(mark(r, s.clone()).unwrap().is_none());
        assert!(mark(w, s.clone()).unwrap().is_none());
        assert_eq!(Arc::strong_count(&s), 3);
        assert!(Arc::ptr_eq(&lookup(r).unwrap(), &s));
        // `w` is another file: its mark is stale and gets dropped.
        assert!(lookup(w).is_none());
        assert!(!is_marked(w));
        assert_eq!(Arc::strong_count(&s), 2);
        assert!(unmark(r).is_some());
        assert!(!is_marked(r));
        assert_eq!(Arc::strong_count(&s), 1);
        unsafe {
            libc::close(r);
            libc::close(w);
        }
    }

    #[test]
    fn out_of_range_fds() {
        assert!(!is_marked(-1));
        assert!(!is_marked(MAX_FDS as c_int));
        assert!(get(-5).is_none());
        let s = Arc::new(Sock::new(0, 0, -1, libc::SOCK_RAW, 1));
        assert!(mark(MAX_FDS as c_int, s).is_err());
    }

    #[test]
    fn autobind_once() {
        let s = Sock::new(0, 0, -1, libc::SOCK_DGRAM, 77);
        assert_eq!(s.autobind(), 77);
        s.bound.store(99, Ordering::Release);
        assert_eq!(s.autobind(), 99);
    }
}
