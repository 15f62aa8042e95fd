//! The committed corpus (`tests/traces/<kernel>/*.trace`) replayed against
//! ovsd in process, with the accepted divergences of `divergences.txt`.

use crate::divergences::Divergences;
use crate::replay::{first_ifindex, replay, Outcome};
use crate::target::InProcess;
use crate::trace::Trace;
use anyhow::{Context, Result};
use genl::ovs::KernelVersion;
use std::fmt::Write as _;
use std::path::Path;

/// The kernel version a corpus directory name stands for.
pub fn kernel_version(dir_name: &str) -> Option<KernelVersion> {
    match dir_name {
        "6.1" => Some(KernelVersion::V6_1),
        "6.12" => Some(KernelVersion::V6_12),
        _ => None,
    }
}

/// The outcome of one kernel's corpus.
#[derive(Debug, Default)]
pub struct Report {
    /// Exchanges (request blocks and injected frames).
    pub exchanges: usize,
    /// Exchanges that matched after normalization.
    pub matched: usize,
    /// Exchanges whose recorded answer is an error (NLMSG_ERROR or a
    /// failed dump).
    pub error_paths: usize,
    /// Mismatches covered by an accepted divergence: (trace, label, reason).
    pub accepted: Vec<(String, String, String)>,
    /// Mismatches nothing accepts: a text with their structural diffs.
    pub unexpected: Vec<String>,
}

/// Replays one trace in process (kernel from its directory).
pub fn replay_in_process(trace: &Trace, kernel: KernelVersion) -> Result<Vec<Outcome>> {
    let mut target = InProcess::new(kernel, first_ifindex(trace), trace.portid);
    replay(trace, &mut target)
}

/// Replays every trace of `dir` (a kernel's directory) in process.
pub fn replay_dir(dir: &Path, div: &Divergences) -> Result<Report> {
    let kname = dir.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    let kernel = kernel_version(kname).with_context(|| format!("unknown kernel dir {kname}"))?;
    let mut files: Vec<_> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "trace"))
        .collect();
    files.sort();
    let mut r = Report::default();
    for path in files {
        let fname = path.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(&path)?;
        let trace = Trace::parse(&text).with_context(|| path.display().to_string())?;
        r.error_paths += trace
            .blocks()
            .filter(|b| b.end.starts_with("error") || b.end.starts_with("done -"))
            .count();
        for o in replay_in_process(&trace, kernel)? {
            r.exchanges += 1;
            if o.diffs.is_empty() {
                r.matched += 1;
            } else if let Some(e) = div.lookup(kname, &fname, &o.label) {
                r.accepted
                    .push((fname.clone(), o.label.clone(), e.reason.clone()));
            } else {
                let mut s = format!("{kname} {fname} req {} {}:\n", o.n, o.label);
                for d in o.diffs.iter().take(20) {
                    let _ = writeln!(s, "    {d}");
                }
                r.unexpected.push(s);
            }
        }
    }
    Ok(r)
}
