//! Debian's `ovs-dpctl` against an empty ovsd, and the synchronous-send
//! guarantee a polling client relies on.

use ovsd_tests::{prereq, python, Daemon, Outcome, TestEnv};

/// Asserts the client printed nothing and logged no warning or error.
fn assert_quiet_success(out: &Outcome, daemon: &Daemon) {
    assert!(
        out.success(),
        "ovs-dpctl failed\n{out}\n--- ovsd log ---\n{}",
        daemon.log()
    );
    assert_eq!(out.stdout, "", "no datapaths, so no output expected\n{out}");
    for bad in [
        "|WARN|",
        "|ERR|",
        "|EMER|",
        "does not exist",
        "Protocol error",
    ] {
        assert!(
            !out.stderr.contains(bad),
            "ovs-dpctl logged {bad:?}\n{out}\n--- ovsd log ---\n{}",
            daemon.log()
        );
    }
}

fn dpctl(command: &str) {
    let Some(dpctl) = prereq::program("ovs-dpctl", "openvswitch-switch") else {
        return;
    };
    let env = TestEnv::new();
    let daemon = Daemon::start(&env);
    let mut cmd = daemon.client(&dpctl);
    cmd.arg(command);
    let out = daemon.run(&mut cmd);
    assert_quiet_success(&out, &daemon);
    daemon.stop();
}

#[test]
fn show_with_no_datapaths_prints_nothing() {
    dpctl("show");
}

#[test]
fn dump_dps_with_no_datapaths_prints_nothing() {
    dpctl("dump-dps");
}

#[test]
fn reply_is_readable_with_a_zero_timeout_poll_right_after_send() {
    let Some(python) = python::require_interpreter() else {
        return;
    };
    let env = TestEnv::new();
    let daemon = Daemon::start(&env);
    let mut cmd = daemon.client(&python);
    cmd.arg(python::script("poll_zero.py"))
        .args(["ovs_datapath", "ovs_flow", "no_such_family"]);
    let out = daemon.run_ok(&mut cmd);
    assert_eq!(out.stdout.trim(), "ok", "{out}");
    daemon.stop();
}
