//! `rtnl-contention`: the experiment ovsd exists for. The same load —
//! handler threads doing flow NEW/DEL, a control thread adding and deleting
//! internal vports (each a net device: RTNL work inside `ovs_mutex`) — on
//! ovsd with `legacy` and `decoupled` locking, each with and without an
//! RTNL contender holding RTNL for `hold` every `period`.

use crate::client::expect_ack;
use crate::latency::{human, Latency, Recorder};
use crate::load::{self, Load};
use crate::plot;
use crate::report::print_table;
use crate::requests::{vport, FlowSpec};
use crate::server::{Server, ServerConfig};
use anyhow::{anyhow, Result};
use lockstat::LockSnapshot;
use ovsd::client::NlSocket;
use ovsd::core::Locking;
use serde::Serialize;
use serde_json::json;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Parameters of the scenario.
#[derive(Clone, Debug, Serialize)]
pub struct Params {
    /// Handler threads doing flow NEW/DEL.
    pub threads: usize,
    /// Flow requests per datagram (1: latency per flow op).
    pub batch: usize,
    /// Flows per install/delete round.
    pub window: usize,
    /// Run time of each of the four runs, in seconds.
    pub seconds: f64,
    /// RTNL work per net device create/destroy, ms (`--rtnl-work`).
    pub rtnl_work_ms: f64,
    /// Contender hold time, ms.
    pub hold_ms: f64,
    /// Contender period, ms.
    pub period_ms: f64,
}

impl Params {
    /// The full run.
    pub fn full() -> Params {
        Params {
            threads: 2,
            batch: 1,
            window: 256,
            seconds: 10.0,
            rtnl_work_ms: 5.0,
            hold_ms: 50.0,
            period_ms: 100.0,
        }
    }

    /// `--quick`.
    pub fn quick() -> Params {
        Params {
            seconds: 3.0,
            ..Params::full()
        }
    }
}

/// One of the four runs.
#[derive(Serialize)]
pub struct Run {
    /// `legacy` or `decoupled`.
    pub locking: &'static str,
    /// Whether the RTNL contender ran.
    pub contended: bool,
    /// Flow requests per second.
    pub flow_ops_per_sec: f64,
    /// Round trip per datagram of flow requests.
    pub latency: Latency,
    /// Error replies to flow requests (should be 0).
    pub errors: u64,
    /// vport NEW+DEL pairs completed by the control thread.
    pub vport_cycles: u64,
    /// Lock statistics at the end (`ovs_mutex`, `rtnl`, `flow_table:<dp>`).
    pub locks: Vec<LockSnapshot>,
    /// Latency distribution, for the plot.
    #[serde(skip)]
    pub recorder: Recorder,
}

impl Run {
    /// A short label (`legacy+contention`).
    pub fn label(&self) -> String {
        format!(
            "{}{}",
            self.locking,
            if self.contended { "+contention" } else { "" }
        )
    }
}

fn ms(v: f64) -> Duration {
    Duration::from_secs_f64(v / 1e3)
}

/// The control thread: internal vport NEW then DEL, until `stop`.
fn control(path: &Path, spec: FlowSpec, stop: &AtomicBool) -> Result<u64> {
    let mut s = NlSocket::connect(path)?;
    let mut cycles = 0u64;
    while !stop.load(Ordering::Relaxed) {
        let name = format!("vp{}", cycles % 1000);
        expect_ack(&mut s, &vport(&spec.fam, spec.dp_ifindex, &name, true))?;
        expect_ack(&mut s, &vport(&spec.fam, spec.dp_ifindex, &name, false))?;
        cycles += 1;
    }
    Ok(cycles)
}

