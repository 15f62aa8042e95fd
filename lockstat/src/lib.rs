//! Instrumented locks.
//!
//! [`InstrumentedMutex`] is a `std::sync::Mutex` that records, per lock, how
//! long callers waited to acquire it and how long they held it, in
//! nanoseconds, in two HDR histograms (3 significant digits, auto-resizing),
//! plus the number of acquisitions and how many of them found the lock taken.
//! [`InstrumentedMutex::stats`] turns them into a serializable
//! [`LockSnapshot`].
//!
//! # Cost and isolation
//!
//! The guard carries the timestamps; nothing is recorded while the protected
//! lock is held. When the guard drops it first releases the protected lock,
//! then takes a separate small statistics mutex just long enough to add two
//! values to the histograms. Recording therefore never lengthens a hold and
//! never contends with the protected lock; it only contends with other
//! recorders of the same lock for a few hundred nanoseconds. Statistics
//! reflect completed holds: a guard still alive is not counted yet.
//!
//! # Poisoning
//!
//! Neither mutex ever panics on poison: a panic while holding the lock leaves
//! the data as it was, and the next `lock` recovers it with
//! `PoisonError::into_inner`.

#![warn(missing_docs)]

mod mutex;
mod stats;

pub use mutex::{InstrumentedGuard, InstrumentedMutex};
pub use stats::{Distribution, LockSnapshot};
