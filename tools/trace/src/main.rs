//! `ovsd-trace`: show, replay, diff and record netlink traces.

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use ovsd_trace::{decode, diff, record, replay, target, trace::Trace};
use std::path::{Path, PathBuf};

/// Conformance tooling for ovsd: traces in the `nltrace 1` format.
#[derive(Parser)]
#[command(name = "ovsd-trace")]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Prints a trace decoded and normalized, one line per message.
    Show {
        /// The trace file.
        trace: PathBuf,
        /// Print the raw (not normalized) values.
        #[arg(long)]
        raw: bool,
    },
    /// Replays a trace against ovsd and prints every difference.
    Replay {
        /// The trace file.
        trace: PathBuf,
        /// A running ovsd's socket; without it, ovsd runs in this process.
        #[arg(long)]
        socket: Option<PathBuf>,
        /// Kernel to emulate in process (default: from the trace's kernel line).
        #[arg(long)]
        kernel_version: Option<String>,
    },
    /// Structural diff of two traces after normalization.
    Diff {
        /// The expected trace.
        a: PathBuf,
        /// The trace compared with it.
        b: PathBuf,
    },
    /// Runs an `.nls` scenario against a running ovsd or the running
    /// kernel (its `AF_NETLINK` sockets) and writes a trace.
    Record {
        /// The scenario.
        scenario: PathBuf,
        /// The ovsd socket.
        #[arg(long, required_unless_present = "kernel", conflicts_with = "kernel")]
        socket: Option<PathBuf>,
        /// Record against this machine's kernel (`NETLINK_GENERIC`).
        #[arg(long)]
        kernel: bool,
        /// Output file (default: stdout).
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
}

fn read_trace(p: &Path) -> Result<Trace> {
    let text = std::fs::read_to_string(p).with_context(|| p.display().to_string())?;
    Trace::parse(&text).with_context(|| p.display().to_string())
}

fn show(path: &Path, raw: bool) -> Result<()> {
    let t = read_trace(path)?;
    let mut n = diff::normalizer_for(&t);
    println!("# kernel {}\n# script {}", t.kernel, t.script);
    for b in t.blocks() {
        let nb = if raw {
            b.clone()
        } else {
            diff::normalize_block(&mut n, b)
        };
        println!("== {} {} -> {}", nb.n, nb.label, nb.end);
        if b.inject {
            println!("  frame {}", ovsd_trace::hex::encode(&nb.send));
        } else {
            println!("  >> {}", decode::one_line(&nb.send, true));
        }
        for (kind, list) in [("<<", &nb.recv), ("mc", &nb.mcast)] {
            for (i, d) in list.iter().enumerate() {
                for m in ovsd_trace::trace::messages(d) {
                    println!("  {kind}{} {}", i + 1, decode::one_line(m, false));
                }
            }
        }
    }
    Ok(())
}

fn kernel_of(t: &Trace, flag: Option<&str>) -> Result<genl::ovs::KernelVersion> {
    let name = match flag {
        Some(k) => k.to_string(),
        None if t.kernel.contains(" 6.1.") => "6.1".into(),
        None => "6.12".into(),
    };
    ovsd_trace::corpus::kernel_version(&name).with_context(|| format!("kernel {name}"))
}

fn run_replay(path: &Path, socket: Option<&Path>, kernel: Option<&str>) -> Result<bool> {
    let t = read_trace(path)?;
    let outcomes = match socket {
        Some(s) => replay::replay(&t, &mut target::Remote::connect(s)?)?,
        None => ovsd_trace::corpus::replay_in_process(&t, kernel_of(&t, kernel)?)?,
    };
    let matched = outcomes.iter().filter(|o| o.diffs.is_empty()).count();
    for o in outcomes.iter().filter(|o| !o.diffs.is_empty()) {
        println!("req {} {}:", o.n, o.label);
        for d in &o.diffs {
            println!("    {d}");
        }
    }
    println!("{matched} matched / {} exchanges", outcomes.len());
    Ok(matched == outcomes.len())
}

fn run_diff(a: &Path, b: &Path) -> Result<bool> {
    let diffs = diff::diff_traces(&read_trace(a)?, &read_trace(b)?);
    for (label, ds) in &diffs {
        println!("req {label}:");
        for d in ds {
            println!("    {d}");
        }
    }
    println!("{} blocks differ", diffs.len());
    Ok(diffs.is_empty())
}

fn main() -> Result<()> {
    let cli = Cli::parse();
    let ok = match cli.cmd {
        Cmd::Show { trace, raw } => show(&trace, raw).map(|_| true)?,
        Cmd::Replay {
            trace,
            socket,
            kernel_version,
        } => run_replay(&trace, socket.as_deref(), kernel_version.as_deref())?,
        Cmd::Diff { a, b } => run_diff(&a, &b)?,
        Cmd::Record {
            scenario,
            socket,
            kernel,
            output,
        } => {
            let mut t: Box<dyn target::Target> = match socket {
                Some(s) if !kernel => Box::new(target::Remote::connect(&s)?),
                _ => Box::new(ovsd_trace::kernel::Kernel::open()?),
            };
            let text = record::record(&scenario, t.as_mut())?;
            match output {
                Some(o) => std::fs::write(o, text)?,
                None => print!("{text}"),
            }
            true
        }
    };
    if !ok {
        std::process::exit(1);
    }
    Ok(())
}
