//! Comparing what a client printed against ovsd with what it printed
//! against the real kernel, command by command, and collecting every
//! difference into one report (so one run shows all that is wrong).

use std::collections::BTreeMap;
use std::fmt::Write as _;

/// How the printed lines of one command are compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// Same lines in the same order.
    Exact,
    /// Same lines as a multiset (flow dumps: the kernel's order is random).
    AnyOrder,
}

/// What one command did, on one side of the comparison.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seen {
    /// Exit status (`-1` when killed by a signal).
    pub rc: i32,
    /// The compared lines.
    pub lines: Vec<String>,
}

/// Every difference found in a replay.
#[derive(Debug, Default)]
pub struct Report {
    checked: usize,
    failures: Vec<String>,
}

/// Lines of `a` that `b` lacks, counting duplicates.
fn missing(a: &[String], b: &[String]) -> Vec<String> {
    let mut have: BTreeMap<&str, usize> = BTreeMap::new();
    for l in b {
        *have.entry(l).or_default() += 1;
    }
    a.iter()
        .filter(|l| match have.get_mut(l.as_str()) {
            Some(n) if *n > 0 => {
                *n -= 1;
                false
            }
            _ => true,
        })
        .cloned()
        .collect()
}

fn same(want: &[String], got: &[String], order: Order) -> bool {
    match order {
        Order::Exact => want == got,
        Order::AnyOrder => want.len() == got.len() && missing(want, got).is_empty(),
    }
}

impl Report {
    /// A report with nothing checked yet.
    pub fn new() -> Report {
        Report::default()
    }

    /// Compares one command; records a failure naming `what` (the command
    /// line) when the exit status or the lines differ.
    pub fn check(&mut self, what: &str, kernel: &Seen, ovsd: &Seen, order: Order) {
        self.checked += 1;
        if kernel.rc == ovsd.rc && same(&kernel.lines, &ovsd.lines, order) {
            return;
        }
        let mut f = format!("`{what}`\n");
        if kernel.rc != ovsd.rc {
            let _ = writeln!(f, "  exit status: kernel {}, ovsd {}", kernel.rc, ovsd.rc);
        }
        let lacking = missing(&kernel.lines, &ovsd.lines);
        let extra = missing(&ovsd.lines, &kernel.lines);
        for l in &lacking {
            let _ = writeln!(f, "  - {l}");
        }
        for l in &extra {
            let _ = writeln!(f, "  + {l}");
        }
        if lacking.is_empty() && extra.is_empty() && kernel.lines != ovsd.lines {
            let _ = writeln!(f, "  same lines in another order; kernel:");
            for l in &kernel.lines {
                let _ = writeln!(f, "    {l}");
            }
        }
        self.failures.push(f);
    }

    /// Records a failure that is not a line comparison.
    pub fn fail(&mut self, text: String) {
        self.failures.push(text);
    }

    /// The failures so far.
    pub fn failures(&self) -> &[String] {
        &self.failures
    }

    /// Panics with every failure (`-` lines: printed against the kernel
    /// only, `+` lines: against ovsd only) followed by `context` (the
    /// daemon's log), unless there were none.
    pub fn finish(self, title: &str, context: &str) {
        if self.failures.is_empty() {
            return;
        }
        let mut text = format!(
            "{title}: {} of {} commands differ from the real kernel \
             (- kernel only, + ovsd only)\n\n",
            self.failures.len(),
            self.checked
        );
        for f in &self.failures {
            text.push_str(f);
            text.push('\n');
        }
        text.push_str(context);
        panic!("{text}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seen(rc: i32, lines: &[&str]) -> Seen {
        Seen {
            rc,
            lines: lines.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn any_order_counts_duplicates() {
        let mut r = Report::new();
        r.check(
            "a",
            &seen(0, &["x", "y"]),
            &seen(0, &["y", "x"]),
            Order::AnyOrder,
        );
        assert!(r.failures().is_empty());
        r.check(
            "b",
            &seen(0, &["x", "x"]),
            &seen(0, &["x"]),
            Order::AnyOrder,
        );
        assert_eq!(r.failures().len(), 1);
        assert!(r.failures()[0].contains("  - x"));
    }

    #[test]
    fn exact_reports_order_and_status() {
        let mut r = Report::new();
        r.check(
            "a",
            &seen(0, &["x", "y"]),
            &seen(0, &["y", "x"]),
            Order::Exact,
        );
        r.check("b", &seen(1, &["e"]), &seen(0, &[]), Order::Exact);
        assert!(r.failures()[0].contains("another order"));
        assert!(r.failures()[1].contains("exit status: kernel 1, ovsd 0"));
        assert!(r.failures()[1].contains("  - e"));
    }
}
