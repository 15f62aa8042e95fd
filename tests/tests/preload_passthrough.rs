//! The preload library leaves everything but NETLINK_GENERIC to the kernel,
//! and without a daemon NETLINK_GENERIC sockets fail as on a kernel without
//! generic netlink.

use ovsd_tests::{paths, prereq, python, Daemon, TestEnv};

#[test]
fn rtnetlink_is_untouched_under_the_preload() {
    let Some(ip) = prereq::program("ip", "iproute2") else {
        return;
    };
    let env = TestEnv::new();
    let daemon = Daemon::start(&env);
    let mut cmd = daemon.client(&ip);
    cmd.args(["link", "show", "lo"]);
    let out = daemon.run_ok(&mut cmd);
    assert!(
        out.stdout.contains(": lo: <") && out.stdout.contains("LOOPBACK"),
        "{out}"
    );
    daemon.stop();
}

#[test]
fn genl_socket_without_a_daemon_fails_with_eprotonosupport() {
    let Some(python) = python::require_interpreter() else {
        return;
    };
    let env = TestEnv::new();
    let absent = env.dir().join("nobody-listens.sock");
    let mut cmd = env.command(&python);
    cmd.arg(python::script("no_daemon.py"))
        .env("LD_PRELOAD", paths::preload_lib())
        .env("OVSD_SOCKET", &absent);
    let out = ovsd_tests::run(&mut cmd, ovsd_tests::CLIENT_TIMEOUT);
    assert!(out.success() && out.stdout.trim() == "ok", "{out}");
}

#[test]
fn c_client_without_a_daemon_gets_eprotonosupport_from_socket() {
    let env = TestEnv::new();
    let absent = env.dir().join("nobody-listens.sock");
    let mut cmd = env.command(env!("CARGO_BIN_EXE_ovsd-genl-probe"));
    cmd.arg("ovs_datapath")
        .env("LD_PRELOAD", paths::preload_lib())
        .env("OVSD_SOCKET", &absent);
    let out = ovsd_tests::run(&mut cmd, ovsd_tests::CLIENT_TIMEOUT);
    assert_eq!(out.code(), Some(1), "{out}");
    assert_eq!(
        out.stdout.trim(),
        format!("socket: errno={}", libc::EPROTONOSUPPORT),
        "{out}"
    );
}
