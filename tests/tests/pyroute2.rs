//! Python clients against ovsd through the preload library: pyroute2's
//! family resolution, a hand-built GETFAMILY over CPython's socket module,
//! and the CPython socket API behaving as on a kernel netlink socket.

use ovsd_tests::client::{run, CLIENT_TIMEOUT};
use ovsd_tests::expected::{OvsFamily, FAMILY_ID_RANGE, OVS_FAMILIES};
use ovsd_tests::{python, Daemon, Outcome, TestEnv};
use serde_json::{json, Value};
use std::path::Path;
use std::process::Command;

/// Runs `tests/py/<script> ARGS` under the preload library against `daemon`.
fn py(daemon: &Daemon, python: &Path, script: &str, args: &[&str]) -> Outcome {
    let mut cmd = daemon.client(python);
    cmd.arg(python::script(script)).args(args);
    daemon.run_ok(&mut cmd)
}

fn json_of(out: &Outcome) -> Value {
    serde_json::from_str(out.stdout.trim()).unwrap_or_else(|e| panic!("bad JSON ({e})\n{out}"))
}

#[test]
fn pyroute2_binds_ovs_datapath() {
    let Some(python) = python::require_module("pyroute2", "pyroute2==0.9.7") else {
        return;
    };
    let env = TestEnv::new();
    let daemon = Daemon::start(&env);
    let out = py(&daemon, &python, "pyroute2_bind.py", &["ovs_datapath"]);
    let v = json_of(&out);
    let prid = v["prid"].as_u64().unwrap_or(0);
    assert!(
        prid != 0 && FAMILY_ID_RANGE.contains(&(prid as u32)),
        "pyroute2 resolved ovs_datapath to {prid}\n{out}"
    );
    let group = v["groups"]["ovs_datapath"].as_u64().unwrap_or(0);
    assert!(group != 0, "no ovs_datapath multicast group\n{out}");
    assert_eq!(v["groups"].as_object().map(|g| g.len()), Some(1), "{out}");
    daemon.stop();
}

#[test]
fn pyroute2_gets_enoent_for_an_unknown_family() {
    let Some(python) = python::require_module("pyroute2", "pyroute2==0.9.7") else {
        return;
    };
    let env = TestEnv::new();
    let daemon = Daemon::start(&env);
    let out = py(&daemon, &python, "pyroute2_bind.py", &["no_such_family"]);
    assert_eq!(json_of(&out), json!({"error": 2}), "{out}");
    daemon.stop();
}

/// Checks a decoded NEWFAMILY (from `getfamily_raw.py`) against the kernel.
fn check_newfamily(v: &Value, fam: &OvsFamily, out: &Outcome) {
    let ctx = format!("{}: {out}", fam.name);
    assert_eq!(v["type"], json!(0x10), "reply is not from nlctrl; {ctx}");
    assert_eq!(v["cmd"], json!(1), "reply is not NEWFAMILY; {ctx}");
    assert_eq!(
        v["genl_version"],
        json!(2),
        "nlctrl replies with version 2; {ctx}"
    );
    assert_eq!(v["flags"], json!(0), "{ctx}");
    assert_eq!(v["seq"], json!(0x1234), "seq not echoed; {ctx}");
    assert_eq!(
        v["pid"], v["port_id"],
        "nlmsg_pid is not our port id; {ctx}"
    );
    assert_eq!(
        v["len"], v["datagram_len"],
        "one message per datagram; {ctx}"
    );
    assert_eq!(v["from"], json!([0, 0]), "{ctx}");
    assert_eq!(v["name"], json!(fam.name), "{ctx}");
    let id = v["id"].as_u64().unwrap_or(0) as u32;
    assert!(FAMILY_ID_RANGE.contains(&id), "family id {id}; {ctx}");
    assert_eq!(v["version"], json!(fam.version), "{ctx}");
    assert_eq!(v["hdrsize"], json!(fam.hdrsize), "{ctx}");
    assert_eq!(v["maxattr"], json!(fam.maxattr), "{ctx}");
    let ops: Vec<Value> = fam
        .ops
        .iter()
        .enumerate()
        .map(|(i, &(id, flags))| json!({"index": i + 1, "id": id, "flags": flags}))
        .collect();
    assert_eq!(v["ops"], json!(ops), "{ctx}");
    match fam.group {
        Some(name) => {
            let groups = v["groups"].as_array().cloned().unwrap_or_default();
            assert_eq!(groups.len(), 1, "{ctx}");
            assert_eq!(groups[0]["index"], json!(1), "{ctx}");
            assert_eq!(groups[0]["name"], json!(name), "{ctx}");
            assert_ne!(groups[0]["id"], json!(0), "{ctx}");
        }
        None => assert!(v.get("groups").is_none(), "unexpected groups; {ctx}"),
    }
}

