//! Command line: which scenario, its size, where results go.

use crate::machine::Machine;
use crate::scenarios::{contention, scale, setup_rate};
use anyhow::Result;
use clap::{Parser, ValueEnum};
use serde_json::json;
use std::path::PathBuf;

/// A scenario name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Scenario {
    /// Flow setup rate vs the raw transport.
    SetupRate,
    /// Legacy vs decoupled locking with and without RTNL contention.
    RtnlContention,
    /// Many flows: install, memory, dump, lookup.
    Scale,
    /// Every scenario in turn.
    All,
}

impl Scenario {
    /// The name used on the command line and for the JSON file.
    pub fn name(self) -> &'static str {
        match self {
            Scenario::SetupRate => "setup-rate",
            Scenario::RtnlContention => "rtnl-contention",
            Scenario::Scale => "scale",
            Scenario::All => "all",
        }
    }
}

/// `ovsd-bench SCENARIO [options]`.
#[derive(Debug, Parser)]
#[command(name = "ovsd-bench", about = "ovsd benchmarks (runs ovsd in process)")]
pub struct Args {
    /// What to run.
    #[arg(value_enum)]
    pub scenario: Scenario,
    /// Small sizes and short runs (each scenario under 60 s on 2 cores).
    #[arg(long)]
    pub quick: bool,
    /// Directory for `<scenario>.json` and plots.
    #[arg(long, default_value = "target/ovsd-bench")]
    pub out: PathBuf,
    /// Handler threads (setup-rate, rtnl-contention).
    #[arg(long)]
    pub threads: Option<usize>,
    /// Seconds per measurement (setup-rate, rtnl-contention).
    #[arg(long)]
    pub seconds: Option<f64>,
    /// Batch sizes, comma separated (setup-rate; the first one for
    /// rtnl-contention and scale).
    #[arg(long, value_delimiter = ',')]
    pub batches: Option<Vec<usize>>,
    /// Flows (scale).
    #[arg(long)]
    pub flows: Option<u32>,
    /// Masks (scale).
    #[arg(long)]
    pub masks: Option<u32>,
    /// Lookups timed per measurement (scale).
    #[arg(long)]
    pub lookups: Option<u32>,
    /// RTNL work per net device op, ms (rtnl-contention).
    #[arg(long)]
    pub rtnl_work_ms: Option<f64>,
    /// Contender hold, ms (rtnl-contention).
    #[arg(long)]
    pub hold_ms: Option<f64>,
    /// Contender period, ms (rtnl-contention).
    #[arg(long)]
    pub period_ms: Option<f64>,
}

/// Runs one scenario (not `All`) and returns its JSON document (machine
/// and parameters included); writing it is the caller's business.
pub fn run_one(s: Scenario, a: &Args) -> Result<serde_json::Value> {
    let result = match s {
        Scenario::SetupRate => {
            let mut p = if a.quick {
                setup_rate::Params::quick()
            } else {
                setup_rate::Params::full()
            };
            p.threads = a.threads.unwrap_or(p.threads);
            p.seconds = a.seconds.unwrap_or(p.seconds);
            p.batches = a.batches.clone().unwrap_or(p.batches);
            setup_rate::run(&p)?
        }
        Scenario::RtnlContention => {
            let mut p = if a.quick {
                contention::Params::quick()
            } else {
                contention::Params::full()
            };
            p.threads = a.threads.unwrap_or(p.threads);
            p.seconds = a.seconds.unwrap_or(p.seconds);
            p.batch = a
                .batches
                .as_ref()
                .and_then(|b| b.first().copied())
                .unwrap_or(p.batch);
            p.rtnl_work_ms = a.rtnl_work_ms.unwrap_or(p.rtnl_work_ms);
            p.hold_ms = a.hold_ms.unwrap_or(p.hold_ms);
            p.period_ms = a.period_ms.unwrap_or(p.period_ms);
            std::fs::create_dir_all(&a.out)?;
            contention::run(&p, &a.out)?
        }
        Scenario::Scale => {
            let mut p = if a.quick {
                scale::Params::quick()
            } else {
                scale::Params::full()
            };
            p.flows = a.flows.unwrap_or(p.flows);
            p.masks = a.masks.unwrap_or(p.masks);
            p.lookups = a.lookups.unwrap_or(p.lookups);
            p.batch = a
                .batches
                .as_ref()
                .and_then(|b| b.first().copied())
                .map_or(p.batch, |b| b as u32);
            scale::run(&p)?
        }
        Scenario::All => anyhow::bail!("run_one takes a single scenario"),
    };
    Ok(json!({
        "scenario": s.name(),
        "quick": a.quick,
        "machine": Machine::detect(),
        "result": result,
    }))
}

/// Runs what `a` asks for, printing tables and writing the JSON files.
pub fn main(a: &Args) -> Result<()> {
    let list = match a.scenario {
        Scenario::All => vec![
            Scenario::SetupRate,
            Scenario::RtnlContention,
            Scenario::Scale,
        ],
        s => vec![s],
    };
    println!("machine: {}", Machine::detect().line());
    for s in list {
        let doc = run_one(s, a)?;
        let path = crate::report::write_json(&a.out, s.name(), &doc)?;
        println!("wrote {}\n", path.display());
    }
    Ok(())
}
