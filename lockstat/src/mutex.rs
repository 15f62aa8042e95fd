//! The instrumented mutex and its guard.

use std::fmt;
use std::mem::ManuallyDrop;
use std::ops::{Deref, DerefMut};
use std::sync::{Mutex, MutexGuard, PoisonError, TryLockError};
use std::time::{Duration, Instant};

use crate::stats::{LockSnapshot, Stats};

/// A mutex that records wait and hold times of every acquisition.
///
/// See the crate documentation for how recording stays off the protected
/// lock's critical section.
pub struct InstrumentedMutex<T: ?Sized> {
    name: &'static str,
    stats: Mutex<Stats>,
    inner: Mutex<T>,
}

/// Exclusive access to an [`InstrumentedMutex`]'s value; releasing it (drop)
/// records the acquisition.
pub struct InstrumentedGuard<'a, T: ?Sized> {
    lock: &'a InstrumentedMutex<T>,
    guard: ManuallyDrop<MutexGuard<'a, T>>,
    wait: Duration,
    acquired: Instant,
    contended: bool,
}

impl<T> InstrumentedMutex<T> {
    /// A new unlocked mutex named `name` (the name appears in snapshots).
    pub fn new(name: &'static str, value: T) -> Self {
        InstrumentedMutex {
            name,
            stats: Mutex::new(Stats::new()),
            inner: Mutex::new(value),
        }
    }

    /// Consumes the mutex and returns its value (recovering from poison).
    pub fn into_inner(self) -> T {
        self.inner
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

impl<T: ?Sized> InstrumentedMutex<T> {
    /// The name given at creation.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// Blocks until the lock is acquired. Never panics on poison.
    pub fn lock(&self) -> InstrumentedGuard<'_, T> {
        let start = Instant::now();
        let (guard, contended) = match self.inner.try_lock() {
            Ok(g) => (g, false),
            Err(TryLockError::Poisoned(p)) => (p.into_inner(), false),
            Err(TryLockError::WouldBlock) => (
                self.inner.lock().unwrap_or_else(PoisonError::into_inner),
                true,
            ),
        };
        self.guard(guard, start, contended)
    }

    /// Acquires the lock if it is free; `None` if another holder has it.
    pub fn try_lock(&self) -> Option<InstrumentedGuard<'_, T>> {
        let start = Instant::now();
        match self.inner.try_lock() {
            Ok(g) => Some(self.guard(g, start, false)),
            Err(TryLockError::Poisoned(p)) => Some(self.guard(p.into_inner(), start, false)),
            Err(TryLockError::WouldBlock) => None,
        }
    }

    fn guard<'a>(
        &'a self,
        guard: MutexGuard<'a, T>,
        start: Instant,
        contended: bool,
    ) -> InstrumentedGuard<'a, T> {
        let acquired = Instant::now();
        InstrumentedGuard {
            lock: self,
            guard: ManuallyDrop::new(guard),
            wait: acquired.saturating_duration_since(start),
            acquired,
            contended,
        }
    }

    /// Mutable access without locking (the borrow proves exclusivity).
    pub fn get_mut(&mut self) -> &mut T {
        self.inner.get_mut().unwrap_or_else(PoisonError::into_inner)
    }

    /// A copy of the statistics of all completed acquisitions.
    pub fn stats(&self) -> LockSnapshot {
        self.stats_lock().snapshot(self.name)
    }

    /// Forgets all recorded statistics.
    pub fn reset_stats(&self) {
        self.stats_lock().reset();
    }

    fn stats_lock(&self) -> MutexGuard<'_, Stats> {
        self.stats.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl<T: ?Sized> fmt::Debug for InstrumentedMutex<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InstrumentedMutex")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

impl<T: ?Sized> InstrumentedGuard<'_, T> {
    /// How long this acquisition waited for the lock.
    pub fn waited(&self) -> Duration {
        self.wait
    }

    /// Whether the lock was taken by someone else when `lock` was called.
    pub fn was_contended(&self) -> bool {
        self.contended
    }
}

