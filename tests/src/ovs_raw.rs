//! Raw `ovs_datapath` / `ovs_vport` requests from a plain CPython netlink
//! socket through the preload library (`tests/py/ovs_raw.py`), for the
//! checks no real client prints: errnos, `dp_ifindex`, vport ifindexes.

use crate::python;
use crate::Daemon;
use serde_json::{json, Value};
use std::path::Path;

/// `ENODEV`.
pub const ENODEV: i64 = libc::ENODEV as i64;
/// `EOPNOTSUPP`.
pub const EOPNOTSUPP: i64 = libc::EOPNOTSUPP as i64;

/// `OVS_DP_F_UNALIGNED`.
pub const DP_F_UNALIGNED: u32 = 1 << 0;
/// `OVS_DP_F_VPORT_PIDS`.
pub const DP_F_VPORT_PIDS: u32 = 1 << 1;
/// `OVS_DP_F_DISPATCH_UPCALL_PER_CPU`.
pub const DP_F_DISPATCH_UPCALL_PER_CPU: u32 = 1 << 3;
/// The bit no kernel knows, which ovs-vswitchd sets in its first
/// `OVS_DP_CMD_NEW` to check that unknown features are refused.
pub const DP_F_UNSUPPORTED: u32 = 1 << 31;

/// `OVS_VPORT_TYPE_NETDEV`.
pub const VPORT_TYPE_NETDEV: u32 = 1;
/// `OVS_VPORT_TYPE_INTERNAL`.
pub const VPORT_TYPE_INTERNAL: u32 = 2;

/// Runs `steps` (see `ovs_raw.py` for their keys) in one process on one
/// socket against `daemon` and returns one result object per step:
/// `{"error": errno|null, "done": errno|null, "messages": [...]}`.
/// Panics with the script's output if it fails.
pub fn run(daemon: &Daemon, python: &Path, steps: &Value) -> Vec<Value> {
    let mut cmd = daemon.client(python);
    cmd.arg(python::script("ovs_raw.py")).arg(steps.to_string());
    let out = daemon.run_ok(&mut cmd);
    match serde_json::from_str(out.stdout.trim()) {
        Ok(Value::Array(results)) => results,
        _ => panic!("ovs_raw.py printed no JSON list\n{out}"),
    }
}

/// Runs a single step and returns its result.
pub fn one(daemon: &Daemon, python: &Path, step: Value) -> Value {
    run(daemon, python, &json!([step])).remove(0)
}

/// The first reply message of a step's result, panicking with `what` and
/// the result when there is none.
pub fn message<'a>(result: &'a Value, what: &str) -> &'a Value {
    result["messages"]
        .get(0)
        .unwrap_or_else(|| panic!("{what}: no reply message in {result}"))
}

/// The errno of a step's `NLMSG_ERROR` (0 for an ACK), panicking with `what`
/// when the step got none.
pub fn errno(result: &Value, what: &str) -> i64 {
    result["error"]
        .as_i64()
        .unwrap_or_else(|| panic!("{what}: no NLMSG_ERROR in {result}"))
}

/// `OVS_DP_CMD_GET` by name; `Err(errno)` when it fails, else the reply.
pub fn dp_get(daemon: &Daemon, python: &Path, name: &str) -> Result<Value, i64> {
    let result = one(daemon, python, json!({"op": "dp-get", "name": name}));
    match result["messages"].get(0) {
        Some(msg) => Ok(msg.clone()),
        None => Err(errno(&result, &format!("DP GET {name}"))),
    }
}

/// `OVS_VPORT_CMD_GET` by name with `dp_ifindex` in the header;
/// `Err(errno)` when it fails, else the reply.
pub fn vport_get(
    daemon: &Daemon,
    python: &Path,
    name: &str,
    dp_ifindex: i64,
) -> Result<Value, i64> {
    let step = json!({"op": "vport-get", "name": name, "dp_ifindex": dp_ifindex});
    let result = one(daemon, python, step);
    match result["messages"].get(0) {
        Some(msg) => Ok(msg.clone()),
        None => Err(errno(&result, &format!("VPORT GET {name}"))),
    }
}
