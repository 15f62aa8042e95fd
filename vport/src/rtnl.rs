//! The emulated RTNL: one global, serialized control-plane lock.
//!
//! In the kernel every net device creation and destruction runs under
//! `rtnl_lock()`, and any other RTNL user on the host (an `ip link` dump,
//! another daemon) delays it. [`Rtnl`] reproduces that: an instrumented
//! mutex named `"rtnl"`, a configurable amount of work spent inside it per
//! device create/destroy ([`RtnlGuard::device_work`]), and a background
//! [`Contention`] thread that holds it on a schedule.

use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::sync::Arc;
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use lockstat::{InstrumentedGuard, InstrumentedMutex, LockSnapshot};

pub use crate::duration::{parse_duration, parse_hold_period};

/// The emulated RTNL. Shared as `Arc<Rtnl>`.
#[derive(Debug)]
pub struct Rtnl {
    lock: InstrumentedMutex<()>,
    work: Duration,
}

/// RTNL held. Dropping it releases the lock.
#[derive(Debug)]
pub struct RtnlGuard<'a> {
    guard: InstrumentedGuard<'a, ()>,
    work: Duration,
}

impl Rtnl {
    /// A new RTNL whose holders spend `work` per device create/destroy
    /// (`--rtnl-work`).
    pub fn new(work: Duration) -> Arc<Rtnl> {
        Arc::new(Rtnl {
            lock: InstrumentedMutex::new("rtnl", ()),
            work,
        })
    }

    /// The configured per-device work.
    pub fn work(&self) -> Duration {
        self.work
    }

    /// Takes RTNL, waiting for any other holder (`rtnl_lock`).
    pub fn lock(&self) -> RtnlGuard<'_> {
        self.guard(self.lock.lock())
    }

    /// Takes RTNL if it is free (`rtnl_trylock`).
    pub fn try_lock(&self) -> Option<RtnlGuard<'_>> {
        self.lock.try_lock().map(|g| self.guard(g))
    }

    fn guard<'a>(&'a self, guard: InstrumentedGuard<'a, ()>) -> RtnlGuard<'a> {
        RtnlGuard {
            guard,
            work: self.work,
        }
    }

    /// Wait and hold statistics of every RTNL acquisition so far, the
    /// contender's included.
    pub fn stats(&self) -> LockSnapshot {
        self.lock.stats()
    }

    /// Forgets the statistics.
    pub fn reset_stats(&self) {
        self.lock.reset_stats();
    }

    /// Starts a background RTNL user that takes RTNL at the start of every
    /// `period` and holds it for `hold` (a busy host). The first hold starts
    /// at once. Dropping the returned [`Contention`] stops and joins it.
    ///
    /// Use `hold < period` (see [`parse_hold_period`]); if a hold overruns
    /// its period the next one starts right after it.
    pub fn start_contention(self: &Arc<Self>, hold: Duration, period: Duration) -> Contention {
        let (stop, stopped) = mpsc::channel::<()>();
        let rtnl = Arc::clone(self);
        let spawned = thread::Builder::new()
            .name("rtnl-contender".into())
            .spawn(move || {
                let mut next = Instant::now();
                loop {
                    {
                        let _held = rtnl.lock();
                        // Held for `hold` unless told to stop.
                        if stopped.recv_timeout(hold) != Err(RecvTimeoutError::Timeout) {
                            return;
                        }
                    }
                    next += period;
                    let now = Instant::now();
                    if next <= now {
                        next = now;
                        thread::yield_now();
                    } else if stopped.recv_timeout(next - now) != Err(RecvTimeoutError::Timeout) {
                        return;
                    }
                }
            });
        let thread = match spawned {
            Ok(t) => Some(t),
            Err(e) => {
                tracing::error!("cannot start the RTNL contender thread: {e}");
                None
            }
        };
        tracing::info!(?hold, ?period, "RTNL contender started");
        Contention {
            stop: Some(stop),
            thread,
        }
    }
}

impl RtnlGuard<'_> {
    /// Spends the configured per-device work while holding RTNL (what
    /// `register_netdevice`/`unregister_netdevice` cost on a real host).
    pub fn device_work(&self) {
        if !self.work.is_zero() {
            thread::sleep(self.work);
        }
    }

    /// How long this acquisition waited for RTNL.
    pub fn waited(&self) -> Duration {
        self.guard.waited()
    }
}

/// A running RTNL contender; dropping it stops and joins the thread.
#[derive(Debug)]
pub struct Contention {
    stop: Option<Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Drop for Contention {
    fn drop(&mut self) {
        // Disconnecting the channel wakes the thread wherever it waits.
        drop(self.stop.take());
        if let Some(t) = self.thread.take() {
            if t.join().is_err() {
                tracing::error!("the RTNL contender thread panicked");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn device_work_takes_at_least_work() {
        let rtnl = Rtnl::new(Duration::from_millis(30));
        assert_eq!(rtnl.work(), Duration::from_millis(30));
        let g = rtnl.lock();
        let t = Instant::now();
        g.device_work();
        assert!(t.elapsed() >= Duration::from_millis(30));
        drop(g);
        let s = rtnl.stats();
        assert_eq!(s.name, "rtnl");
        assert_eq!(s.acquisitions, 1);
        assert!(s.hold.max >= 30_000_000, "hold {} ns", s.hold.max);
    }

    #[test]
    fn zero_work_is_free() {
        let rtnl = Rtnl::new(Duration::ZERO);
        rtnl.lock().device_work();
        assert_eq!(rtnl.stats().acquisitions, 1);
    }

    #[test]
    fn contender_makes_lock_wait() {
        let hold = Duration::from_millis(300);
        let rtnl = Rtnl::new(Duration::ZERO);
        let started = Instant::now();
        let contention = rtnl.start_contention(hold, Duration::from_secs(10));
        // Wait until the contender holds RTNL.
        while let Some(g) = rtnl.try_lock() {
            drop(g);
            thread::yield_now();
        }
        let asked = Instant::now();
        let g = rtnl.lock();
        let waited = g.waited();
        // The contender took RTNL after `started` and keeps it for `hold`, so
        // the lock was free no earlier than `started + hold`.
        assert!(
            waited + (asked - started) >= hold,
            "waited {waited:?}, asked after {:?}",
            asked - started
        );
        if asked - started < hold {
            assert!(!waited.is_zero());
        }
        drop(g);
        drop(contention);
        let s = rtnl.stats();
        assert!(s.acquisitions >= 2, "{s:?}");
        assert!(s.contended >= 1, "{s:?}");
        assert!(s.hold.max >= 300_000_000, "{s:?}");
        assert!(s.wait.max >= u64::try_from(waited.as_nanos()).unwrap() * 999 / 1000);
    }

    #[test]
    fn contention_stops_promptly_and_repeats() {
        let rtnl = Rtnl::new(Duration::ZERO);
        let c = rtnl.start_contention(Duration::from_millis(1), Duration::from_millis(5));
        thread::sleep(Duration::from_millis(50));
        drop(c);
        // Dropping interrupts a hold: this would take a minute otherwise.
        let slow = rtnl.start_contention(Duration::from_secs(60), Duration::from_secs(120));
        drop(slow);
        // Each contender takes RTNL at least once, even if stopped at once.
        assert!(rtnl.stats().acquisitions >= 2);
        assert_eq!(Arc::strong_count(&rtnl), 1);
    }
}
