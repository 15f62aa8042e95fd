//! Flow requests straight through `Core::process` on one thread, without
//! the transport: the processing cost alone, for comparison with the
//! socket numbers.

use crate::cpu::Sched;
use crate::load::{round, Load};
use crate::requests::FlowSpec;
use anyhow::{bail, Result};
use ovsd::core::{Core, Creds, Outbox, Sink};
use std::sync::Arc;
use std::time::Instant;

/// Drops multicast traffic.
struct Null;

impl Sink for Null {
    fn deliver(&self, _: &[u8]) -> bool {
        true
    }
}

/// Runs `load`'s rounds (its thread count ignored: one thread) directly on
/// `core` for `load.duration`; returns flow requests per second of the
/// thread's CPU time (the scheduler's count, so that other work on the
/// machine does not count against it; wall time where it is unavailable).
pub fn ops_per_sec(core: &Core, spec: FlowSpec, load: Load) -> Result<f64> {
    let spec = FlowSpec {
        tag: 0x7f_0000,
        ..spec
    };
    let datagrams = round(&spec, &load);
    let per_round = 2 * load.window.max(load.batch) as u64;
    let mut sock = core.open_socket(Creds::default(), Arc::new(Null));
    let mut out = Outbox::new();
    let start = Instant::now();
    let cpu0 = Sched::this_thread();
    let mut ops = 0u64;
    while start.elapsed() < load.duration {
        for d in &datagrams {
            out.clear();
            core.process(&mut sock, d, &mut out);
            if !out.is_empty() {
                bail!("a flow request without ACK got a reply (an error)");
            }
        }
        ops += per_round;
    }
    let cpu = Sched::this_thread().since(cpu0).run_ns;
    let secs = if cpu > 0 {
        cpu as f64 / 1e9
    } else {
        start.elapsed().as_secs_f64()
    };
    let rate = ops as f64 / secs;
    core.close_socket(&mut sock);
    Ok(rate)
}
