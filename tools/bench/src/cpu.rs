//! Where a round trip's time goes, from the scheduler's own accounting
//! (`/proc/self/task/<tid>/schedstat`: nanoseconds on a CPU, nanoseconds
//! runnable but waiting for one, and timeslices run). Unlike throughput,
//! CPU time per datagram hardly depends on what else the machine runs, so
//! it separates what ovsd's code costs from what a shared machine's
//! scheduling costs.

use serde::Serialize;
use std::collections::HashMap;

/// One thread's scheduler counters.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Sched {
    /// Nanoseconds on a CPU.
    pub run_ns: u64,
    /// Nanoseconds runnable, waiting for a CPU.
    pub wait_ns: u64,
    /// Timeslices run (≈ context switches in).
    pub slices: u64,
}

impl Sched {
    fn parse(s: &str) -> Option<Sched> {
        let mut it = s.split_whitespace().map(|x| x.parse::<u64>().ok());
        Some(Sched {
            run_ns: it.next()??,
            wait_ns: it.next()??,
            slices: it.next()??,
        })
    }

    /// The calling thread's counters (zero if unavailable).
    pub fn this_thread() -> Sched {
        std::fs::read_to_string("/proc/thread-self/schedstat")
            .ok()
            .and_then(|s| Sched::parse(&s))
            .unwrap_or_default()
    }

    /// `self - earlier`, saturating.
    pub fn since(self, earlier: Sched) -> Sched {
        Sched {
            run_ns: self.run_ns.saturating_sub(earlier.run_ns),
            wait_ns: self.wait_ns.saturating_sub(earlier.wait_ns),
            slices: self.slices.saturating_sub(earlier.slices),
        }
    }

    /// Sum.
    pub fn add(&mut self, o: Sched) {
        self.run_ns += o.run_ns;
        self.wait_ns += o.wait_ns;
        self.slices += o.slices;
    }
}

/// The counters of every thread of this process whose name ends with
/// `suffix` (ovsd's `ovsd-conn` and the echo peer's `echo-conn`), by tid.
pub fn threads_named(suffix: &str) -> HashMap<u32, Sched> {
    let mut m = HashMap::new();
    let Ok(dir) = std::fs::read_dir("/proc/self/task") else {
        return m;
    };
    for e in dir.flatten() {
        let Some(tid) = e.file_name().to_str().and_then(|s| s.parse::<u32>().ok()) else {
            continue;
        };
        let p = e.path();
        let named =
            std::fs::read_to_string(p.join("comm")).is_ok_and(|c| c.trim_end().ends_with(suffix));
        if !named {
            continue;
        }
        if let Some(s) = std::fs::read_to_string(p.join("schedstat"))
            .ok()
            .and_then(|s| Sched::parse(&s))
        {
            m.insert(tid, s);
        }
    }
    m
}

/// What the threads of `after` did since `before` (threads new in `after`
/// count from zero).
pub fn growth(before: &HashMap<u32, Sched>, after: &HashMap<u32, Sched>) -> Sched {
    let mut total = Sched::default();
    for (tid, s) in after {
        total.add(s.since(before.get(tid).copied().unwrap_or_default()));
    }
    total
}

/// Scheduler time per datagram, for the JSON and the table.
#[derive(Clone, Copy, Debug, Default, Serialize)]
pub struct PerDatagram {
    /// Server (connection thread) CPU, µs per datagram.
    pub server_cpu_us: f64,
    /// Client (handler thread) CPU, µs per datagram.
    pub client_cpu_us: f64,
    /// Time server and client threads were runnable but waiting for a CPU,
    /// µs per datagram (both summed).
    pub runqueue_wait_us: f64,
    /// Timeslices (switches in) of server and client per datagram.
    pub switches: f64,
}

impl PerDatagram {
    /// From the counters of a run of `datagrams` datagrams.
    pub fn new(server: Sched, client: Sched, datagrams: u64) -> PerDatagram {
        let n = datagrams.max(1) as f64;
        PerDatagram {
            server_cpu_us: server.run_ns as f64 / n / 1e3,
            client_cpu_us: client.run_ns as f64 / n / 1e3,
            runqueue_wait_us: (server.wait_ns + client.wait_ns) as f64 / n / 1e3,
            switches: (server.slices + client.slices) as f64 / n,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_schedstat() {
        assert_eq!(
            Sched::parse("123 45 6\n"),
            Some(Sched {
                run_ns: 123,
                wait_ns: 45,
                slices: 6
            })
        );
        assert_eq!(Sched::parse("1 2"), None);
    }

    #[test]
    fn this_thread_runs() {
        let a = Sched::this_thread();
        let mut x = 0u64;
        for i in 0..1_000_000u64 {
            x = x.wrapping_add(i * i);
        }
        std::hint::black_box(x);
        assert!(Sched::this_thread().run_ns >= a.run_ns);
    }
}
