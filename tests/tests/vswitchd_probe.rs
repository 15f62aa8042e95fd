//! ovs-vswitchd's datapath feature negotiation against ovsd: first by hand
//! (the exact requests `dpif_netlink_open` makes), then with the real
//! `ovs-vswitchd` and its own `ovsdb-server`.

use ovsd_tests::dpctl;
use ovsd_tests::links;
use ovsd_tests::ovs_raw::{
    self, DP_F_DISPATCH_UPCALL_PER_CPU, DP_F_UNALIGNED, DP_F_UNSUPPORTED, DP_F_VPORT_PIDS, ENODEV,
    EOPNOTSUPP,
};
use ovsd_tests::vswitchd::Vswitchd;
use ovsd_tests::{python, Daemon, TestEnv};
use serde_json::json;

/// What vswitchd offers first: a feature bit no kernel knows.
const PROBE: u32 = DP_F_UNALIGNED | DP_F_VPORT_PIDS | DP_F_UNSUPPORTED;
/// What it asks for next on a kernel that refused the probe.
const PER_CPU: u32 = DP_F_UNALIGNED | DP_F_DISPATCH_UPCALL_PER_CPU;

#[test]
fn unknown_feature_is_refused_before_anything_is_created() {
    let Some(python) = python::require_interpreter() else {
        return;
    };
    let Some(ip) = links::require_ip() else {
        return;
    };
    let env = TestEnv::new();
    if !links::require_private_netns(&env) {
        return;
    }
    let daemon = Daemon::start_with(&env, &["--netdev", "tap"]);
    let new = |features: u32| {
        json!({"op": "dp-new", "name": "ovs-system", "upcall_pid": [0],
               "features": features, "flags": ["echo"], "version": 2})
    };
    let get = json!({"op": "dp-get", "name": "ovs-system"});
    let mut r = ovs_raw::run(&daemon, &python, &json!([new(PROBE), get]));

    assert_eq!(
        ovs_raw::errno(&r[0], "probe NEW"),
        EOPNOTSUPP,
        "NEW with feature bit 31 must fail with EOPNOTSUPP\n{}",
        r[0]
    );
    assert_eq!(r[0]["messages"], json!([]), "{}", r[0]);
    assert_eq!(
        ovs_raw::errno(&r[1], "GET after the refused NEW"),
        ENODEV,
        "the refused NEW created a datapath\n{}",
        r[1]
    );
    assert!(
        links::link(&env, &ip, "ovs-system").is_none(),
        "the refused NEW left a net device ovs-system behind"
    );

    r.push(ovs_raw::one(&daemon, &python, new(PER_CPU)));
    let dp = ovs_raw::message(&r[2], "NEW with DISPATCH_UPCALL_PER_CPU");
    assert_eq!(
        r[2]["error"],
        json!(null),
        "ECHO without ACK: only the datapath"
    );
    assert_eq!(dp["cmd"], json!(1), "{dp}");
    assert_eq!(dp["name"], json!("ovs-system"), "{dp}");
    assert_eq!(dp["features"], json!(PER_CPU), "{dp}");
    let local = links::link(&env, &ip, "ovs-system").expect("no TAP ovs-system after NEW");
    assert_eq!(dp["dp_ifindex"], json!(local.ifindex), "{dp}");
    daemon.stop();
}

#[test]
fn refused_probe_on_an_existing_datapath_changes_nothing() {
    let Some(python) = python::require_interpreter() else {
        return;
    };
    let env = TestEnv::new();
    if !links::require_private_netns(&env) {
        return;
    }
    let daemon = Daemon::start_with(&env, &["--netdev", "tap"]);
    let r = ovs_raw::run(
        &daemon,
        &python,
        &json!([
            {"op": "dp-new", "name": "ovs-system", "features": PER_CPU, "flags": ["echo"]},
            {"op": "dp-set", "name": "ovs-system", "features": PROBE, "flags": ["echo"]},
            {"op": "dp-get", "name": "ovs-system"},
        ]),
    );
    ovs_raw::message(&r[0], "NEW");
    assert_eq!(ovs_raw::errno(&r[1], "probe SET"), EOPNOTSUPP, "{}", r[1]);
    let dp = ovs_raw::message(&r[2], "GET after the refused SET");
    assert_eq!(dp["features"], json!(PER_CPU), "{dp}");
    daemon.stop();
}

#[test]
fn ovs_vswitchd_add_br_creates_ovs_system_with_br0() {
    let Some(dpctl) = dpctl::require() else {
        return;
    };
    let Some(ip) = links::require_ip() else {
        return;
    };
    let env = TestEnv::new();
    if !links::require_private_netns(&env) {
        return;
    }
    let daemon = Daemon::start_with(&env, &["--netdev", "tap"]);
    let Some(mut vswitchd) = Vswitchd::start(&daemon, env.dir()) else {
        return;
    };

    let out = vswitchd.vsctl(&["add-br", "br0"]);
    assert!(
        out.success(),
        "ovs-vsctl add-br br0 failed\n{out}\n--- ovs-vswitchd log ---\n{}\n--- ovsd log ---\n{}",
        vswitchd.log(),
        daemon.log()
    );
    assert!(vswitchd.vswitchd_running(), "ovs-vswitchd exited");

    let show = dpctl::run(&daemon, &dpctl, &["show"]);
    let text = show.text();
    for want in [
        "system@ovs-system:",
        "  port 0: ovs-system (internal)",
        "  port 1: br0 (internal)",
    ] {
        assert!(
            text.lines().any(|l| l == want),
            "ovs-dpctl show lacks {want:?}\n{show}\n--- ovs-vswitchd log ---\n{}",
            vswitchd.log()
        );
    }
    assert!(
        links::link(&env, &ip, "br0").is_some(),
        "no TAP br0 in the namespace"
    );

    let log = vswitchd.log();
    assert!(
        log.contains("Datapath dispatch mode"),
        "vswitchd did not settle the dispatch mode\n{log}"
    );
    assert!(
        !log.contains("Kernel does not correctly support feature negotiation"),
        "vswitchd found broken feature negotiation\n{log}"
    );
    drop(vswitchd);
    daemon.stop();
}
