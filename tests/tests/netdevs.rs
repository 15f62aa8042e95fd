//! The kernel net devices behind ovsd's datapaths and internal ports: TAP
//! devices named like them, whose ifindex is what the families report, that
//! go away with the port, the datapath, or the daemon (even a killed one).
//!
//! Runs as root in a private network namespace, never in the host's.

use ovsd_tests::links::{self, Link};
use ovsd_tests::ovs_raw::{self, ENODEV, VPORT_TYPE_NETDEV};
use ovsd_tests::{dpctl, python, Daemon, TestEnv};
use serde_json::json;
use std::path::{Path, PathBuf};

/// What every test here needs: `ovs-dpctl`, `ip`, python3 and a private
/// namespace with TAP support.
struct Tools {
    dpctl: PathBuf,
    ip: PathBuf,
    python: PathBuf,
}

fn tools(env: &TestEnv) -> Option<Tools> {
    let tools = Tools {
        dpctl: dpctl::require()?,
        ip: links::require_ip()?,
        python: python::require_interpreter()?,
    };
    links::require_private_netns(env).then_some(tools)
}

fn tap_daemon(env: &TestEnv) -> Daemon<'_> {
    Daemon::start_with(env, &["--netdev", "tap"])
}

/// `add-dp dp0` and `add-if dp0 p1,type=internal`.
fn dp0_with_p1(daemon: &Daemon, dpctl: &Path) {
    dpctl::run_ok(daemon, dpctl, &["add-dp", "dp0"]);
    dpctl::run_ok(daemon, dpctl, &["add-if", "dp0", "p1,type=internal"]);
}

fn must_exist(env: &TestEnv, ip: &Path, name: &str, daemon: &Daemon) -> Link {
    links::link(env, ip, name).unwrap_or_else(|| {
        panic!(
            "no interface {name} in the namespace; interfaces: {:?}\n--- ovsd log ---\n{}",
            links::names(env, ip),
            daemon.log()
        )
    })
}

fn must_be_gone(env: &TestEnv, ip: &Path, names: &[&str], when: &str) {
    let left: Vec<String> = links::names(env, ip)
        .into_iter()
        .filter(|n| names.contains(&n.as_str()))
        .collect();
    assert!(left.is_empty(), "{left:?} still exist {when}");
}

#[test]
fn taps_exist_with_the_ifindexes_the_families_report() {
    let env = TestEnv::new();
    let Some(t) = tools(&env) else {
        return;
    };
    let daemon = tap_daemon(&env);
    dp0_with_p1(&daemon, &t.dpctl);

    let dp0 = must_exist(&env, &t.ip, "dp0", &daemon);
    let p1 = must_exist(&env, &t.ip, "p1", &daemon);
    assert!(
        p1.up,
        "ovs-dpctl add-if brought p1 up, but it is down: {p1:?}"
    );

    let dp = ovs_raw::dp_get(&daemon, &t.python, "dp0")
        .unwrap_or_else(|e| panic!("DP GET dp0 failed with errno {e}"));
    assert_eq!(
        dp["dp_ifindex"],
        json!(dp0.ifindex),
        "dp_ifindex is not the ifindex of the TAP dp0 {dp0:?}: {dp}"
    );
    let local = ovs_raw::vport_get(&daemon, &t.python, "dp0", i64::from(dp0.ifindex))
        .unwrap_or_else(|e| panic!("VPORT GET dp0 failed with errno {e}"));
    assert_eq!(local["ifindex"], json!(dp0.ifindex), "{local}");
    assert_eq!(local["port_no"], json!(0), "{local}");
    let port = ovs_raw::vport_get(&daemon, &t.python, "p1", i64::from(dp0.ifindex))
        .unwrap_or_else(|e| panic!("VPORT GET p1 failed with errno {e}"));
    assert_eq!(
        port["ifindex"],
        json!(p1.ifindex),
        "vport p1's IFINDEX is not the TAP's {p1:?}: {port}"
    );
    assert_eq!(port["dp_ifindex"], json!(dp0.ifindex), "{port}");
    assert!(
        port.get("netnsid").is_none(),
        "NETNSID must be absent for a port in the requester's namespace: {port}"
    );

    dpctl::run_ok(&daemon, &t.dpctl, &["del-if", "dp0", "p1"]);
    must_be_gone(&env, &t.ip, &["p1"], "after del-if");
    must_exist(&env, &t.ip, "dp0", &daemon);
    dpctl::run_ok(&daemon, &t.dpctl, &["del-dp", "dp0"]);
    must_be_gone(&env, &t.ip, &["dp0"], "after del-dp");
    daemon.stop();
}

