//! `ovsd-bench SCENARIO [--quick] [--out DIR]`: see `docs/performance.md`.

use clap::Parser;

fn main() -> anyhow::Result<()> {
    ovsd_bench::cli::main(&ovsd_bench::cli::Args::parse())
}
