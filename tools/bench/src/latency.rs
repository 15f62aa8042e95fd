//! Latency histograms (hdrhistogram, nanoseconds) and their summary.

use hdrhistogram::Histogram;
use serde::Serialize;
use std::time::Duration;

/// A latency recorder.
pub struct Recorder(Histogram<u64>);

impl Default for Recorder {
    fn default() -> Self {
        Recorder(Histogram::new(3).expect("3 significant digits is valid"))
    }
}

impl Recorder {
    /// Records one duration.
    pub fn record(&mut self, d: Duration) {
        let ns = u64::try_from(d.as_nanos()).unwrap_or(u64::MAX).max(1);
        if self.0.record(ns).is_err() {
            self.0.saturating_record(ns);
        }
    }

    /// Adds another recorder's values.
    pub fn merge(&mut self, other: &Recorder) {
        let _ = self.0.add(&other.0);
    }

    /// The summary.
    pub fn summary(&self) -> Latency {
        let h = &self.0;
        if h.is_empty() {
            return Latency::default();
        }
        Latency {
            count: h.len(),
            mean_ns: h.mean(),
            p50_ns: h.value_at_quantile(0.5),
            p90_ns: h.value_at_quantile(0.9),
            p99_ns: h.value_at_quantile(0.99),
            p999_ns: h.value_at_quantile(0.999),
            max_ns: h.max(),
        }
    }

    /// `(latency ns, fraction of values ≤ it)` points of the CDF.
    pub fn cdf(&self) -> Vec<(u64, f64)> {
        if self.0.is_empty() {
            return Vec::new();
        }
        self.0
            .iter_quantiles(20)
            .map(|v| (v.value_iterated_to(), v.quantile_iterated_to()))
            .collect()
    }
}

/// Percentiles of one latency distribution (nanoseconds).
#[derive(Clone, Debug, Default, Serialize)]
pub struct Latency {
    /// Values recorded.
    pub count: u64,
    /// Mean.
    pub mean_ns: f64,
    /// Median.
    pub p50_ns: u64,
    /// 90th percentile.
    pub p90_ns: u64,
    /// 99th percentile.
    pub p99_ns: u64,
    /// 99.9th percentile.
    pub p999_ns: u64,
    /// Largest.
    pub max_ns: u64,
}

/// A duration in ns as a short human string (`812ns`, `12.3us`, `51.2ms`).
pub fn human(ns: f64) -> String {
    if ns < 1e3 {
        format!("{ns:.0}ns")
    } else if ns < 1e6 {
        format!("{:.1}us", ns / 1e3)
    } else if ns < 1e9 {
        format!("{:.1}ms", ns / 1e6)
    } else {
        format!("{:.2}s", ns / 1e9)
    }
}
