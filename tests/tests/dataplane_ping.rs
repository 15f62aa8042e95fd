//! Real packets through ovsd: two host namespaces joined by veth pairs to a
//! datapath whose flows Debian's `ovs-dpctl` installed; ARP and ping work,
//! and `dump-flows` counts the packets.
//!
//! Runs as root in private network namespaces, never in the host's.

use ovsd_tests::hosts::Host;
use ovsd_tests::{dpctl, links, prereq, Daemon, TestEnv};
use std::path::Path;

/// The `packets:N` of the flow whose printed match starts with `prefix`.
fn packets(dump: &str, prefix: &str) -> Option<u64> {
    let line = dump.lines().find(|l| l.starts_with(prefix))?;
    let rest = line.split("packets:").nth(1)?;
    rest.split(',').next()?.trim().parse().ok()
}

/// `add-flow` for both directions between ports 1 and 2 of `match_`.
fn both_ways(daemon: &Daemon, dpctl: &Path, match_: &str) {
    for (i, o) in [(1, 2), (2, 1)] {
        dpctl::run_ok(
            daemon,
            dpctl,
            &[
                "add-flow",
                "dp0",
                &format!("in_port({i}),{match_}"),
                &o.to_string(),
            ],
        );
    }
}

/// A TAP-backed ovsd with datapath `dp0` whose ports are `ports`, in
/// order (port numbers from 1), added with `ovs-dpctl add-if`.
fn dp0_with<'e>(env: &'e TestEnv, dpctl: &Path, ports: &[&str]) -> Daemon<'e> {
    let daemon = Daemon::start_with(env, &["--netdev", "tap"]);
    dpctl::run_ok(&daemon, dpctl, &["add-dp", "dp0"]);
    for p in ports {
        dpctl::run_ok(&daemon, dpctl, &["add-if", "dp0", p]);
    }
    daemon
}

#[test]
fn hosts_ping_through_flows_added_by_ovs_dpctl() {
    let env = TestEnv::new();
    let (Some(dpctl), Some(ip), Some(ping)) = (
        dpctl::require(),
        links::require_ip(),
        prereq::program("ping", "iputils-ping"),
    ) else {
        return;
    };
    if !links::require_private_netns(&env) {
        return;
    }
    let h1 = Host::new(&env, &ip, "h1-ovs", "10.0.0.1");
    let h2 = Host::new(&env, &ip, "h2-ovs", "10.0.0.2");
    let daemon = dp0_with(&env, &dpctl, &[&h1.port, &h2.port]);

    both_ways(&daemon, &dpctl, "eth(),eth_type(0x0806),arp()");
    both_ways(&daemon, &dpctl, "eth(),eth_type(0x0800),ipv4()");
    let out = h1.ping(&ping, &h2.addr, 3);
    assert!(
        out.success(),
        "ping through the datapath failed\n{out}\n{}\n{}\n--- ovsd log ---\n{}",
        dpctl::run(&daemon, &dpctl, &["show", "-s"]).text(),
        dpctl::run(&daemon, &dpctl, &["dump-flows"]).text(),
        daemon.log()
    );

    let dump = dpctl::run_ok(&daemon, &dpctl, &["dump-flows", "dp0"]).text();
    let req = packets(&dump, "in_port(1),eth(),eth_type(0x0800)");
    let rep = packets(&dump, "in_port(2),eth(),eth_type(0x0800)");
    assert_eq!(
        (req, rep),
        (Some(3), Some(3)),
        "echo requests and replies\n{dump}"
    );
    let arp = packets(&dump, "in_port(1),eth(),eth_type(0x0806)");
    assert!(arp.is_some_and(|n| n >= 1), "h1's ARP request\n{dump}");

    // without flows the echo requests miss, and with no upcall listener
    // the misses are lost
    dpctl::run_ok(&daemon, &dpctl, &["del-flows", "dp0"]);
    let out = h1.ping(&ping, &h2.addr, 1);
    assert!(!out.success(), "ping without flows succeeded\n{out}");

    let show = dpctl::run_ok(&daemon, &dpctl, &["show", "dp0"]).text();
    let lookups = show
        .lines()
        .find_map(|l| l.trim().strip_prefix("lookups: "))
        .unwrap_or_else(|| panic!("no lookups line\n{show}"));
    let field = |name: &str| -> u64 {
        lookups
            .split_whitespace()
            .find_map(|f| f.strip_prefix(name))
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("no {name} in {lookups:?}"))
    };
    assert!(field("hit:") >= 6, "{show}");
    assert!(field("missed:") >= 1, "{show}");
    assert_eq!(
        field("missed:"),
        field("lost:"),
        "no listener: every miss lost\n{show}"
    );
}

