//! Debian's `ovs-dpctl` managing datapaths and ports on ovsd, compared line
//! for line with what it prints against a real Linux 6.12 kernel
//! (`shared/traces/ovs-dpctl/session-6.12.txt`; log lines are compared only
//! for their level, plus the dispatch-mode line of `add-dp`).
//!
//! Runs as root in a private network namespace: ovsd's TAP devices (`dp0`,
//! `p1`) are what `ovs-dpctl` brings up and queries with ioctls.

use ovsd_tests::dpctl::{self, DpctlRun};
use ovsd_tests::dpctl_expected::{self as expected, local, Port};
use ovsd_tests::{links, Daemon, TestEnv};
use std::path::Path;

/// Asserts that a successful run printed exactly `want` (log lines aside).
fn assert_prints(run: &DpctlRun, want: &str, daemon: &Daemon) {
    assert_eq!(
        run.text(),
        want,
        "ovs-dpctl printed something else than the kernel session\n{run}\n--- ovsd log ---\n{}",
        daemon.log()
    );
}

/// `ovs-dpctl ARGS`: exit 0, no warning, prints exactly `want`.
fn step(daemon: &Daemon, dpctl: &Path, args: &[&str], want: &str) -> DpctlRun {
    let run = dpctl::run_ok(daemon, dpctl, args);
    assert_prints(&run, want, daemon);
    run
}

/// Starts ovsd with TAP devices in a fresh namespace (IPv6 off, as in the
/// kernel recordings, so that the devices' counters stay at zero).
fn setup(env: &TestEnv) -> Daemon<'_> {
    links::disable_ipv6(env);
    Daemon::start_with(env, &["--netdev", "tap"])
}

#[test]
fn kernel_session_add_dp_show_add_if_show_s_dump_dps_del_if_del_dp() {
    let Some(dpctl) = dpctl::require() else {
        return;
    };
    let env = TestEnv::new();
    if !links::require_private_netns(&env) {
        return;
    }
    let daemon = setup(&env);

    let add = step(&daemon, &dpctl, &["add-dp", "dp0"], "");
    assert!(
        add.log.iter().any(|l| l.module == "dpif_netlink"
            && l.level == "INFO"
            && l.text == "Datapath dispatch mode: per-cpu"),
        "add-dp did not log the per-cpu dispatch mode, as it does on the kernel\n{add}"
    );
    step(&daemon, &dpctl, &["show"], expected::SHOW_DP0);
    step(&daemon, &dpctl, &["add-if", "dp0", "p1,type=internal"], "");
    step(&daemon, &dpctl, &["show", "-s"], expected::SHOW_S_DP0_P1);
    step(&daemon, &dpctl, &["dump-dps"], expected::DUMP_DPS_DP0);
    step(&daemon, &dpctl, &["del-if", "dp0", "p1"], "");
    step(&daemon, &dpctl, &["show"], expected::SHOW_DP0);
    step(&daemon, &dpctl, &["del-dp", "dp0"], "");
    step(&daemon, &dpctl, &["show"], "");
    step(&daemon, &dpctl, &["dump-dps"], "");
    daemon.stop();
}

#[test]
fn system_port_on_a_veth_and_set_if() {
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
    let daemon = setup(&env);
    links::add_veth(&env, &ip, "v0", "v0peer");

    step(&daemon, &dpctl, &["add-dp", "dp0"], "");
    step(&daemon, &dpctl, &["add-if", "dp0", "p1,type=internal"], "");
    step(&daemon, &dpctl, &["add-if", "dp0", "v0"], "");
    let p1 = Port {
        no: 1,
        name: "p1",
        kind: Some("internal"),
    };
    let v0 = Port {
        no: 2,
        name: "v0",
        kind: None,
    };
    step(
        &daemon,
        &dpctl,
        &["show"],
        &expected::show("dp0", &[local("dp0"), p1, v0], false),
    );

    step(&daemon, &dpctl, &["set-if", "dp0", "p1,type=internal"], "");
    step(
        &daemon,
        &dpctl,
        &["show"],
        &expected::show("dp0", &[local("dp0"), p1, v0], false),
    );

    step(&daemon, &dpctl, &["del-if", "dp0", "p1"], "");
    step(
        &daemon,
        &dpctl,
        &["show"],
        &expected::show("dp0", &[local("dp0"), v0], false),
    );
    step(&daemon, &dpctl, &["dump-dps"], expected::DUMP_DPS_DP0);
    step(&daemon, &dpctl, &["del-dp", "dp0"], "");
    step(&daemon, &dpctl, &["show"], "");
    assert!(
        links::link(&env, &ip, "v0").is_some(),
        "del-dp removed the system port's own interface v0"
    );
    daemon.stop();
}

#[test]
fn add_if_of_a_missing_interface_fails() {
    let Some(dpctl) = dpctl::require() else {
        return;
    };
    let env = TestEnv::new();
    if !links::require_private_netns(&env) {
        return;
    }
    let daemon = setup(&env);
    step(&daemon, &dpctl, &["add-dp", "dp0"], "");
    let run = dpctl::run(&daemon, &dpctl, &["add-if", "dp0", "nosuch"]);
    assert!(
        !run.outcome.success(),
        "add-if of a missing interface succeeded\n{run}\n--- ovsd log ---\n{}",
        daemon.log()
    );
    step(&daemon, &dpctl, &["show"], expected::SHOW_DP0);
    step(&daemon, &dpctl, &["del-dp", "dp0"], "");
    daemon.stop();
}
