//! The accepted divergences: one file, one line per divergence, each with
//! its reason. `KERNEL TRACE LABEL REASON...`, where KERNEL and TRACE may be
//! `*`; blank lines and `#` comments are ignored. An entry that no longer
//! covers any mismatch is reported as stale.

use anyhow::{bail, Result};
use std::cell::Cell;

/// One accepted divergence.
#[derive(Debug)]
pub struct Entry {
    /// Kernel version (`6.1`, `6.12`) or `*`.
    pub kernel: String,
    /// Trace file name or `*`.
    pub trace: String,
    /// Block label.
    pub label: String,
    /// Why ovsd differs here.
    pub reason: String,
    /// How many mismatching blocks it covered in this run.
    pub used: Cell<usize>,
}

/// The list of accepted divergences.
#[derive(Debug, Default)]
pub struct Divergences {
    /// The entries, in file order.
    pub entries: Vec<Entry>,
}

impl Divergences {
    /// Parses the file's text.
    pub fn parse(text: &str) -> Result<Self> {
        let mut entries = Vec::new();
        for (i, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let mut f = line.splitn(4, char::is_whitespace);
            let (Some(k), Some(t), Some(l), Some(r)) = (f.next(), f.next(), f.next(), f.next())
            else {
                bail!("divergences line {}: want KERNEL TRACE LABEL REASON", i + 1);
            };
            entries.push(Entry {
                kernel: k.into(),
                trace: t.into(),
                label: l.into(),
                reason: r.trim().into(),
                used: Cell::new(0),
            });
        }
        Ok(Divergences { entries })
    }

    /// The entry covering a mismatch, if any (and counts its use).
    pub fn lookup(&self, kernel: &str, trace: &str, label: &str) -> Option<&Entry> {
        let e = self.entries.iter().find(|e| {
            (e.kernel == "*" || e.kernel == kernel)
                && (e.trace == "*" || e.trace == trace)
                && e.label == label
        })?;
        e.used.set(e.used.get() + 1);
        Some(e)
    }

    /// Entries that covered nothing.
    pub fn stale(&self) -> impl Iterator<Item = &Entry> {
        self.entries.iter().filter(|e| e.used.get() == 0)
    }
}
