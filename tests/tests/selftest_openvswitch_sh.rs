//! The kernel's own selftest script `openvswitch.sh` (Linux 6.12, taken from
//! Debian's `linux-source-6.12` at test time, never committed) against ovsd
//! through the preload library: `arp_ping`, `connect_v4`, `netlink_checks`
//! and `upcall_interfaces` must pass.
//!
//! The script skips unless `lsmod` lists openvswitch: a two-line `lsmod`
//! that does goes first on its PATH (with the `python3` that has pyroute2).
//! It counts the module's kernel log lines with `dmesg`, so ovsd runs with
//! `--kmsg`. It makes named network namespaces (`ip netns add`), so it runs
//! in a mount namespace of its own with a private `/run/netns`, inside the
//! test's network namespace, where ovsd attaches its veths.
//!
//! The other tests of the script and why they do not pass are listed in
//! README.md ("Kernel selftests").

use ovsd_tests::{links, prereq, python, run, selftest, Daemon, TestEnv, CLIENT_TIMEOUT};
use std::fs;
use std::os::unix::fs::{symlink, PermissionsExt};

/// The selftests that must pass.
const TESTS: [(&str, &str); 4] = [
    ("arp_ping", "eth-arp: Basic arp ping between two NS"),
    ("connect_v4", "ip4-xon: Basic ipv4 ping between two NS"),
    (
        "netlink_checks",
        "ovsnl: validate netlink attrs and settings",
    ),
    ("upcall_interfaces", "ovs: test the upcall interfaces"),
];

/// A fake `lsmod` that lists the module.
const LSMOD: &str = "#!/bin/sh\n\
echo 'Module                  Size  Used by'\n\
echo 'openvswitch           208896  0'\n";

#[test]
fn the_kernel_selftests_pass_against_ovsd() {
    let env = TestEnv::new();
    let Some(python) = python::require_module("pyroute2", "pyroute2==0.9.7") else {
        return;
    };
    let (Some(script), Some(dpctl_py)) =
        (selftest::file("openvswitch.sh"), selftest::ovs_dpctl_py())
    else {
        return;
    };
    for (program, package) in [
        ("arping", "iputils-arping"),
        ("ping", "iputils-ping"),
        ("unshare", "util-linux"),
        ("dmesg", "util-linux"),
    ] {
        if prereq::program(program, package).is_none() {
            return;
        }
    }
    if links::require_ip().is_none() || !links::require_private_netns(&env) {
        return;
    }

    let work = env.dir().join("selftest");
    let bin = work.join("bin");
    fs::create_dir_all(&bin).expect("cannot create the selftest directory");
    fs::copy(&script, work.join("openvswitch.sh")).expect("copy openvswitch.sh");
    fs::copy(&dpctl_py, work.join("ovs-dpctl.py")).expect("copy ovs-dpctl.py");
    let lsmod = bin.join("lsmod");
    fs::write(&lsmod, LSMOD).expect("write lsmod");
    fs::set_permissions(&lsmod, fs::Permissions::from_mode(0o755)).expect("chmod lsmod");
    symlink(&python, bin.join("python3")).expect("link python3");

    let daemon = Daemon::start_with(&env, &["--netdev", "tap", "--kmsg"]);
    let names: Vec<&str> = TESTS.iter().map(|(n, _)| *n).collect();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut cmd = daemon.client("unshare");
    cmd.current_dir(&work)
        .env("PATH", path)
        .args([
            "--mount",
            "--propagation",
            "private",
            "sh",
            "-c",
            "mkdir -p /run/netns && mount -t tmpfs tmpfs /run/netns && \
             exec bash ./openvswitch.sh \"$@\"",
            "sh",
        ])
        .args(&names);
    let out = run(&mut cmd, CLIENT_TIMEOUT * 4);
    let failed: Vec<&str> = TESTS
        .iter()
        .filter(|(_, desc)| {
            !out.stdout
                .lines()
                .any(|l| l.contains(desc) && l.trim_end().ends_with("[ OK ]"))
        })
        .map(|(n, _)| *n)
        .collect();
    assert!(
        failed.is_empty() && out.success(),
        "selftests {failed:?} did not pass\n{out}\n--- ovsd log ---\n{}",
        daemon.log()
    );
}
