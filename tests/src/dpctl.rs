//! Running Debian's `ovs-dpctl` against a test's daemon and separating what
//! it prints from its timestamped log lines.

use crate::client::Outcome;
use crate::prereq;
use crate::Daemon;
use std::fmt;
use std::path::{Path, PathBuf};

/// One OVS log line, `2026-11-25T10:25:47Z|00001|dpif_netlink|INFO|text`,
/// without its timestamp and sequence number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogLine {
    /// The module (`dpif_netlink`, `netdev_linux`, …).
    pub module: String,
    /// `DBG`, `INFO`, `WARN`, `ERR` or `EMER`.
    pub level: String,
    /// The message.
    pub text: String,
}

impl LogLine {
    /// Parses an OVS log line; `None` for any other line.
    pub fn parse(line: &str) -> Option<LogLine> {
        let mut parts = line.splitn(5, '|');
        let stamp = parts.next()?;
        let seq = parts.next()?;
        let module = parts.next()?;
        let level = parts.next()?;
        let text = parts.next()?;
        let stamp_ok = stamp.len() == 20
            && stamp.ends_with('Z')
            && stamp.as_bytes()[10] == b'T'
            && stamp.as_bytes()[0].is_ascii_digit();
        let seq_ok = !seq.is_empty() && seq.bytes().all(|b| b.is_ascii_digit());
        (stamp_ok && seq_ok).then(|| LogLine {
            module: module.to_string(),
            level: level.to_string(),
            text: text.to_string(),
        })
    }

    /// True for `WARN`, `ERR` and `EMER`.
    pub fn is_problem(&self) -> bool {
        matches!(self.level.as_str(), "WARN" | "ERR" | "EMER")
    }
}

impl fmt::Display for LogLine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}|{}|{}", self.module, self.level, self.text)
    }
}

/// What one `ovs-dpctl` run printed.
#[derive(Debug)]
pub struct DpctlRun {
    /// The raw run.
    pub outcome: Outcome,
    /// Every line of stdout and then stderr that is not a log line, as the
    /// transcripts show them (`2>&1`; the commands compared here print on
    /// only one of the two).
    pub lines: Vec<String>,
    /// The log lines, in order.
    pub log: Vec<LogLine>,
}

impl DpctlRun {
    /// The printed lines (log lines excluded) joined with newlines.
    pub fn text(&self) -> String {
        self.lines.join("\n")
    }

    /// Log lines at `WARN` or above.
    pub fn problems(&self) -> Vec<&LogLine> {
        self.log.iter().filter(|l| l.is_problem()).collect()
    }
}

impl fmt::Display for DpctlRun {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.outcome.fmt(f)
    }
}

/// Splits output into printed lines and log lines.
pub fn split(outcome: Outcome) -> DpctlRun {
    let mut lines = Vec::new();
    let mut log = Vec::new();
    for line in outcome.stdout.lines().chain(outcome.stderr.lines()) {
        match LogLine::parse(line) {
            Some(l) => log.push(l),
            None => lines.push(line.to_string()),
        }
    }
    DpctlRun {
        outcome,
        lines,
        log,
    }
}

/// Debian's `ovs-dpctl`, or `None` after a loud skip (a failure in CI).
pub fn require() -> Option<PathBuf> {
    prereq::program("ovs-dpctl", "openvswitch-switch")
}

/// Runs `ovs-dpctl ARGS` through the preload library against `daemon`.
pub fn run(daemon: &Daemon, dpctl: &Path, args: &[&str]) -> DpctlRun {
    let mut cmd = daemon.client(dpctl);
    cmd.args(args);
    split(daemon.run(&mut cmd))
}

/// Runs `ovs-dpctl ARGS` and panics (with its output and the daemon's log)
/// unless it exits 0 without logging a warning or an error.
pub fn run_ok(daemon: &Daemon, dpctl: &Path, args: &[&str]) -> DpctlRun {
    let r = run(daemon, dpctl, args);
    assert!(
        r.outcome.success() && r.problems().is_empty(),
        "`ovs-dpctl {}` failed or logged a problem\n{r}\n--- ovsd log ---\n{}",
        args.join(" "),
        daemon.log()
    );
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_log_line() {
        let l = LogLine::parse(
            "2026-11-25T10:25:47Z|00001|dpif_netlink|INFO|Datapath dispatch mode: per-cpu",
        )
        .unwrap();
        assert_eq!(l.module, "dpif_netlink");
        assert_eq!(l.level, "INFO");
        assert_eq!(l.text, "Datapath dispatch mode: per-cpu");
        assert!(!l.is_problem());
    }

    #[test]
    fn other_lines_are_not_log_lines() {
        assert_eq!(LogLine::parse("system@dp0:"), None);
        assert_eq!(LogLine::parse("  port 0: dp0 (internal)"), None);
        assert_eq!(LogLine::parse("a|b|c|d|e"), None);
    }
}