#[test]
fn an_internal_port_carries_the_host_stacks_packets() {
    let env = TestEnv::new();
    let (Some(dpctl), Some(ip), Some(ping)) = (
        dpctl::require(),
        links::require_ip(),
        prereq::program("ping", "iputils-ping"),
    ) else {
        return;
    };
    if !links::require_private_netns(&env) {
        return;
    }
    links::disable_ipv6(&env);
    let h1 = Host::new(&env, &ip, "h1-ovs", "10.0.0.1");
    // port 2: a TAP device in the test's namespace, with an address there
    let daemon = dp0_with(&env, &dpctl, &[&h1.port, "int0,type=internal"]);
    links::ip_ok(&env, &ip, &["addr", "add", "10.0.0.9/24", "dev", "int0"]);
    links::ip_ok(&env, &ip, &["link", "set", "int0", "up"]);
    both_ways(&daemon, &dpctl, "eth(),eth_type(0x0806),arp()");
    both_ways(&daemon, &dpctl, "eth(),eth_type(0x0800),ipv4()");

    let out = h1.ping(&ping, "10.0.0.9", 2);
    assert!(
        out.success(),
        "h1 cannot reach the internal port's address\n{out}\n{}\n--- ovsd log ---\n{}",
        dpctl::run(&daemon, &dpctl, &["show", "-s"]).text(),
        daemon.log()
    );
    let dump = dpctl::run_ok(&daemon, &dpctl, &["dump-flows", "dp0"]).text();
    // the replies came from the TAP device into the datapath
    let replies = packets(&dump, "in_port(2),eth(),eth_type(0x0800)");
    assert_eq!(replies, Some(2), "{dump}");
}

#[test]
fn a_tcp_stream_crosses_the_datapath_intact() {
    let env = TestEnv::new();
    let (Some(dpctl), Some(ip), Some(nc)) = (
        dpctl::require(),
        links::require_ip(),
        prereq::program("nc", "netcat-openbsd"),
    ) else {
        return;
    };
    if !links::require_private_netns(&env) {
        return;
    }
    let h1 = Host::new(&env, &ip, "h1-ovs", "10.0.0.1");
    let h2 = Host::new(&env, &ip, "h2-ovs", "10.0.0.2");
    let daemon = dp0_with(&env, &dpctl, &[&h1.port, &h2.port]);
    both_ways(&daemon, &dpctl, "eth()");

    // 4 MB: the sender's veth hands the datapath 64 KiB TCP (GSO) frames,
    // which must leave as MTU-sized packets with correct checksums
    let sent = env.dir().join("sent.bin");
    let got = env.dir().join("got.bin");
    let data: Vec<u8> = (0..4_000_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
        .collect();
    std::fs::write(&sent, &data).unwrap();
    let mut server = h2.command("sh");
    server.arg("-c").arg(format!(
        "exec {} -l -p 5001 > {}",
        nc.display(),
        got.display()
    ));
    let mut server = server.spawn().expect("start the nc server");
    // bounded retries until the server listens
    let mut out = None;
    for _ in 0..50 {
        let o = h1.sh(&format!(
            "exec {} -N -w 10 10.0.0.2 5001 < {}",
            nc.display(),
            sent.display()
        ));
        if o.success() {
            out = Some(o);
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert!(out.is_some(), "nc never connected\n{}", daemon.log());
    // hang guard: the server exits when the client shuts its side down
    let mut status = None;
    for _ in 0..300 {
        status = server.try_wait().expect("wait for nc");
        if status.is_some() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let _ = server.kill();
    let status = status.unwrap_or_else(|| server.wait().expect("reap nc"));
    assert!(status.success(), "nc server: {status}");
    let received = std::fs::read(&got).unwrap();
    assert_eq!(received.len(), data.len(), "bytes received");
    assert!(received == data, "the stream arrived altered");
    // what went through the datapath were MTU-sized packets
    let dump = dpctl::run_ok(&daemon, &dpctl, &["dump-flows", "dp0"]).text();
    let line = dump
        .lines()
        .find(|l| l.starts_with("in_port(1),"))
        .unwrap_or_else(|| panic!("{dump}"));
    let field = |name: &str| -> u64 {
        line.split(name)
            .nth(1)
            .and_then(|r| r.split(',').next())
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or_else(|| panic!("no {name} in {line}"))
    };
    let (packets, bytes) = (field("packets:"), field("bytes:"));
    assert!(packets > 0 && bytes / packets <= 1514, "{line}");
}
