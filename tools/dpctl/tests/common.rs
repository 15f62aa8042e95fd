//! Shared by the integration tests: the recorded ovs-dpctl sessions.

#![allow(dead_code)]

use std::fs;
use std::path::PathBuf;

/// One recorded command: its arguments (after `ovs-dpctl`), what it
/// printed (log lines included) and its exit status.
#[derive(Debug, Clone)]
pub struct Step {
    pub args: Vec<String>,
    pub output: Vec<String>,
    pub rc: i32,
}

/// `../shared/traces/ovs-dpctl/NAME` next to the workspace.
pub fn shared_trace(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/traces/ovs-dpctl")
        .join(name)
}

/// `tests/fixtures/REL` of the workspace.
pub fn fixture(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures")
        .join(rel)
}

/// Parses a transcript (`$ ovs-dpctl ARGS`, output, `rc=N`); lines after
/// the last complete block (the recorder's own trailer) are ignored.
pub fn parse(text: &str) -> Vec<Step> {
    let mut steps = Vec::new();
    let mut open: Option<Step> = None;
    for line in text.lines() {
        if let Some(cmd) = line.strip_prefix("$ ") {
            let mut words = cmd.split_whitespace();
            let prog = words.next().unwrap_or_default();
            open = (prog == "ovs-dpctl").then(|| Step {
                args: words.map(str::to_string).collect(),
                output: Vec::new(),
                rc: 0,
            });
            continue;
        }
        let Some(step) = open.as_mut() else {
            continue;
        };
        match line.strip_prefix("rc=").and_then(|r| r.parse().ok()) {
            Some(rc) => {
                step.rc = rc;
                steps.extend(open.take());
            }
            None => step.output.push(line.to_string()),
        }
    }
    steps
}

/// Loads and parses a transcript file.
pub fn load(path: &PathBuf) -> Vec<Step> {
    parse(&fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
}

/// `TIMESTAMP|SEQ|module|LEVEL|text` → `module|LEVEL|text`, or `None`.
pub fn log_line(line: &str) -> Option<String> {
    let mut parts = line.splitn(3, '|');
    let ts = parts.next()?;
    let seq = parts.next()?;
    let rest = parts.next()?;
    (ts.ends_with('Z') && ts.contains('T') && seq.chars().all(|c| c.is_ascii_digit()))
        .then(|| rest.to_string())
}
