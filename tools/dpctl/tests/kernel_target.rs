//! `--kernel` and the fallback to the kernel: with no ovsd answering,
//! ovsd-dpctl talks `AF_NETLINK` to the running kernel. On a kernel
//! without the openvswitch module (as on the machines these tests run on)
//! every command must fail exactly as Debian's `ovs-dpctl` does there:
//! same exit status, same error lines, same WARN lines. A kernel that has
//! the families is left alone (the test then only checks that read-only
//! commands succeed).

use ovsd_tests::dpctl::LogLine;
use std::process::Command;

/// What ovs-dpctl and ovsd-dpctl print, normalized: errors and WARN-or-
/// above log lines (INFO lines too, without timestamps: ovs-dpctl's note
/// that the module is not loaded), program name unified.
fn view(out: &std::process::Output) -> (i32, Vec<String>) {
    let text =
        String::from_utf8_lossy(&out.stderr).to_string() + &String::from_utf8_lossy(&out.stdout);
    let lines = text
        .lines()
        .map(|l| match LogLine::parse(l) {
            Some(x) => format!("log: {x}"),
            None => l.replacen("ovsd-dpctl:", "ovs-dpctl:", 1),
        })
        .collect();
    (out.status.code().unwrap_or(-1), lines)
}

fn ours(args: &[&str], extra: &[&str]) -> (i32, Vec<String>) {
    let out = Command::new(env!("CARGO_BIN_EXE_ovsd-dpctl"))
        .args(extra)
        .args(args)
        .env_remove("OVSD_SOCKET")
        .output()
        .unwrap();
    view(&out)
}

fn kernel_has_families() -> bool {
    ours(&["dump-dps"], &["--kernel"]).0 == 0
}

const COMMANDS: &[&[&str]] = &[
    &["show"],
    &["dump-dps"],
    &["show", "dp9"],
    &["add-dp", "dp9"],
    &["del-dp", "dp9"],
    &["add-if", "dp9", "p1"],
    &["del-if", "dp9", "p1"],
    &["dump-flows"],
    &["dump-flows", "dp9"],
    &["add-flow", "in_port(1)", "1"],
    &["add-flow", "dp9", "in_port(1)", "1"],
    &["mod-flow", "in_port(1)", "1"],
    &["get-flow", "ufid:00000001-0000-4000-8000-000000000001"],
    &["del-flow", "in_port(1)"],
    &["del-flows"],
    &["del-flows", "dp9"],
];

#[test]
fn without_the_module_kernel_commands_fail_as_ovs_dpctl_does() {
    if kernel_has_families() {
        eprintln!("note: this kernel serves ovs_datapath; only read-only commands are run");
        assert_eq!(ours(&["show"], &["--kernel"]).0, 0);
        return;
    }
    let Some(dpctl) = ovsd_tests::dpctl::require() else {
        return;
    };
    let dir = std::env::temp_dir();
    let mut failures = Vec::new();
    for args in COMMANDS {
        let out = Command::new(&dpctl)
            .args(*args)
            .env_remove("LD_PRELOAD")
            .env_remove("OVSD_SOCKET")
            .env("OVS_RUNDIR", &dir)
            .env("OVS_LOGDIR", &dir)
            .env("OVS_DBDIR", &dir)
            .output()
            .expect("cannot run ovs-dpctl");
        let want = view(&out);
        let got = ours(args, &["--kernel"]);
        if got != want {
            failures.push(format!(
                "{}\n  want {want:?}\n  got  {got:?}",
                args.join(" ")
            ));
        }
        // No ovsd at the socket path: the same, through the fallback.
        let fallback = ours(args, &["--socket", "/nonexistent/ovsd.sock"]);
        if fallback != want {
            failures.push(format!(
                "(fallback) {}\n  want {want:?}\n  got  {fallback:?}",
                args.join(" ")
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_fallback_follows_ovsd_socket_too() {
    if kernel_has_families() {
        return;
    }
    let out = Command::new(env!("CARGO_BIN_EXE_ovsd-dpctl"))
        .arg("dump-dps")
        .env("OVSD_SOCKET", "/nonexistent/ovsd.sock")
        .output()
        .unwrap();
    assert_eq!(view(&out), ours(&["dump-dps"], &["--kernel"]));
    assert_eq!(out.status.code(), Some(1));
}
