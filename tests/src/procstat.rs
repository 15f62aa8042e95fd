//! A process's resource use as `/proc` shows it: threads, open fds, RSS.

use std::fs;
use std::thread;
use std::time::{Duration, Instant};

/// Threads, open descriptors and resident memory of one process.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Usage {
    /// Entries of `/proc/PID/task`.
    pub threads: usize,
    /// Entries of `/proc/PID/fd`.
    pub fds: usize,
    /// `VmRSS` in KiB.
    pub rss_kib: u64,
}

/// Reads the usage of process `pid`.
pub fn usage(pid: libc::pid_t) -> Usage {
    let count = |d: &str| {
        fs::read_dir(format!("/proc/{pid}/{d}"))
            .unwrap_or_else(|e| panic!("/proc/{pid}/{d}: {e}"))
            .count()
    };
    let status = fs::read_to_string(format!("/proc/{pid}/status")).expect("/proc/PID/status");
    let rss_kib = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .expect("VmRSS in /proc/PID/status");
    Usage {
        threads: count("task"),
        fds: count("fd"),
        rss_kib,
    }
}

/// Polls `pid`'s usage (every 20 ms, at most `bound`) until `done` holds;
/// returns the last reading and whether `done` held.
pub fn wait_until(
    pid: libc::pid_t,
    bound: Duration,
    done: impl Fn(&Usage) -> bool,
) -> (Usage, bool) {
    let deadline = Instant::now() + bound;
    loop {
        let u = usage(pid);
        if done(&u) {
            return (u, true);
        }
        if Instant::now() > deadline {
            return (u, false);
        }
        thread::sleep(Duration::from_millis(20));
    }
}

/// Waits (at most `bound`) for `pid`'s thread and fd counts to stop
/// changing over five readings, and returns the last reading.
pub fn settle(pid: libc::pid_t, bound: Duration) -> Usage {
    let deadline = Instant::now() + bound;
    let mut last = usage(pid);
    let mut same = 0;
    while same < 5 && Instant::now() < deadline {
        thread::sleep(Duration::from_millis(20));
        let u = usage(pid);
        if (u.threads, u.fds) == (last.threads, last.fds) {
            same += 1;
        } else {
            same = 0;
        }
        last = u;
    }
    last
}