impl<T: ?Sized> Deref for InstrumentedGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.guard
    }
}

impl<T: ?Sized> DerefMut for InstrumentedGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.guard
    }
}

impl<T: ?Sized> Drop for InstrumentedGuard<'_, T> {
    fn drop(&mut self) {
        let hold = self.acquired.elapsed();
        // SAFETY: `guard` is dropped exactly once, here, and never used after.
        unsafe { ManuallyDrop::drop(&mut self.guard) };
        // Recorded after the release: the statistics lock never nests inside
        // the protected one.
        self.lock
            .stats_lock()
            .record(self.wait, hold, self.contended);
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for InstrumentedGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;
    use std::sync::Arc;
    use std::thread;

    const MS: u64 = 1_000_000;

    #[test]
    fn hold_time_reflects_held_guard() {
        let m = InstrumentedMutex::new("t", 0u32);
        {
            let mut g = m.lock();
            *g += 1;
            thread::sleep(Duration::from_millis(20));
        }
        let s = m.stats();
        assert_eq!(s.name, "t");
        assert_eq!(s.acquisitions, 1);
        assert_eq!(s.contended, 0);
        assert_eq!(s.hold.count, 1);
        assert!(s.hold.max >= 20 * MS, "hold {} ns", s.hold.max);
        assert!(s.hold.p50 >= 19 * MS, "hold p50 {} ns", s.hold.p50);
        assert_eq!(*m.lock(), 1);
    }

    #[test]
    fn wait_time_recorded_when_second_thread_blocks() {
        let m = Arc::new(InstrumentedMutex::new("t", ()));
        let held = m.lock();
        let (tx, rx) = mpsc::channel();
        let m2 = Arc::clone(&m);
        let waiter = thread::spawn(move || {
            tx.send(()).unwrap();
            let g = m2.lock();
            (g.waited(), g.was_contended())
        });
        rx.recv().unwrap();
        // The waiter is about to block (or blocked); keep the lock long
        // enough that its wait dwarfs any scheduling delay.
        thread::sleep(Duration::from_millis(200));
        drop(held);
        let (waited, contended) = waiter.join().unwrap();
        assert!(contended);
        let s = m.stats();
        assert_eq!(s.acquisitions, 2);
        assert_eq!(s.contended, 1);
        assert_eq!(s.wait.count, 2);
        assert!(s.wait.max >= 50 * MS, "wait {} ns", s.wait.max);
        // The histogram holds what the guard saw (within 0.1%).
        let w = u64::try_from(waited.as_nanos()).unwrap();
        assert!(s.wait.max.abs_diff(w) * 1000 <= w, "{} vs {w}", s.wait.max);
    }

    #[test]
    fn try_lock_fails_while_held() {
        let m = InstrumentedMutex::new("t", 5);
        let g = m.lock();
        assert!(m.try_lock().is_none());
        drop(g);
        assert_eq!(*m.try_lock().unwrap(), 5);
        assert_eq!(m.stats().acquisitions, 2);
    }

    #[test]
    fn poison_is_recovered() {
        let m = Arc::new(InstrumentedMutex::new("t", 7));
        let m2 = Arc::clone(&m);
        let r = thread::spawn(move || {
            let _g = m2.lock();
            panic!("poison it");
        })
        .join();
        assert!(r.is_err());
        assert_eq!(*m.lock(), 7);
        assert_eq!(*m.try_lock().unwrap(), 7);
        assert_eq!(m.stats().acquisitions, 3);
    }

    #[test]
    fn reset_forgets() {
        let m = InstrumentedMutex::new("t", ());
        drop(m.lock());
        m.reset_stats();
        assert_eq!(m.stats().acquisitions, 0);
        assert_eq!(m.stats().hold.count, 0);
    }
}
