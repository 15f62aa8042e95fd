//! `setup-rate`: flow setup throughput and latency through ovsd's socket,
//! against the raw transport limit (an echo peer with the same protocol)
//! at the same batch sizes.

use crate::cpu::PerDatagram;
use crate::latency::{human, Latency};
use crate::load::{self, Load, LoadResult};
use crate::raw::EchoPeer;
use crate::report::print_table;
use crate::requests::FlowSpec;
use crate::server::{Server, ServerConfig};
use anyhow::Result;
use serde::Serialize;
use serde_json::json;
use std::time::Duration;

/// Parameters of the scenario.
#[derive(Clone, Debug, Serialize)]
pub struct Params {
    /// Handler threads, one socket each.
    pub threads: usize,
    /// Flow requests per datagram, one measurement each.
    pub batches: Vec<usize>,
    /// Flows installed per round before deletion.
    pub window: usize,
    /// Run time of each side (raw, ovsd) per batch size, in seconds.
    pub seconds: f64,
    /// Slices each side's time is cut into, alternating raw and ovsd (and
    /// which goes first), so that other work on a shared machine falls on
    /// both sides alike; each side's slices are added up.
    pub reps: usize,
}

impl Params {
    /// The full run.
    pub fn full() -> Params {
        Params {
            threads: 2,
            batches: vec![1, 8, 32, 64],
            window: 1024,
            seconds: 3.0,
            reps: 6,
        }
    }

    /// `--quick`.
    pub fn quick() -> Params {
        Params {
            seconds: 1.0,
            reps: 4,
            ..Params::full()
        }
    }
}

/// One side (ovsd or raw) at one batch size.
#[derive(Debug, Serialize)]
struct Side {
    datagrams: u64,
    flow_ops: u64,
    flow_ops_per_sec: f64,
    errors: u64,
    latency: Latency,
    /// Scheduler time per datagram: server and client CPU, run-queue wait.
    per_datagram: PerDatagram,
}

impl From<&LoadResult> for Side {
    fn from(r: &LoadResult) -> Side {
        Side {
            datagrams: r.sends,
            flow_ops: r.ops,
            flow_ops_per_sec: r.ops_per_sec(),
            errors: r.errors,
            latency: r.latency.summary(),
            per_datagram: r.per_datagram(),
        }
    }
}

/// One batch size.
#[derive(Debug, Serialize)]
struct Point {
    batch: usize,
    ovsd: Side,
    raw: Side,
    /// ovsd flow ops/s over raw ops/s.
    ratio: f64,
    /// Flow ops/s straight through `Core::process` on one thread (no
    /// transport): the processing cost alone.
    in_process_1_thread_ops_per_sec: f64,
}

/// `server+client (run-queue wait)` in µs per datagram.
fn cpu_cell(p: &PerDatagram) -> String {
    format!(
        "{:.1}+{:.1}us ({:.1})",
        p.server_cpu_us, p.client_cpu_us, p.runqueue_wait_us
    )
}

/// Runs the scenario.
pub fn run(p: &Params) -> Result<serde_json::Value> {
    let server = Server::start(&ServerConfig::default())?;
    let (fam, dp_ifindex) = super::datapath(&server, "bench0")?;
    let raw = EchoPeer::start()?;
    let spec = FlowSpec {
        fam,
        dp_ifindex,
        tag: 0,
        masks: 0,
    };
    let mut points = Vec::new();
    for &batch in &p.batches {
        let reps = p.reps.max(1);
        let l = Load {
            threads: p.threads,
            batch,
            window: p.window,
            duration: Duration::from_secs_f64(p.seconds / reps as f64),
        };
        let (mut r, mut o) = (LoadResult::empty(), LoadResult::empty());
        for rep in 0..reps {
            if rep % 2 == 0 {
                r.merge(&load::run(raw.path(), spec, l)?);
                o.merge(&load::run(server.path(), spec, l)?);
            } else {
                o.merge(&load::run(server.path(), spec, l)?);
                r.merge(&load::run(raw.path(), spec, l)?);
            }
        }
        let inproc = crate::inproc::ops_per_sec(
            &server.core,
            spec,
            Load {
                duration: Duration::from_secs_f64(p.seconds),
                ..l
            },
        )?;
        points.push(Point {
            batch,
            in_process_1_thread_ops_per_sec: inproc,
            ratio: o.ops_per_sec() / r.ops_per_sec(),
            ovsd: Side::from(&o),
            raw: Side::from(&r),
        });
    }
    println!(
        "setup-rate: {} handler threads, NEW then DEL by UFID in rounds of {} flows, no ACK/ECHO; {} s per side in {} alternating slices",
        p.threads, p.window, p.seconds, p.reps
    );
    let rows: Vec<Vec<String>> = points
        .iter()
        .map(|pt| {
            vec![
                pt.batch.to_string(),
                format!("{:.0}", pt.ovsd.flow_ops_per_sec),
                format!("{:.0}", pt.raw.flow_ops_per_sec),
                format!("{:.0}%", pt.ratio * 100.0),
                format!("{:.0}", pt.in_process_1_thread_ops_per_sec),
                human(pt.ovsd.latency.p50_ns as f64),
                human(pt.ovsd.latency.p99_ns as f64),
                human(pt.raw.latency.p50_ns as f64),
                human(pt.raw.latency.p99_ns as f64),
                cpu_cell(&pt.ovsd.per_datagram),
                cpu_cell(&pt.raw.per_datagram),
                pt.ovsd.errors.to_string(),
            ]
        })
        .collect();
    print_table(
        &[
            "batch",
            "ovsd ops/s",
            "raw ops/s",
            "ovsd/raw",
            "in-process 1 thread",
            "ovsd p50",
            "ovsd p99",
            "raw p50",
            "raw p99",
            "ovsd CPU/dgram srv+cli (runq)",
            "raw CPU/dgram srv+cli (runq)",
            "errors",
        ],
        &rows,
    );
    Ok(json!({ "params": p, "points": points }))
}
