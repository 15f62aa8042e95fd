//! The kernel selftests' pyroute2 client `ovs-dpctl.py` (Linux 6.12, taken
//! from Debian's `linux-source-6.12` at test time) against ovsd: the basic
//! datapath/port life cycle and the datapath part of `openvswitch.sh`'s
//! `test_netlink_checks`.
//!
//! The script binds the OVS families and starts pyroute2 NDB when it is
//! imported, so ovsd runs before every invocation. Runs as root in a
//! private network namespace: `show` finds datapaths and ports by walking
//! the namespace's real interfaces.

use ovsd_tests::client::Outcome;
use ovsd_tests::{links, python, selftest, Daemon, TestEnv};
use std::path::{Path, PathBuf};

/// The interpreter (with pyroute2) and the extracted script.
struct Selftest {
    python: PathBuf,
    script: PathBuf,
}

fn setup(env: &TestEnv) -> Option<Selftest> {
    let python = python::require_module("pyroute2", "pyroute2==0.9.7")?;
    let script = selftest::ovs_dpctl_py()?;
    if !links::require_private_netns(env) {
        return None;
    }
    // as the recordings: ports that go up send no IPv6 router solicitations,
    // which the datapath would count as misses
    links::disable_ipv6(env);
    Some(Selftest { python, script })
}

/// `python3 ovs-dpctl.py ARGS` through the preload library.
fn dpctl_py(daemon: &Daemon, t: &Selftest, args: &[&str]) -> Outcome {
    let mut cmd = daemon.client(&t.python);
    cmd.arg(&t.script).args(args);
    daemon.run(&mut cmd)
}

/// Runs `ovs-dpctl.py ARGS` and panics unless it exits 0 without a Python
/// traceback; returns what it printed.
fn ok(daemon: &Daemon, t: &Selftest, args: &[&str]) -> String {
    let out = dpctl_py(daemon, t, args);
    assert!(
        out.success() && !out.stderr.contains("Traceback"),
        "ovs-dpctl.py {} failed\n{out}\n--- ovsd log ---\n{}",
        args.join(" "),
        daemon.log()
    );
    out.stdout
}

/// The header lines `print_ovsdp_full` prints for an idle datapath.
fn header(dp: &str, features: u32) -> Vec<String> {
    vec![
        format!("{dp}:"),
        "  lookups: hit:0 missed:0 lost:0".into(),
        "  flows:0".into(),
        "  masks: hit:0 total:0 hit/pkt:0.000000".into(),
        "  caches:".into(),
        "    masks-cache: size:256".into(),
        format!("  features: 0x{features:X}"),
    ]
}

/// Checks `show` output: the header exactly, then `ports` in any order
/// (the script lists them in the order NDB lists interfaces).
fn assert_show(out: &str, dp: &str, features: u32, ports: &[&str], daemon: &Daemon) {
    let lines: Vec<String> = out.lines().map(str::to_string).collect();
    let want = header(dp, features);
    let ctx = || format!("--- show ---\n{out}\n--- ovsd log ---\n{}", daemon.log());
    assert!(lines.len() >= want.len(), "short show output\n{}", ctx());
    assert_eq!(lines[..want.len()], want[..], "show header\n{}", ctx());
    let mut got: Vec<&str> = lines[want.len()..].iter().map(String::as_str).collect();
    let mut ports = ports.to_vec();
    got.sort_unstable();
    ports.sort_unstable();
    assert_eq!(got, ports, "show port lines\n{}", ctx());
}

/// `show DP | grep port | wc -l`, as `openvswitch.sh` counts ports.
fn port_lines(daemon: &Daemon, t: &Selftest, dp: &str) -> usize {
    ok(daemon, t, &["show", dp])
        .lines()
        .filter(|l| l.contains("port"))
        .count()
}

#[test]
fn add_dp_add_if_show_del_if_del_dp() {
    let env = TestEnv::new();
    let Some(t) = setup(&env) else {
        return;
    };
    let daemon = Daemon::start_with(&env, &["--netdev", "tap"]);

    assert_eq!(ok(&daemon, &t, &["add-dp", "dp0"]).trim(), "DP 'dp0' added");
    ok(&daemon, &t, &["add-if", "-t", "internal", "dp0", "p1"]);
    let show = ok(&daemon, &t, &["show"]);
    assert_show(
        &show,
        "dp0",
        0x8,
        &["  port 0: dp0 (internal)", "  port 1: p1 (internal)"],
        &daemon,
    );
    let named = ok(&daemon, &t, &["show", "dp0"]);
    assert_eq!(named, show, "show dp0 and show differ");

    ok(&daemon, &t, &["del-if", "dp0", "p1"]);
    let show = ok(&daemon, &t, &["show", "dp0"]);
    assert_show(&show, "dp0", 0x8, &["  port 0: dp0 (internal)"], &daemon);

    ok(&daemon, &t, &["del-dp", "dp0"]);
    assert_eq!(ok(&daemon, &t, &["show"]).trim(), "No DP found");
    daemon.stop();
}

/// The datapath part of `test_netlink_checks` in the 6.12 `openvswitch.sh`
/// (its flow checks need `ovs_flow`). The veth peers stay in the test's
/// namespace instead of moving to named namespaces: `show` lists only
/// vports, so the count is the same.
#[test]
fn netlink_checks_datapath_part() {
    let env = TestEnv::new();
    let Some(t) = setup(&env) else {
        return;
    };
    let Some(ip) = links::require_ip() else {
        return;
    };
    let mut daemon = Daemon::start_with(&env, &["--netdev", "tap"]);

    assert_eq!(ok(&daemon, &t, &["add-dp", "nv0"]).trim(), "DP 'nv0' added");
    // A second NEW with genl version 0 on an existing datapath: EEXIST,
    // which the script reports as success.
    assert_eq!(
        ok(&daemon, &t, &["add-dp", "nv0", "-V", "0"]).trim(),
        "DP 'nv0' already exists"
    );
    assert!(
        daemon.is_running(),
        "ovsd died on a legacy re-add\n{}",
        daemon.log()
    );
    // The kernel's legacy path resets the existing datapath's features.
    let show = ok(&daemon, &t, &["show", "nv0"]);
    assert_show(&show, "nv0", 0, &["  port 0: nv0 (internal)"], &daemon);

    for (port, peer) in [("left0", "l0"), ("right0", "r0")] {
        links::add_veth(&env, &ip, port, peer);
        ok(&daemon, &t, &["add-if", "nv0", port]);
    }
    assert_eq!(port_lines(&daemon, &t, "nv0"), 3, "ports after two add-if");
    ok(&daemon, &t, &["del-if", "nv0", "right0"]);
    assert_eq!(port_lines(&daemon, &t, "nv0"), 2, "ports after del-if");
    let show = ok(&daemon, &t, &["show", "nv0"]);
    assert_show(
        &show,
        "nv0",
        0,
        &["  port 0: nv0 (internal)", "  port 1: left0 (netdev)"],
        &daemon,
    );

    ok(&daemon, &t, &["del-dp", "nv0"]);
    assert_eq!(ok(&daemon, &t, &["show"]).trim(), "No DP found");
    daemon.stop();
}

#[test]
fn the_extracted_script_is_the_6_12_selftest_client() {
    let Some(script) = selftest::ovs_dpctl_py() else {
        return;
    };
    let text = std::fs::read_to_string(&script).expect("read ovs-dpctl.py");
    assert!(
        text.contains("class OvsDatapath") && text.contains("def print_ovsdp_full"),
        "{} is not the selftest client",
        script.display()
    );
    assert!(Path::new(&script).starts_with(selftest::cache_dir()));
}
