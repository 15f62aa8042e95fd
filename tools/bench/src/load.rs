//! The handler load: threads, each with its own socket, installing flows
//! in batches of `batch` per datagram and deleting them again by UFID, in
//! rounds of `window` flows, closed loop, for a fixed time. Every datagram's
//! send + wait-for-completion round trip is timed.

use crate::client::{drain_errors, RECV_BUF};
use crate::cpu::{self, Sched};
use crate::latency::Recorder;
use crate::requests::FlowSpec;
use anyhow::{anyhow, Result};
use genl::ovs::flow::{OVS_FLOW_CMD_DEL, OVS_FLOW_CMD_NEW};
use ovsd::client::NlSocket;
use std::path::Path;
use std::sync::{Arc, Barrier};
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
    /// Scheduler counters of the client (handler) threads while they sent.
    pub client: Sched,
    /// Scheduler counters of the server's connection threads (threads
    /// named `*-conn`) over the run.
    pub server: Sched,
}

impl LoadResult {
    /// Flow requests per second.
    pub fn ops_per_sec(&self) -> f64 {
        self.ops as f64 / self.elapsed.as_secs_f64()
    }

    /// Scheduler time per datagram.
    pub fn per_datagram(&self) -> cpu::PerDatagram {
        cpu::PerDatagram::new(self.server, self.client, self.sends)
    }

    /// Adds another run's totals (slices of one measurement).
    pub fn merge(&mut self, o: &LoadResult) {
        self.sends += o.sends;
        self.ops += o.ops;
        self.errors += o.errors;
        self.elapsed += o.elapsed;
        self.latency.merge(&o.latency);
        self.client.add(o.client);
        self.server.add(o.server);
    }

    /// Nothing measured yet.
    pub fn empty() -> LoadResult {
        LoadResult {
            sends: 0,
            ops: 0,
            errors: 0,
            elapsed: Duration::ZERO,
            latency: Recorder::default(),
            client: Sched::default(),
            server: Sched::default(),
        }
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
    let server_before = cpu::threads_named("-conn");
    let start = Instant::now();
    let deadline = start + load.duration;
    // the handlers keep their sockets (and so the server's connection
    // threads) until the server threads' counters are read
    let done = Arc::new(Barrier::new(load.threads + 1));
    let handles: Vec<_> = (0..load.threads)
        .map(|t| {
            let path = path.to_path_buf();
            let spec = FlowSpec {
                tag: t as u32 + 1,
                ..spec
            };
            let done = done.clone();
            std::thread::spawn(move || handler(&path, spec, load, deadline, &done))
        })
        .collect::<Vec<_>>();
    done.wait();
    let elapsed = start.elapsed();
    let server_after = cpu::threads_named("-conn");
    done.wait();
    let server = cpu::growth(&server_before, &server_after);
    let mut total = LoadResult::empty();
    for h in handles {
        let r = h.join().map_err(|_| anyhow!("handler thread panicked"))??;
        total.merge(&r);
    }
    total.elapsed = elapsed;
    total.server = server;
    Ok(total)
}

fn handler(
    path: &Path,
    spec: FlowSpec,
    load: Load,
    deadline: Instant,
    done: &Barrier,
) -> Result<LoadResult> {
    let r = send_loop(path, spec, load, deadline);
    // every handler is done; the server's threads are read; then close
    done.wait();
    done.wait();
    r.map(|(r, _sock)| r)
}

/// The handler's loop; returns its socket still open.
fn send_loop(
    path: &Path,
    spec: FlowSpec,
    load: Load,
    deadline: Instant,
) -> Result<(LoadResult, NlSocket)> {
    let mut sock = NlSocket::connect(path)?;
    let datagrams = round(&spec, &load);
    let per_round = 2 * load.window.max(load.batch) as u64;
    let mut buf = vec![0u8; RECV_BUF];
    let mut r = LoadResult::empty();
    let cpu0 = Sched::this_thread();
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
    r.client = Sched::this_thread().since(cpu0);
    Ok((r, sock))
}