fn one(p: &Params, locking: Locking, contended: bool) -> Result<Run> {
    let server = Server::start(&ServerConfig {
        locking,
        rtnl_work: ms(p.rtnl_work_ms),
    })?;
    let (fam, dp_ifindex) = super::datapath(&server, "bench0")?;
    let spec = FlowSpec {
        fam,
        dp_ifindex,
        tag: 0,
        masks: 0,
    };
    let stop = Arc::new(AtomicBool::new(false));
    let (path, st) = (server.path().to_path_buf(), stop.clone());
    let ctl = std::thread::spawn(move || control(&path, spec, &st));
    let contender = contended.then(|| server.rtnl.start_contention(ms(p.hold_ms), ms(p.period_ms)));
    let r = load::run(
        server.path(),
        spec,
        Load {
            threads: p.threads,
            batch: p.batch,
            window: p.window,
            duration: Duration::from_secs_f64(p.seconds),
        },
    );
    stop.store(true, Ordering::Relaxed);
    drop(contender);
    let cycles = ctl
        .join()
        .map_err(|_| anyhow!("control thread panicked"))??;
    let r = r?;
    Ok(Run {
        locking: match locking {
            Locking::Legacy => "legacy",
            Locking::Decoupled => "decoupled",
        },
        contended,
        flow_ops_per_sec: r.ops_per_sec(),
        latency: r.latency.summary(),
        errors: r.errors,
        vport_cycles: cycles,
        locks: server.core.lock_stats(),
        recorder: r.latency,
    })
}

fn p99_of(runs: &[Run], locking: &str, contended: bool) -> f64 {
    runs.iter()
        .find(|r| r.locking == locking && r.contended == contended)
        .map_or(0.0, |r| r.latency.p99_ns as f64)
}

fn print(p: &Params, runs: &[Run]) {
    println!(
        "rtnl-contention: {} handlers (batch {}), vport add/del loop, rtnl-work {}ms, contender {}ms/{}ms",
        p.threads, p.batch, p.rtnl_work_ms, p.hold_ms, p.period_ms
    );
    let rows: Vec<Vec<String>> = runs
        .iter()
        .map(|r| {
            let l = &r.latency;
            vec![
                r.label(),
                format!("{:.0}", r.flow_ops_per_sec),
                human(l.p50_ns as f64),
                human(l.p99_ns as f64),
                human(l.p999_ns as f64),
                human(l.max_ns as f64),
                r.vport_cycles.to_string(),
                r.errors.to_string(),
            ]
        })
        .collect();
    print_table(
        &[
            "run",
            "flow ops/s",
            "p50",
            "p99",
            "p99.9",
            "max",
            "vport cycles",
            "errors",
        ],
        &rows,
    );
    println!("lock waits (p50 / p99 / max):");
    let rows: Vec<Vec<String>> = runs
        .iter()
        .flat_map(|r| {
            r.locks.iter().map(move |s| {
                vec![
                    r.label(),
                    s.name.clone(),
                    s.acquisitions.to_string(),
                    s.contended.to_string(),
                    human(s.wait.p50 as f64),
                    human(s.wait.p99 as f64),
                    human(s.wait.max as f64),
                ]
            })
        })
        .collect();
    print_table(
        &[
            "run",
            "lock",
            "acquisitions",
            "contended",
            "wait p50",
            "wait p99",
            "wait max",
        ],
        &rows,
    );
}

/// Runs the scenario; the plot goes to `<out>/rtnl-contention.svg`.
pub fn run(p: &Params, out: &Path) -> Result<serde_json::Value> {
    let mut runs = Vec::new();
    for locking in [Locking::Legacy, Locking::Decoupled] {
        for contended in [false, true] {
            runs.push(one(p, locking, contended)?);
        }
    }
    print(p, &runs);
    let svg = out.join("rtnl-contention.svg");
    let series: Vec<(String, Vec<(u64, f64)>)> =
        runs.iter().map(|r| (r.label(), r.recorder.cdf())).collect();
    plot::latency_cdf(&svg, "flow op latency, CDF (log time)", &series)?;
    println!("plot: {}", svg.display());
    let hold_ns = p.hold_ms * 1e6;
    let dec_ratio = p99_of(&runs, "decoupled", true) / p99_of(&runs, "decoupled", false);
    let legacy_over_hold = p99_of(&runs, "legacy", true) / hold_ns;
    println!(
        "decoupled p99 contended/uncontended: {dec_ratio:.2}x (target <= 1.5x); \
         legacy p99 contended / hold: {legacy_over_hold:.2}x (target >= 1x)"
    );
    Ok(json!({
        "params": p,
        "runs": runs,
        "decoupled_p99_contended_over_uncontended": dec_ratio,
        "legacy_p99_contended_over_hold": legacy_over_hold,
        "plot": svg.file_name().map(|n| n.to_string_lossy().into_owned()),
    }))
}
