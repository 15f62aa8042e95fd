//! Debian's `ovs-vswitchd` as the datapath's user: a bridge with two veth
//! ports, two hosts that ping each other through the flows vswitchd
//! installs from MISS upcalls.
//!
//! Runs as root in private network namespaces, never in the host's.

use ovsd_tests::hosts::Host;
use ovsd_tests::vswitchd::Vswitchd;
use ovsd_tests::{links, prereq, Daemon, TestEnv};

/// Log lines of vswitchd's datapath modules at WARN or above.
fn datapath_problems(log: &str) -> Vec<&str> {
    log.lines()
        .filter(|l| l.contains("|WARN|") || l.contains("|ERR|") || l.contains("|EMER|"))
        .filter(|l| {
            l.contains("|dpif") || l.contains("|ofproto_dpif") || l.contains("|netdev_linux")
        })
        .collect()
}

#[test]
fn hosts_ping_through_a_bridge_of_ovs_vswitchd() {
    let env = TestEnv::new();
    let (Some(ip), Some(ping)) = (links::require_ip(), prereq::program("ping", "iputils-ping"))
    else {
        return;
    };
    if !links::require_private_netns(&env) {
        return;
    }
    let h1 = Host::new(&env, &ip, "h1-ovs", "10.0.0.1");
    let h2 = Host::new(&env, &ip, "h2-ovs", "10.0.0.2");
    let daemon = Daemon::start_with(&env, &["--netdev", "tap"]);
    let Some(mut vswitchd) = Vswitchd::start(&daemon, env.dir()) else {
        return;
    };
    for args in [
        &["add-br", "br0"][..],
        &["add-port", "br0", &h1.port],
        &["add-port", "br0", &h2.port],
    ] {
        let out = vswitchd.vsctl(args);
        assert!(
            out.success(),
            "ovs-vsctl {args:?} failed\n{out}\n--- ovs-vswitchd log ---\n{}\n--- ovsd log ---\n{}",
            vswitchd.log(),
            daemon.log()
        );
    }
    // vswitchd attaches the ports asynchronously: a few tries (bounded in
    // count, not in time) until the first echo comes back
    let mut out = h1.ping(&ping, &h2.addr, 1);
    for _ in 0..5 {
        if out.success() {
            break;
        }
        out = h1.ping(&ping, &h2.addr, 1);
    }
    assert!(
        out.success(),
        "h1 cannot reach h2 through br0\n{out}\n--- ovs-vswitchd log ---\n{}\n--- ovsd log ---\n{}",
        vswitchd.log(),
        daemon.log()
    );
    let out = h1.ping(&ping, &h2.addr, 3);
    assert!(out.success(), "{out}");
    assert!(vswitchd.vswitchd_running(), "ovs-vswitchd exited");

    let flows = vswitchd.appctl(&["dpctl/dump-flows"]);
    assert!(flows.success(), "{flows}");
    let icmp: Vec<&str> = flows
        .stdout
        .lines()
        .filter(|l| l.contains("eth_type(0x0800)") && l.contains("actions:"))
        .collect();
    assert!(
        icmp.len() >= 2,
        "vswitchd installed no IPv4 flows for both directions\n{}",
        flows.stdout
    );
    assert!(
        icmp.iter().all(|l| !l.contains("packets:0,")),
        "IPv4 flows that no packet hit\n{}",
        flows.stdout
    );

    let log = vswitchd.log();
    let problems = datapath_problems(&log);
    assert!(
        problems.is_empty(),
        "datapath problems in vswitchd's log:\n{}",
        problems.join("\n")
    );
    assert!(
        !log.contains("Kernel does not correctly support feature negotiation"),
        "vswitchd found broken feature negotiation\n{log}"
    );
    drop(vswitchd);
    daemon.stop();
}
