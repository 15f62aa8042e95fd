//! Flow requests straight through `Core::process` on one thread, without
//! the transport: the processing cost alone, for comparison with the
//! socket numbers.

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
/// `core` for `load.duration`; returns flow requests per second.
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
    let rate = ops as f64 / start.elapsed().as_secs_f64();
    core.close_socket(&mut sock);
    Ok(rate)
}
