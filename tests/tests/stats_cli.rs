//! `ovsd stats`: a running daemon's lock instrumentation as JSON.

use ovsd_tests::client::{run, CLIENT_TIMEOUT};
use ovsd_tests::ovs_raw::{self, DP_F_DISPATCH_UPCALL_PER_CPU, VPORT_TYPE_INTERNAL};
use ovsd_tests::{paths, python, Daemon, TestEnv};
use serde_json::{json, Value};

/// Runs `ovsd stats --socket PATH` and parses what it prints.
fn stats(env: &TestEnv, daemon: &Daemon) -> Value {
    let mut cmd = env.command(paths::ovsd_bin());
    cmd.arg("stats").arg("--socket").arg(daemon.socket());
    let out = run(&mut cmd, CLIENT_TIMEOUT);
    assert!(out.success(), "ovsd stats failed\n{out}");
    serde_json::from_str(out.stdout.trim())
        .unwrap_or_else(|e| panic!("ovsd stats printed bad JSON ({e})\n{out}"))
}

fn lock<'a>(stats: &'a Value, name: &str) -> &'a Value {
    stats["locks"]
        .as_array()
        .and_then(|locks| locks.iter().find(|l| l["name"] == json!(name)))
        .unwrap_or_else(|| panic!("no lock {name:?} in {stats}"))
}

/// Asserts the shape of one distribution (`wait` or `hold`).
fn assert_distribution(lock: &Value, which: &str) {
    let d = &lock[which];
    for field in ["count", "mean", "p50", "p90", "p99", "p999", "max"] {
        assert!(d[field].is_number(), "{which}.{field} missing in {lock}");
    }
    assert!(
        d["count"].as_u64().unwrap_or(0) > 0,
        "no {which} samples in {lock}"
    );
}

#[test]
fn stats_after_datapath_and_vport_operations() {
    let Some(python) = python::require_interpreter() else {
        return;
    };
    let env = TestEnv::new();
    // Virtual net devices: needs neither root nor a namespace.
    let daemon = Daemon::start_with(&env, &["--netdev", "virtual"]);
    let r = ovs_raw::run(
        &daemon,
        &python,
        &json!([
            {"op": "dp-new", "name": "dp0", "features": DP_F_DISPATCH_UPCALL_PER_CPU,
             "flags": ["ack"]},
            {"op": "vport-new", "dp": "dp0", "name": "p1", "type": VPORT_TYPE_INTERNAL,
             "flags": ["ack"]},
            {"op": "vport-del", "dp": "dp0", "name": "p1", "flags": ["ack"]},
            {"op": "dp-del", "name": "dp0", "flags": ["ack"]},
        ]),
    );
    for (i, step) in r.iter().enumerate() {
        assert_eq!(step["error"], json!(0), "step {i} not ACKed: {step}");
    }

    let s = stats(&env, &daemon);
    for name in ["ovs_mutex", "rtnl"] {
        let l = lock(&s, name);
        assert!(
            l["acquisitions"].as_u64().unwrap_or(0) > 0,
            "{name} was never taken: {l}"
        );
        assert_distribution(l, "wait");
        assert_distribution(l, "hold");
    }
    daemon.stop();
}

#[test]
fn stats_without_a_daemon_fails() {
    let env = TestEnv::new();
    let mut cmd = env.command(paths::ovsd_bin());
    cmd.arg("stats")
        .arg("--socket")
        .arg(env.dir().join("nobody.sock"));
    let out = run(&mut cmd, CLIENT_TIMEOUT);
    assert!(!out.success(), "ovsd stats with no daemon succeeded\n{out}");
}
