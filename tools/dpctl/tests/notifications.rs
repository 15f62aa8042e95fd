//! `monitor` and `upcalls` against a running ovsd: the multicast
//! notifications of datapath, port and flow changes, and MISS/ACTION
//! upcalls made with `execute` (a userspace action naming the listener's
//! pid; a recirculation whose second lookup misses).

use ovsd_tests::{Daemon, TestEnv};
use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const PACKET: &str =
    "020000000002020000000001080045000020000100004011f9c50a0000010a00000204d2162e000c0000deadbeef";
const UFID: &str = "ufid:00000001-0000-4000-8000-000000000001";
const FLOW: &str = "in_port(1),eth(),eth_type(0x0800),ipv4(proto=17,frag=no),udp(dst=53)";
/// The key `execute` reports for PACKET from port 1, in the kernel's
/// attribute order.
const KEY: &str = "dp_hash(0),skb_priority(0),in_port(1),skb_mark(0),ct_state(0),ct_zone(0),ct_mark(0),ct_label(0),eth(src=02:00:00:00:00:01,dst=02:00:00:00:00:02),eth_type(0x0800),ipv4(src=10.0.0.1,dst=10.0.0.2,proto=17,tos=0,ttl=64,frag=no),udp(src=1234,dst=5678)";

fn dpctl(daemon: &Daemon, args: &[&str]) -> std::process::Output {
    let out = Command::new(env!("CARGO_BIN_EXE_ovsd-dpctl"))
        .arg("--socket")
        .arg(daemon.socket())
        .args(args)
        .env_remove("OVSD_SOCKET")
        .output()
        .expect("cannot run ovsd-dpctl");
    assert!(
        out.status.success(),
        "ovsd-dpctl {}: {}{}",
        args.join(" "),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// A background ovsd-dpctl (`monitor`/`upcalls`) and the line it prints on
/// stderr once it listens.
struct Listener {
    child: Child,
    ready: String,
    stderr: BufReader<std::process::ChildStderr>,
}

impl Listener {
    fn start(daemon: &Daemon, args: &[&str]) -> Listener {
        let mut child = Command::new(env!("CARGO_BIN_EXE_ovsd-dpctl"))
            .arg("--socket")
            .arg(daemon.socket())
            .args(args)
            .env_remove("OVSD_SOCKET")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("cannot run ovsd-dpctl");
        let mut err = BufReader::new(child.stderr.take().unwrap());
        let mut ready = String::new();
        err.read_line(&mut ready).unwrap();
        assert!(
            !ready.is_empty(),
            "ovsd-dpctl {} exited early",
            args.join(" ")
        );
        Listener {
            child,
            ready,
            stderr: err,
        }
    }

    /// Waits (at most 10 s) for it to exit; returns its stdout lines.
    fn finish(mut self) -> Vec<String> {
        let start = Instant::now();
        loop {
            if let Some(st) = self.child.try_wait().unwrap() {
                let mut out = String::new();
                self.child
                    .stdout
                    .take()
                    .unwrap()
                    .read_to_string(&mut out)
                    .unwrap();
                let mut err = String::new();
                self.stderr.read_to_string(&mut err).unwrap();
                assert!(st.success(), "listener failed: {st}\n{out}\n{err}");
                return out.lines().map(str::to_string).collect();
            }
            if start.elapsed() > Duration::from_secs(10) {
                let _ = self.child.kill();
                let mut out = String::new();
                let _ = self.child.stdout.take().unwrap().read_to_string(&mut out);
                panic!("listener did not see its events; it printed:\n{out}");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// Every change, in order, as `monitor` prints it.
fn monitored_lines() -> Vec<String> {
    let flow = format!("{FLOW}, packets:0, bytes:0, used:never");
    vec![
        "ovs_datapath NEW system@dp0".into(),
        "ovs_vport NEW system@dp0 port 1: p1 (internal)".into(),
        format!("ovs_flow NEW system@dp0 {UFID}, {flow}, actions:2"),
        format!("ovs_flow SET system@dp0 {UFID}, {flow}, actions:1,0"),
        format!("ovs_flow DEL system@dp0 {UFID}, {flow}, actions:1,0"),
        "ovs_vport DEL system@dp0 port 1: p1 (internal)".into(),
        "ovs_datapath DEL system@dp0".into(),
    ]
}

fn make_changes(daemon: &Daemon) {
    dpctl(daemon, &["add-dp", "dp0"]);
    dpctl(daemon, &["add-if", "dp0", "p1,type=internal"]);
    dpctl(daemon, &["add-flow", "dp0", &format!("{UFID},{FLOW}"), "2"]);
    dpctl(
        daemon,
        &["mod-flow", "dp0", &format!("{UFID},{FLOW}"), "1,0"],
    );
    dpctl(daemon, &["del-flow", "dp0", UFID]);
    dpctl(daemon, &["del-if", "dp0", "p1"]);
    dpctl(daemon, &["del-dp", "dp0"]);
}

#[test]
fn monitor_prints_datapath_port_and_flow_notifications() {
    let env = TestEnv::new();
    let daemon = Daemon::start_with(&env, &["--netdev", "virtual"]);
    let want = monitored_lines();
    let count = want.len().to_string();
    let mon = Listener::start(&daemon, &["monitor", "--count", &count]);
    assert!(mon.ready.contains("monitoring"), "{}", mon.ready);
    make_changes(&daemon);
    assert_eq!(mon.finish(), want, "--- ovsd log ---\n{}", daemon.log());
    daemon.stop();
}

#[test]
fn monitor_json_prints_one_object_per_notification() {
    let env = TestEnv::new();
    let daemon = Daemon::start_with(&env, &["--netdev", "virtual"]);
    let mon = Listener::start(&daemon, &["--json", "monitor", "--count", "7"]);
    make_changes(&daemon);
    let got: Vec<serde_json::Value> = mon
        .finish()
        .iter()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l}: {e}")))
        .collect();
    let summary: Vec<(String, String)> = got
        .iter()
        .map(|v| {
            (
                v["family"].as_str().unwrap().to_string(),
                v["cmd"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let want: Vec<(String, String)> = [
        ("ovs_datapath", "NEW"),
        ("ovs_vport", "NEW"),
        ("ovs_flow", "NEW"),
        ("ovs_flow", "SET"),
        ("ovs_flow", "DEL"),
        ("ovs_vport", "DEL"),
        ("ovs_datapath", "DEL"),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    assert_eq!(summary, want);
    assert_eq!(got[0]["datapath"]["name"], "system@dp0");
    assert_eq!(got[1]["port"]["name"], "p1");
    assert_eq!(got[2]["flow"]["ufid"], UFID);
    assert_eq!(got[3]["flow"]["actions"], "1,0");
    daemon.stop();
}

fn listener_pid(ready: &str) -> String {
    ready
        .split_whitespace()
        .skip_while(|w| *w != "pid")
        .nth(1)
        .unwrap_or_else(|| panic!("no pid in {ready:?}"))
        .to_string()
}

#[test]
fn upcalls_prints_action_and_miss_upcalls_with_their_keys() {
    let env = TestEnv::new();
    let daemon = Daemon::start_with(&env, &["--netdev", "virtual"]);
    dpctl(&daemon, &["add-dp", "dp0"]);
    dpctl(&daemon, &["add-if", "dp0", "p1,type=internal"]);
    let up = Listener::start(&daemon, &["upcalls", "dp0", "--count", "2"]);
    assert!(up
        .ready
        .starts_with("ovsd-dpctl: listening for upcalls of system@dp0 as pid "));
    let pid = listener_pid(&up.ready);
    let userspace = format!("userspace(pid={pid},userdata(0102030405060708))");
    dpctl(
        &daemon,
        &["execute", "dp0", "in_port(1)", &userspace, PACKET],
    );
    // The recirculated packet misses (no flow has recirc_id(5)).
    dpctl(
        &daemon,
        &["execute", "dp0", "in_port(1)", "recirc(5)", PACKET],
    );
    let got = up.finish();
    let hashless: Vec<String> = got
        .iter()
        .map(|l| l.split(", hash:").next().unwrap().to_string())
        .collect();
    assert_eq!(
        hashless,
        vec![
            format!("ACTION system@dp0: recirc_id(0),{KEY}, userdata:0102030405060708"),
            format!("  packet(46 bytes): {PACKET}"),
            format!("MISS system@dp0: recirc_id(0x5),{KEY}"),
            format!("  packet(46 bytes): {PACKET}"),
        ],
        "--- ovsd log ---\n{}",
        daemon.log()
    );
    let show = dpctl(&daemon, &["show"]);
    assert!(String::from_utf8_lossy(&show.stdout).contains("lookups: hit:0 missed:1 lost:0"));
    daemon.stop();
}

#[test]
fn upcalls_with_a_port_prints_only_that_ports_upcalls_as_json() {
    let env = TestEnv::new();
    let daemon = Daemon::start_with(&env, &["--netdev", "virtual"]);
    dpctl(&daemon, &["add-dp", "dp0"]);
    dpctl(&daemon, &["add-if", "dp0", "p1,type=internal"]);
    dpctl(&daemon, &["add-if", "dp0", "p2,type=internal"]);
    let up = Listener::start(&daemon, &["--json", "upcalls", "dp0", "p2", "--count", "1"]);
    let pid = listener_pid(&up.ready);
    let userspace = format!("userspace(pid={pid})");
    // From p1: not printed; from p2: printed.
    dpctl(
        &daemon,
        &["execute", "dp0", "in_port(1)", &userspace, PACKET],
    );
    dpctl(
        &daemon,
        &["execute", "dp0", "in_port(2)", &userspace, PACKET],
    );
    let got = up.finish();
    assert_eq!(got.len(), 1, "{got:?}");
    let v: serde_json::Value = serde_json::from_str(&got[0]).unwrap();
    assert_eq!(v["upcall"], "ACTION");
    assert_eq!(v["datapath"], "system@dp0");
    assert!(v["key"].as_str().unwrap().contains(",in_port(2),"), "{v}");
    assert_eq!(v["packet"], PACKET);
    daemon.stop();
}

#[test]
fn upcalls_names_a_missing_port() {
    let env = TestEnv::new();
    let daemon = Daemon::start_with(&env, &["--netdev", "virtual"]);
    dpctl(&daemon, &["add-dp", "dp0"]);
    let out = Command::new(env!("CARGO_BIN_EXE_ovsd-dpctl"))
        .arg("--socket")
        .arg(daemon.socket())
        .args(["upcalls", "dp0", "nosuch"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "ovsd-dpctl: no port named nosuch\n"
    );
    daemon.stop();
}

#[test]
fn monitor_waits_longer_than_the_native_clients_receive_timeout() {
    let env = TestEnv::new();
    let daemon = Daemon::start_with(&env, &["--netdev", "virtual"]);
    let mon = Listener::start(&daemon, &["monitor", "--count", "1"]);
    // The native client's blocking receive gives up after 5 s.
    std::thread::sleep(Duration::from_millis(5500));
    dpctl(&daemon, &["add-dp", "dp0"]);
    assert_eq!(
        mon.finish(),
        vec!["ovs_datapath NEW system@dp0".to_string()]
    );
    daemon.stop();
}

/// Clears the datapath's per-CPU dispatch (a SET without that feature), so
/// MISS upcalls go to the input port's upcall pid.
fn use_vport_dispatch(daemon: &Daemon) {
    use genl::ovs::datapath as dp;
    use ovsd_dpctl::ctx::{Ctx, Options};
    use ovsd_dpctl::target::Choice;
    let ctx = Ctx {
        opts: Options::default(),
        target: Choice::Ovsd(daemon.socket().to_path_buf()),
    };
    let mut d = ctx.dpif().unwrap();
    let h = d.dp_hdr(dp::OVS_DP_CMD_SET, 0, 0);
    d.client
        .transact(h, false, |w| {
            w.attr_str(dp::OVS_DP_ATTR_NAME, b"dp0");
            w.attr_u32(dp::OVS_DP_ATTR_USER_FEATURES, dp::OVS_DP_F_UNALIGNED);
        })
        .unwrap();
}

#[test]
fn upcalls_on_a_per_vport_datapath_takes_the_ports_pids() {
    let env = TestEnv::new();
    let daemon = Daemon::start_with(&env, &["--netdev", "virtual"]);
    dpctl(&daemon, &["add-dp", "dp0"]);
    dpctl(&daemon, &["add-if", "dp0", "p1,type=internal"]);
    dpctl(&daemon, &["add-if", "dp0", "p2,type=internal"]);
    use_vport_dispatch(&daemon);
    let up = Listener::start(&daemon, &["upcalls", "dp0", "p2", "--count", "1"]);
    let pid = listener_pid(&up.ready);
    // p1's misses have no listener (lost); p2's come here.
    dpctl(
        &daemon,
        &["execute", "dp0", "in_port(1)", "recirc(5)", PACKET],
    );
    dpctl(
        &daemon,
        &["execute", "dp0", "in_port(2)", "recirc(5)", PACKET],
    );
    let got = up.finish();
    assert!(
        got[0]
            .starts_with("MISS system@dp0: recirc_id(0x5),dp_hash(0),skb_priority(0),in_port(2),"),
        "{got:?}"
    );
    let out = dpctl(&daemon, &["--json", "show"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let ports = v["datapaths"][0]["ports"].as_array().unwrap();
    assert_eq!(
        ports[2]["upcall_pids"],
        serde_json::json!([pid.parse::<u64>().unwrap()])
    );
    assert_eq!(ports[1]["upcall_pids"], serde_json::json!([0]));
    assert_eq!(v["datapaths"][0]["lookups"]["lost"], 1);
    daemon.stop();
}
