//! `--json` for `show`, `dump-dps` and `dump-flows`: valid JSON (parsed
//! with serde_json) carrying what the text output shows, including the
//! counters after a packet hits a flow.

use ovsd_tests::{Daemon, TestEnv};
use serde_json::Value;
use std::process::Command;

const PACKET: &str =
    "020000000002020000000001080045000020000100004011f9c50a0000010a00000204d2162e000c0000deadbeef";
const UFID: &str = "ufid:00000001-0000-4000-8000-000000000001";
const HIT: &str = "recirc_id(0x5),in_port(1),eth(),eth_type(0x0800),ipv4(frag=no)";

fn run(daemon: &Daemon, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_ovsd-dpctl"))
        .arg("--socket")
        .arg(daemon.socket())
        .args(args)
        .env_remove("OVSD_SOCKET")
        .output()
        .expect("cannot run ovsd-dpctl");
    assert!(
        out.status.success(),
        "ovsd-dpctl {}: {}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn json(daemon: &Daemon, args: &[&str]) -> Value {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    let text = run(daemon, &all);
    assert_eq!(
        text.lines().count(),
        1,
        "one JSON document per line: {text}"
    );
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{text}: {e}"))
}

fn setup(daemon: &Daemon) {
    run(daemon, &["add-dp", "dp0"]);
    run(daemon, &["add-dp", "dp1"]);
    run(daemon, &["add-if", "dp0", "p1,type=internal"]);
    run(daemon, &["add-if", "dp0", "p2,type=internal"]);
    run(daemon, &["add-flow", "dp0", &format!("{UFID},{HIT}"), "2"]);
    run(
        daemon,
        &[
            "add-flow",
            "dp0",
            "in_port(2),eth(),eth_type(0x0800),ipv4(proto=17,frag=no),udp(dst=53)",
            "set(ipv4(ttl=63)),1",
        ],
    );
    // The recirculated packet hits the first flow.
    run(
        daemon,
        &["execute", "dp0", "in_port(1)", "recirc(5)", PACKET],
    );
}

#[test]
fn dump_dps_json_lists_the_datapaths() {
    let env = TestEnv::new();
    let daemon = Daemon::start_with(&env, &["--netdev", "virtual"]);
    setup(&daemon);
    let v = json(&daemon, &["dump-dps"]);
    assert_eq!(
        v,
        serde_json::json!({ "datapaths": ["system@dp0", "system@dp1"] })
    );
    daemon.stop();
}

#[test]
fn show_json_has_datapaths_ports_and_counters() {
    let env = TestEnv::new();
    let daemon = Daemon::start_with(&env, &["--netdev", "virtual"]);
    setup(&daemon);
    let v = json(&daemon, &["show"]);
    let dps = v["datapaths"].as_array().unwrap();
    assert_eq!(dps.len(), 2);
    let dp0 = &dps[0];
    assert_eq!(dp0["name"], "system@dp0");
    assert_eq!(dp0["flows"], 2);
    assert_eq!(dp0["lookups"]["hit"], 1);
    assert_eq!(dp0["lookups"]["missed"], 0);
    assert_eq!(dp0["masks_cache_size"], 256);
    let ports: Vec<(u64, &str, &str)> = dp0["ports"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["port_no"].as_u64().unwrap(),
                p["name"].as_str().unwrap(),
                p["type"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        ports,
        vec![
            (0, "dp0", "internal"),
            (1, "p1", "internal"),
            (2, "p2", "internal")
        ]
    );
    assert!(dp0["ports"][1]["stats"]["rx_packets"].is_u64());
    // show DP selects one.
    let one = json(&daemon, &["show", "dp1"]);
    assert_eq!(one["datapaths"].as_array().unwrap().len(), 1);
    assert_eq!(one["datapaths"][0]["name"], "system@dp1");
    daemon.stop();
}

#[test]
fn dump_flows_json_has_keys_actions_and_statistics() {
    let env = TestEnv::new();
    let daemon = Daemon::start_with(&env, &["--netdev", "virtual"]);
    setup(&daemon);
    let v = json(&daemon, &["dump-flows", "dp0"]);
    assert_eq!(v["datapath"], "system@dp0");
    let flows = v["flows"].as_array().unwrap();
    assert_eq!(flows.len(), 2);
    let hit = flows
        .iter()
        .find(|f| f["ufid"] == UFID)
        .expect("the UFID flow");
    assert_eq!(hit["key"], HIT);
    assert!(hit["match"]
        .as_str()
        .unwrap()
        .starts_with("recirc_id(0x5),dp_hash(0/0),"));
    assert_eq!(hit["actions"], "2");
    assert_eq!(hit["packets"], 1);
    assert_eq!(hit["bytes"], 46);
    assert!(hit["used_ms"].as_u64().is_some_and(|u| u > 0), "{hit}");
    let other = flows.iter().find(|f| f["ufid"] != UFID).unwrap();
    assert_eq!(other["actions"], "set(ipv4(ttl=63)),1");
    assert_eq!(other["packets"], 0);
    // The text dump agrees, and the filter applies to JSON too.
    let text = run(&daemon, &["dump-flows", "dp0"]);
    assert!(
        text.contains(&format!("{HIT}, packets:1, bytes:46, used:")),
        "{text}"
    );
    let p2 = json(&daemon, &["dump-flows", "dp0", "filter=in_port=p2"]);
    assert_eq!(p2["flows"].as_array().unwrap().len(), 1);
    assert_eq!(p2["flows"][0]["actions"], "set(ipv4(ttl=63)),1");
    let names = json(&daemon, &["--names", "dump-flows", "dp0"]);
    let acts: Vec<&str> = names["flows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["actions"].as_str().unwrap())
        .collect();
    assert!(
        acts.contains(&"p2") && acts.contains(&"set(ipv4(ttl=63)),p1"),
        "{acts:?}"
    );
    daemon.stop();
}