#[test]
fn plain_python_getfamily_round_trip() {
    let Some(python) = python::require_interpreter() else {
        return;
    };
    let env = TestEnv::new();
    let daemon = Daemon::start(&env);
    for kind in ["raw", "dgram"] {
        for fam in &OVS_FAMILIES {
            let out = py(&daemon, &python, "getfamily_raw.py", &[fam.name, kind]);
            check_newfamily(&json_of(&out), fam, &out);
        }
    }
    daemon.stop();
}

#[test]
fn plain_python_unknown_family_gets_enoent_with_the_request_echoed() {
    let Some(python) = python::require_interpreter() else {
        return;
    };
    let env = TestEnv::new();
    let daemon = Daemon::start(&env);
    let out = py(&daemon, &python, "getfamily_raw.py", &["no_such_family"]);
    let v = json_of(&out);
    assert_eq!(v["type"], json!(2), "not NLMSG_ERROR\n{out}");
    assert_eq!(v["error"], json!(2), "not ENOENT\n{out}");
    assert_eq!(v["flags"], json!(0), "{out}");
    assert_eq!(v["seq"], json!(0x1234), "{out}");
    assert_eq!(v["echo_hex"], v["request_hex"], "request not echoed\n{out}");
    daemon.stop();
}

/// Runs one `sockapi.py` case against ovsd.
fn sockapi(case: &str) {
    let Some(python) = python::require_interpreter() else {
        return;
    };
    let env = TestEnv::new();
    let daemon = Daemon::start(&env);
    let out = py(&daemon, &python, "sockapi.py", &[case, "ovs_vport"]);
    assert_eq!(out.stdout.trim(), "ok", "{out}");
    daemon.stop();
}

#[test]
fn socket_api_facts_hold_for_the_host_kernel() {
    // Checks the script itself: every case passes on a real kernel socket.
    let Some(python) = python::require_interpreter() else {
        return;
    };
    for case in [
        "identity",
        "getsockname",
        "recvfrom",
        "peek_trunc",
        "nonblocking",
        "eaddrinuse",
        "membership",
    ] {
        let mut cmd = Command::new(&python);
        cmd.env("PYTHONDONTWRITEBYTECODE", "1")
            .arg(python::script("sockapi.py"))
            .args([case, "nlctrl"])
            .env_remove("LD_PRELOAD");
        let out = run(&mut cmd, CLIENT_TIMEOUT);
        assert!(out.success() && out.stdout.trim() == "ok", "{out}");
    }
}

#[test]
fn socket_identity_and_fd_duplication() {
    sockapi("identity");
}

#[test]
fn getsockname_before_and_after_bind() {
    sockapi("getsockname");
}

#[test]
fn recvfrom_reports_the_kernel_address() {
    sockapi("recvfrom");
}

#[test]
fn msg_peek_msg_trunc_reports_the_full_length() {
    sockapi("peek_trunc");
}

#[test]
fn nonblocking_receive_gives_eagain() {
    sockapi("nonblocking");
}

#[test]
fn binding_a_taken_port_id_gives_eaddrinuse() {
    sockapi("eaddrinuse");
}

#[test]
fn joining_a_multicast_group() {
    sockapi("membership");
}

#[test]
fn a_small_so_rcvbuf_overflows_with_one_enobufs() {
    let Some(python) = python::require_interpreter() else {
        return;
    };
    let env = TestEnv::new();
    let daemon = Daemon::start_with(&env, &["--netdev", "virtual"]);
    let out = py(&daemon, &python, "rcvbuf_raw.py", &["40"]);
    let v = json_of(&out);
    // SOCK_MIN_RCVBUF: the kernel's floor for SO_RCVBUF 1
    assert_eq!(v["rcvbuf"], json!(2304), "{out}");
    let small = v["small"]["received"].as_u64().unwrap();
    assert!(small < 40, "all 40 notifications fit in 2304 bytes\n{out}");
    assert!(small >= 1, "{out}");
    assert_eq!(v["small"]["enobufs"], json!(1), "{out}");
    // NETLINK_NO_ENOBUFS: the same losses, never reported
    let quiet = v["quiet"]["received"].as_u64().unwrap();
    assert!((1..40).contains(&quiet), "{out}");
    assert_eq!(v["quiet"]["enobufs"], json!(0), "{out}");
    assert_eq!(v["default"], json!({"received": 40, "enobufs": 0}), "{out}");
    daemon.stop();
}
