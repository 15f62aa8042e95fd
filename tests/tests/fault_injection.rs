//! `--fault` seen by a real client: an injected errno is what `ovs-dpctl`
//! reports, and an injected delay slows a flow add without breaking it.

use ovsd_tests::{dpctl, Daemon, TestEnv};

#[test]
fn injected_enospc_fails_add_dp_with_its_message() {
    let env = TestEnv::new();
    let Some(dpctl) = dpctl::require() else {
        return;
    };
    let daemon = Daemon::start_with(
        &env,
        &[
            "--netdev",
            "virtual",
            "--fault",
            "ovs_datapath:new:errno=ENOSPC",
        ],
    );
    let run = dpctl::run(&daemon, &dpctl, &["add-dp", "dp0"]);
    assert!(
        !run.outcome.success(),
        "add-dp succeeded despite the fault\n{run}"
    );
    assert!(
        run.outcome.stdout.contains("No space left on device")
            || run.outcome.stderr.contains("No space left on device"),
        "ovs-dpctl does not report ENOSPC\n{run}"
    );
    let show = dpctl::run_ok(&daemon, &dpctl, &["dump-dps"]);
    assert_eq!(show.text(), "", "a failed add-dp left a datapath\n{show}");
    daemon.stop();
}

#[test]
fn injected_flow_delay_does_not_break_add_flow() {
    let env = TestEnv::new();
    let Some(dpctl) = dpctl::require() else {
        return;
    };
    let daemon = Daemon::start_with(
        &env,
        &["--netdev", "virtual", "--fault", "ovs_flow:*:delay=200ms"],
    );
    dpctl::run_ok(&daemon, &dpctl, &["add-dp", "dp0"]);
    let flow = "in_port(1),eth(src=02:00:00:00:00:01,dst=02:00:00:00:00:02),eth_type(0x88cc)";
    dpctl::run_ok(&daemon, &dpctl, &["add-flow", "dp0", flow, "2"]);
    let dump = dpctl::run_ok(&daemon, &dpctl, &["dump-flows", "dp0"]);
    assert!(
        dump.text().contains("src=02:00:00:00:00:01") && dump.text().contains("actions:2"),
        "the delayed flow add did not install the flow\n{dump}"
    );
    dpctl::run_ok(&daemon, &dpctl, &["del-dp", "dp0"]);
    daemon.stop();
}
