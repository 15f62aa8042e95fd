//! The handler load: threads, each with its own socket, installing flows
//! in batches of `batch` per datagram and deleting them again by UFID, in
//! rounds of `window` flows, closed loop, for a fixed time. Every datagram's
//! send + wait-for-completion round trip is timed.

use crate::client::{drain_errors, RECV_BUF};
use crate::latency::Recorder;
use crate::requests::FlowSpec;
use anyhow::{anyhow, Result};
use genl::ovs::flow::{OVS_FLOW_CMD_DEL, OVS_FLOW_CMD_NEW};
use ovsd::client::NlSocket;
use std::path::Path;
use std::time::{Duration, Instant};

/// The shape of the load.
#[derive(Clone, Copy, Debug)]
pub struct Load {
    /// Handler threads (one socket each).
    pub threads: usize,
    /// Flow requests per datagram.
    pub batch: usize,
    /// Flows installed per round before they are deleted.
    pub window: usize,
    /// How long to run.
    pub duration: Duration,
}

/// What a load run measured.
pub struct LoadResult {
    /// Datagrams sent.
    pub sends: u64,
    /// Flow requests sent (NEW + DEL).
    pub ops: u64,
    /// Error replies received (should be 0).
    pub errors: u64,
    /// Wall time.
    pub elapsed: Duration,
    /// Round trip of each datagram.
    pub latency: Recorder,
}

impl LoadResult {
    /// Flow requests per second.
    pub fn ops_per_sec(&self) -> f64 {
        self.ops as f64 / self.elapsed.as_secs_f64()
    }
}

/// The datagrams of one round: NEW batches, then DEL batches.
pub fn round(spec: &FlowSpec, load: &Load) -> Vec<Vec<u8>> {
    let w = load.window.max(load.batch) as u32;
    let k = load.batch.max(1) as u32;
    let mut v = Vec::new();
    for cmd in [OVS_FLOW_CMD_NEW, OVS_FLOW_CMD_DEL] {
        let mut i = 0;
        while i < w {
            v.push(spec.batch(cmd, i..(i + k).min(w)));
            i += k;
        }
    }
    v
}

/// Runs `load` against the peer at `path`; handler `t` uses `spec` with
/// tag `t + 1`.
pub fn run(path: &Path, spec: FlowSpec, load: Load) -> Result<LoadResult> {
    let start = Instant::now();
    let deadline = start + load.duration;
    let handles: Vec<_> = (0..load.threads)
        .map(|t| {
            let path = path.to_path_buf();
            let spec = FlowSpec {
                tag: t as u32 + 1,
                ..spec
            };
            std::thread::spawn(move || handler(&path, spec, load, deadline))
        })
        .collect::<Vec<_>>();
    let mut total = LoadResult {
        sends: 0,
        ops: 0,
        errors: 0,
        elapsed: Duration::ZERO,
        latency: Recorder::default(),
    };
    for h in handles {
        let r = h.join().map_err(|_| anyhow!("handler thread panicked"))??;
        total.sends += r.sends;
        total.ops += r.ops;
        total.errors += r.errors;
        total.latency.merge(&r.latency);
    }
    total.elapsed = start.elapsed();
    Ok(total)
}

fn handler(path: &Path, spec: FlowSpec, load: Load, deadline: Instant) -> Result<LoadResult> {
    let mut sock = NlSocket::connect(path)?;
    let datagrams = round(&spec, &load);
    let per_round = 2 * load.window.max(load.batch) as u64;
    let mut buf = vec![0u8; RECV_BUF];
    let mut r = LoadResult {
        sends: 0,
        ops: 0,
        errors: 0,
        elapsed: Duration::ZERO,
        latency: Recorder::default(),
    };
    while Instant::now() < deadline {
        for d in &datagrams {
            let t0 = Instant::now();
            sock.send(d)?;
            r.latency.record(t0.elapsed());
        }
        r.sends += datagrams.len() as u64;
        r.ops += per_round;
        r.errors += drain_errors(&mut sock, &mut buf)?;
    }
    Ok(r)
}
