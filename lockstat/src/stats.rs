//! Recorded wait/hold histograms and their serializable snapshot.

use std::fmt;
use std::time::Duration;

use hdrhistogram::Histogram;
use serde::Serialize;

/// Summary of one histogram of durations, all values in nanoseconds.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Distribution {
    /// Number of recorded values.
    pub count: u64,
    /// Arithmetic mean (ns); 0 when empty.
    pub mean: f64,
    /// Median (ns).
    pub p50: u64,
    /// 90th percentile (ns).
    pub p90: u64,
    /// 99th percentile (ns).
    pub p99: u64,
    /// 99.9th percentile (ns).
    pub p999: u64,
    /// Largest recorded value (ns).
    pub max: u64,
}

impl Distribution {
    fn of(h: &Histogram<u64>) -> Self {
        if h.is_empty() {
            return Self::default();
        }
        Distribution {
            count: h.len(),
            mean: h.mean(),
            p50: h.value_at_quantile(0.50),
            p90: h.value_at_quantile(0.90),
            p99: h.value_at_quantile(0.99),
            p999: h.value_at_quantile(0.999),
            max: h.max(),
        }
    }
}

/// A point-in-time copy of one lock's statistics.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LockSnapshot {
    /// The lock's name, as given to `InstrumentedMutex::new`.
    pub name: String,
    /// Completed acquisitions (guards dropped) since creation or reset.
    pub acquisitions: u64,
    /// How many of those acquisitions found the lock already taken.
    pub contended: u64,
    /// Time from the call to `lock` until the lock was acquired.
    pub wait: Distribution,
    /// Time from acquisition until the guard was dropped.
    pub hold: Distribution,
}

impl fmt::Display for LockSnapshot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {} acquisitions ({} contended); wait p50 {:?} p99 {:?} max {:?}; \
             hold p50 {:?} p99 {:?} max {:?}",
            self.name,
            self.acquisitions,
            self.contended,
            Duration::from_nanos(self.wait.p50),
            Duration::from_nanos(self.wait.p99),
            Duration::from_nanos(self.wait.max),
            Duration::from_nanos(self.hold.p50),
            Duration::from_nanos(self.hold.p99),
            Duration::from_nanos(self.hold.max),
        )
    }
}

/// The mutable statistics of one lock, kept behind its own small mutex.
pub(crate) struct Stats {
    wait: Histogram<u64>,
    hold: Histogram<u64>,
    acquisitions: u64,
    contended: u64,
}

fn histogram() -> Histogram<u64> {
    // `new` auto-resizes; 3 significant digits is always a valid precision.
    Histogram::new(3).expect("3 significant digits is a valid precision")
}

/// Records `v`, growing the histogram as needed (`saturating_record` would
/// clamp instead of resizing).
fn record(h: &mut Histogram<u64>, v: u64) {
    if h.record(v).is_err() {
        h.saturating_record(v);
    }
}

fn nanos(d: Duration) -> u64 {
    u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)
}

impl Stats {
    pub(crate) fn new() -> Self {
        Stats {
            wait: histogram(),
            hold: histogram(),
            acquisitions: 0,
            contended: 0,
        }
    }

    /// Adds one completed acquisition.
    pub(crate) fn record(&mut self, wait: Duration, hold: Duration, contended: bool) {
        record(&mut self.wait, nanos(wait));
        record(&mut self.hold, nanos(hold));
        self.acquisitions += 1;
        self.contended += u64::from(contended);
    }

    pub(crate) fn snapshot(&self, name: &'static str) -> LockSnapshot {
        LockSnapshot {
            name: name.to_string(),
            acquisitions: self.acquisitions,
            contended: self.contended,
            wait: Distribution::of(&self.wait),
            hold: Distribution::of(&self.hold),
        }
    }

    pub(crate) fn reset(&mut self) {
        self.wait.reset();
        self.hold.reset();
        self.acquisitions = 0;
        self.contended = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_snapshot_is_zero() {
        let s = Stats::new().snapshot("x");
        assert_eq!(s.acquisitions, 0);
        assert_eq!(s.wait, Distribution::default());
        assert_eq!(s.hold, Distribution::default());
    }

    #[test]
    fn percentiles_follow_recorded_values() {
        let mut st = Stats::new();
        for i in 1..=1000u64 {
            st.record(
                Duration::from_micros(i),
                Duration::from_nanos(5),
                i % 2 == 0,
            );
        }
        let s = st.snapshot("x");
        assert_eq!(s.acquisitions, 1000);
        assert_eq!(s.contended, 500);
        assert_eq!(s.wait.count, 1000);
        // 3 significant digits: within 0.1%.
        let near = |v: u64, want: u64| v.abs_diff(want) * 1000 <= want;
        assert!(near(s.wait.p50, 500_000), "{}", s.wait.p50);
        assert!(near(s.wait.p90, 900_000), "{}", s.wait.p90);
        assert!(near(s.wait.p99, 990_000), "{}", s.wait.p99);
        assert!(near(s.wait.p999, 999_000), "{}", s.wait.p999);
        assert!(near(s.wait.max, 1_000_000), "{}", s.wait.max);
        assert_eq!(s.hold.max, 5);
        st.reset();
        assert_eq!(st.snapshot("x").acquisitions, 0);
    }

    #[test]
    fn snapshot_serializes() {
        let mut st = Stats::new();
        st.record(Duration::from_nanos(10), Duration::from_nanos(20), false);
        let json = serde_json::to_value(st.snapshot("rtnl")).unwrap();
        assert_eq!(json["name"], "rtnl");
        assert_eq!(json["acquisitions"], 1);
        assert_eq!(json["hold"]["max"], 20);
        assert!(json["wait"]["p999"].is_u64());
        assert!(!st.snapshot("rtnl").to_string().is_empty());
    }
}