#[test]
fn del_dp_removes_every_internal_port() {
    let env = TestEnv::new();
    let Some(t) = tools(&env) else {
        return;
    };
    let daemon = tap_daemon(&env);
    dp0_with_p1(&daemon, &t.dpctl);
    dpctl::run_ok(&daemon, &t.dpctl, &["add-if", "dp0", "p2,type=internal"]);
    must_exist(&env, &t.ip, "p2", &daemon);
    dpctl::run_ok(&daemon, &t.dpctl, &["del-dp", "dp0"]);
    must_be_gone(&env, &t.ip, &["dp0", "p1", "p2"], "after del-dp");
    daemon.stop();
}

#[test]
fn sigterm_removes_the_taps() {
    let env = TestEnv::new();
    let Some(t) = tools(&env) else {
        return;
    };
    let mut daemon = tap_daemon(&env);
    dp0_with_p1(&daemon, &t.dpctl);
    must_exist(&env, &t.ip, "p1", &daemon);
    daemon.stop_with(libc::SIGTERM);
    must_be_gone(&env, &t.ip, &["dp0", "p1"], "after ovsd exited on SIGTERM");
}

#[test]
fn sigkill_removes_the_taps_and_a_new_ovsd_starts_over() {
    let env = TestEnv::new();
    let Some(t) = tools(&env) else {
        return;
    };
    let socket = env.socket_path();
    let mut daemon = tap_daemon(&env);
    dp0_with_p1(&daemon, &t.dpctl);
    must_exist(&env, &t.ip, "p1", &daemon);
    daemon.signal(libc::SIGKILL);
    daemon.wait_exit();
    must_be_gone(&env, &t.ip, &["dp0", "p1"], "after ovsd was killed");
    drop(daemon);

    let daemon = Daemon::start_at_with(&env, &socket, &["--netdev", "tap"]);
    let show = dpctl::run_ok(&daemon, &t.dpctl, &["show"]);
    assert_eq!(
        show.text(),
        "",
        "a new ovsd starts with no datapath\n{show}"
    );
    dp0_with_p1(&daemon, &t.dpctl);
    must_exist(&env, &t.ip, "dp0", &daemon);
    must_exist(&env, &t.ip, "p1", &daemon);
    dpctl::run_ok(&daemon, &t.dpctl, &["del-dp", "dp0"]);
    daemon.stop();
}

#[test]
fn netdev_vport_of_a_missing_interface_is_enodev() {
    let env = TestEnv::new();
    let Some(t) = tools(&env) else {
        return;
    };
    let daemon = tap_daemon(&env);
    dpctl::run_ok(&daemon, &t.dpctl, &["add-dp", "dp0"]);

    let run = dpctl::run(&daemon, &t.dpctl, &["add-if", "dp0", "nosuch"]);
    assert!(
        !run.outcome.success(),
        "ovs-dpctl add-if dp0 nosuch succeeded\n{run}"
    );

    let result = ovs_raw::one(
        &daemon,
        &t.python,
        json!({"op": "vport-new", "dp": "dp0", "name": "nosuch",
               "type": VPORT_TYPE_NETDEV, "upcall_pid": [0], "flags": ["echo"]}),
    );
    assert_eq!(
        ovs_raw::errno(&result, "VPORT NEW nosuch"),
        ENODEV,
        "{result}"
    );
    let dp0 = must_exist(&env, &t.ip, "dp0", &daemon);
    assert_eq!(
        ovs_raw::vport_get(&daemon, &t.python, "nosuch", i64::from(dp0.ifindex)).err(),
        Some(ENODEV),
        "a failed VPORT NEW left a port behind"
    );
    must_be_gone(&env, &t.ip, &["nosuch"], "after a failed VPORT NEW");
    dpctl::run_ok(&daemon, &t.dpctl, &["del-dp", "dp0"]);
    daemon.stop();
}

