//! Recorded client sessions (`tests/fixtures/*/session-6.12.txt`): what a
//! client printed against a real kernel, command by command, and the
//! command lists (`commands.txt`) they were recorded from.
//!
//! A transcript is a header of `# …` lines, then one block per command:
//!
//! ```text
//! $ ovs-dpctl add-flow dp0 in_port(1),eth(),eth_type(0x8847),mpls(label=100) 2
//! …whatever the command printed…
//! rc=0
//! ```
//!
//! A command line is the program's name, then its arguments, split at
//! white space (no argument holds any).

use std::fs;
use std::path::{Path, PathBuf};

/// One command of a transcript.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// The program (`ovs-dpctl`, `ovs-dpctl.py`, `flow_raw.py`).
    pub program: String,
    /// Its arguments.
    pub args: Vec<String>,
    /// Every line the command printed, in the recorded order.
    pub output: Vec<String>,
    /// Its exit status.
    pub rc: i32,
}

impl Step {
    /// The command line as the transcript shows it.
    pub fn command(&self) -> String {
        self.words().join(" ")
    }

    /// The program followed by its arguments.
    pub fn words(&self) -> Vec<String> {
        let mut words = vec![self.program.clone()];
        words.extend(self.args.iter().cloned());
        words
    }

    /// The subcommand: the first argument that is not an option.
    pub fn subcommand(&self) -> &str {
        self.args
            .iter()
            .find(|a| !a.starts_with('-'))
            .map(String::as_str)
            .unwrap_or("")
    }
}

/// A parsed transcript.
#[derive(Debug, Clone)]
pub struct Transcript {
    /// The `# …` header lines (kernel and client versions), without `# `.
    pub header: Vec<String>,
    /// The commands in order.
    pub steps: Vec<Step>,
}

/// The fixture file `rel` below `tests/fixtures`.
pub fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(rel)
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// Parses a transcript; panics on anything else than the format above.
pub fn parse(text: &str) -> Transcript {
    let mut header = Vec::new();
    let mut steps = Vec::new();
    let mut open: Option<Step> = None;
    for (no, line) in text.lines().enumerate() {
        if let Some(cmd) = line.strip_prefix("$ ") {
            assert!(open.is_none(), "line {}: command without rc=", no + 1);
            let mut words = cmd.split_whitespace().map(str::to_string);
            open = Some(Step {
                program: words.next().unwrap_or_default(),
                args: words.collect(),
                output: Vec::new(),
                rc: 0,
            });
        } else if let Some(step) = open.as_mut() {
            match line.strip_prefix("rc=").and_then(|rc| rc.parse().ok()) {
                Some(rc) => {
                    step.rc = rc;
                    steps.extend(open.take());
                }
                None => step.output.push(line.to_string()),
            }
        } else if let Some(h) = line.strip_prefix("# ") {
            header.push(h.to_string());
        } else {
            assert!(
                line.is_empty(),
                "line {}: outside a command: {line}",
                no + 1
            );
        }
    }
    assert!(open.is_none(), "transcript ends inside a command");
    Transcript { header, steps }
}

/// Loads and parses the transcript `rel` below `tests/fixtures`.
pub fn load(rel: &str) -> Transcript {
    parse(&read(&fixture(rel)))
}

/// Parses a `commands.txt`: one command line (program and arguments) per
/// line, `#` comments and blank lines skipped, split at white space.
pub fn parse_commands(text: &str) -> Vec<Vec<String>> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| l.split_whitespace().map(str::to_string).collect())
        .collect()
}

/// Loads the command list `rel` below `tests/fixtures`.
pub fn load_commands(rel: &str) -> Vec<Vec<String>> {
    parse_commands(&read(&fixture(rel)))
}

/// Splits the steps into runs that each start with `add-dp … NAME` and end
/// with `del-dp NAME`, keyed by the datapath name (the selftests use one
/// datapath per test). Steps outside such a run are an error.
pub fn by_datapath(steps: &[Step]) -> Vec<(String, Vec<Step>)> {
    let mut groups: Vec<(String, Vec<Step>)> = Vec::new();
    let mut open: Option<(String, Vec<Step>)> = None;
    for step in steps {
        match (step.subcommand(), open.as_mut()) {
            ("add-dp", None) => {
                let name = step.args.last().cloned().unwrap_or_default();
                open = Some((name, vec![step.clone()]));
            }
            ("del-dp", Some((name, group))) if step.args.last() == Some(name) => {
                group.push(step.clone());
                groups.extend(open.take());
            }
            (_, Some((_, group))) => group.push(step.clone()),
            (_, None) => panic!("`{}` outside an add-dp … del-dp run", step.command()),
        }
    }
    assert!(open.is_none(), "a datapath run has no del-dp");
    groups
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "\
# kernel: 6.12.117+deb12-amd64
$ tool add-dp dp0
DP 'dp0' added
rc=0
$ tool dump-flows dp0
a
b
rc=0

$ tool del-dp dp0
oops
rc=1
";

    #[test]
    fn parses_blocks_and_header() {
        let t = parse(TEXT);
        assert_eq!(t.header, ["kernel: 6.12.117+deb12-amd64"]);
        assert_eq!(t.steps.len(), 3);
        assert_eq!(t.steps[1].program, "tool");
        assert_eq!(t.steps[1].args, ["dump-flows", "dp0"]);
        assert_eq!(t.steps[1].command(), "tool dump-flows dp0");
        assert_eq!(t.steps[1].output, ["a", "b"]);
        assert_eq!(t.steps[2].rc, 1);
        assert_eq!(t.steps[2].output, ["oops"]);
    }

    #[test]
    fn groups_by_datapath() {
        let t = parse(TEXT);
        let g = by_datapath(&t.steps);
        assert_eq!(g.len(), 1);
        assert_eq!(g[0].0, "dp0");
        assert_eq!(g[0].1.len(), 3);
    }

    #[test]
    fn subcommand_skips_options() {
        let t = parse("$ tool --clear mod-flow dp0 x 1\nrc=0\n");
        assert_eq!(t.steps[0].subcommand(), "mod-flow");
    }

    #[test]
    fn commands_skip_comments() {
        let c = parse_commands("# c\n\nadd-dp dp0\n  show  \n");
        assert_eq!(c, [vec!["add-dp", "dp0"], vec!["show"]]);
    }
}