#[test]
fn netdev_vport_attaches_to_an_existing_veth_and_leaves_it_on_del_if() {
    let env = TestEnv::new();
    let Some(t) = tools(&env) else {
        return;
    };
    let daemon = tap_daemon(&env);
    links::add_veth(&env, &t.ip, "v0", "v0peer");
    let v0 = must_exist(&env, &t.ip, "v0", &daemon);
    dpctl::run_ok(&daemon, &t.dpctl, &["add-dp", "dp0"]);
    dpctl::run_ok(&daemon, &t.dpctl, &["add-if", "dp0", "v0"]);
    let dp0 = must_exist(&env, &t.ip, "dp0", &daemon);
    let port = ovs_raw::vport_get(&daemon, &t.python, "v0", i64::from(dp0.ifindex))
        .unwrap_or_else(|e| panic!("VPORT GET v0 failed with errno {e}"));
    assert_eq!(port["type"], json!(VPORT_TYPE_NETDEV), "{port}");
    assert_eq!(
        port["ifindex"],
        json!(v0.ifindex),
        "a netdev vport reports its interface's ifindex: {port}"
    );
    dpctl::run_ok(&daemon, &t.dpctl, &["del-if", "dp0", "v0"]);
    must_exist(&env, &t.ip, "v0", &daemon);
    dpctl::run_ok(&daemon, &t.dpctl, &["del-dp", "dp0"]);
    must_exist(&env, &t.ip, "v0", &daemon);
    daemon.stop();
}

#[test]
fn a_netdev_in_a_datapath_cannot_be_added_again() {
    let env = TestEnv::new();
    let Some(t) = tools(&env) else {
        return;
    };
    let daemon = tap_daemon(&env);
    links::add_veth(&env, &t.ip, "v0", "v0peer");
    dpctl::run_ok(&daemon, &t.dpctl, &["add-dp", "dp0"]);
    dpctl::run_ok(&daemon, &t.dpctl, &["add-dp", "dp1"]);
    dpctl::run_ok(&daemon, &t.dpctl, &["add-if", "dp0", "v0"]);
    // ovs_netdev_link: already in this datapath -> EEXIST, in another -> EBUSY
    let again = dpctl::run(&daemon, &t.dpctl, &["add-if", "dp0", "v0"]);
    assert!(!again.outcome.status.success(), "{again}");
    assert!(again.text().contains("File exists"), "{again}");
    let other = dpctl::run(&daemon, &t.dpctl, &["add-if", "dp1", "v0"]);
    assert!(!other.outcome.status.success(), "{other}");
    assert!(other.text().contains("Device or resource busy"), "{other}");
    daemon.stop();
}

#[test]
fn tunnel_ports_get_no_tap_that_open_vswitch_would_refuse() {
    let env = TestEnv::new();
    let Some(t) = tools(&env) else {
        return;
    };
    let daemon = tap_daemon(&env);
    dpctl::run_ok(&daemon, &t.dpctl, &["add-dp", "dp0"]);
    // without a geneve module ovs-dpctl falls back to a GENEVE vport named
    // like the kernel's own device
    dpctl::run_ok(
        &daemon,
        &t.dpctl,
        &["add-if", "dp0", "gnv0,type=geneve,remote_ip=10.0.0.7"],
    );
    let show = dpctl::run_ok(&daemon, &t.dpctl, &["show"]).text();
    assert!(show.contains("genev_sys_6081"), "{show}");
    // a later ovs-dpctl opens the datapath without tripping over a device
    // of that name with the wrong kind
    dpctl::run_ok(&daemon, &t.dpctl, &["add-if", "dp0", "p1,type=internal"]);
    let tunnel_taps: Vec<String> = links::names(&env, &t.ip)
        .into_iter()
        .filter(|n| n.starts_with("genev_sys"))
        .collect();
    assert!(tunnel_taps.is_empty(), "{tunnel_taps:?}");
}
