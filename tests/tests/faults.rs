//! ovsd going away under load: SIGKILL (TAP devices gone, a new ovsd on the
//! same socket works), SIGTERM (exit 0, socket file removed), and what
//! clients see — `ECONNRESET`, never a hang — natively and through the
//! preload library.
//!
//! Every bound here is a hang guard (watchdog), not a timing assertion.

use ovsd::client::NlSocket;
use ovsd_tests::links;
use ovsd_tests::loadgen::Load;
use ovsd_tests::native::{self, ECHO_ACK};
use ovsd_tests::{python, Daemon, TestEnv};
use std::io::{self, BufRead, BufReader, ErrorKind};
use std::path::Path;
use std::process::Stdio;
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

const THREADS: usize = 8;

/// Asserts that every load thread ended with `ECONNRESET` (or ran out of
/// work before the daemon went away), and that the load was cut short.
fn assert_reset(ends: Vec<Result<(), io::Error>>) {
    assert!(
        ends.iter().any(|e| e.is_err()),
        "every load thread finished its work: the daemon did not go away under load"
    );
    for end in ends {
        if let Err(e) = end {
            assert_eq!(
                e.kind(),
                ErrorKind::ConnectionReset,
                "load thread ended with {e:?}"
            );
        }
    }
}

#[test]
fn sigkill_under_load_leaves_no_taps_and_a_new_ovsd_works() {
    let env = TestEnv::new();
    let Some(ip) = links::require_ip() else {
        return;
    };
    if !links::require_private_netns(&env) {
        return;
    }
    let socket = env.socket_path();
    let mut daemon = Daemon::start_with(&env, &["--netdev", "tap"]);
    let (_s, fams) = native::connect(&socket).expect("connect to ovsd");
    let load = Load::start(socket.clone(), fams, THREADS);
    load.wait_for(THREADS * 3);
    let during = links::names(&env, &ip);
    assert!(
        during.iter().any(|n| n.starts_with("kd")),
        "no TAP during the load: {during:?}"
    );
    daemon.signal(libc::SIGKILL);
    daemon.wait_exit();
    assert_reset(load.finish());
    let left: Vec<String> = links::names(&env, &ip)
        .into_iter()
        .filter(|n| n.starts_with('k'))
        .collect();
    assert!(
        left.is_empty(),
        "TAPs of the killed ovsd are left: {left:?}"
    );
    drop(daemon);

    let daemon = Daemon::start_at_with(&env, &socket, &["--netdev", "tap"]);
    let (mut sock, fams) = native::connect(&socket).expect("connect to the new ovsd");
    let dps = native::dump(&mut sock, &native::dp_dump(&fams)).unwrap();
    assert!(dps.is_empty(), "a new ovsd starts with no datapath");
    let (e, msgs) = native::call(&mut sock, &native::dp_new(&fams, "kd0", ECHO_ACK)).unwrap();
    assert_eq!(e, 0, "DP NEW kd0 on the new ovsd");
    let (e, _) = native::call(
        &mut sock,
        &native::vport_new(&fams, msgs[0].dp_ifindex(), "k0p0"),
    )
    .unwrap();
    assert_eq!(e, 0, "VPORT NEW k0p0 on the new ovsd");
    let names = links::names(&env, &ip);
    assert!(
        names.iter().any(|n| n == "kd0") && names.iter().any(|n| n == "k0p0"),
        "the new ovsd's TAPs are missing: {names:?}"
    );
    daemon.stop();
}

/// With TAP devices when the test has a private namespace (no skip: the
/// virtual backend otherwise).
#[test]
fn sigterm_under_load_exits_zero_and_removes_the_socket() {
    let env = TestEnv::new();
    let tap = env.has_netns() && Path::new("/dev/net/tun").exists();
    let ip = if tap { links::require_ip() } else { None };
    let netdev = if ip.is_some() { "tap" } else { "virtual" };
    let mut daemon = Daemon::start_with(&env, &["--netdev", netdev]);
    let (_s, fams) = native::connect(daemon.socket()).expect("connect to ovsd");
    let load = Load::start(daemon.socket().to_path_buf(), fams, THREADS);
    load.wait_for(THREADS * 20);
    daemon.stop_with(libc::SIGTERM);
    assert_reset(load.finish());
    if let Some(ip) = ip {
        let left: Vec<String> = links::names(&env, &ip)
            .into_iter()
            .filter(|n| n.starts_with('k'))
            .collect();
        assert!(left.is_empty(), "TAPs left after SIGTERM: {left:?}");
    }
}

/// Runs `f` on a thread and returns its result, or panics if it hangs.
fn watchdog<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> mpsc::Receiver<T> {
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx
}

fn within<T>(rx: &mpsc::Receiver<T>, what: &str) -> T {
    rx.recv_timeout(Duration::from_secs(30))
        .unwrap_or_else(|_| panic!("{what} hangs after ovsd was killed (watchdog)"))
}

#[test]
fn vanished_daemon_gives_native_clients_econnreset() {
    let env = TestEnv::new();
    let mut daemon = Daemon::start_with(&env, &["--netdev", "virtual"]);
    let path = daemon.socket().to_path_buf();
    let (mut busy, fams) = native::connect(&path).expect("connect to ovsd");
    let (_, msgs) = native::call(&mut busy, &native::dp_new(&fams, "vd", ECHO_ACK)).unwrap();
    let dp = msgs[0].dp_ifindex();
    for j in 0..2000 {
        let id = native::FlowId::new(1, j);
        native::call(&mut busy, &native::flow_put(&fams, dp, 1, 0, &id, 1)).unwrap();
    }
    // A dump with parts still to come, and a socket blocked in recv (or
    // about to be: either way its recv must end with ECONNRESET).
    busy.send(&native::flow_dump(&fams, dp)).unwrap();
    let mut blocked = NlSocket::connect(&path).unwrap();
    let (ready_tx, ready_rx) = mpsc::channel();
    let recv = watchdog(move || {
        let mut buf = vec![0u8; native::BUF];
        ready_tx.send(()).unwrap();
        blocked.recv(&mut buf, true)
    });
    ready_rx.recv().unwrap();
    daemon.signal(libc::SIGKILL);
    daemon.wait_exit();

    let got = within(&recv, "a blocked recv");
    assert_eq!(
        got.map_err(|e| e.kind()),
        Err(ErrorKind::ConnectionReset),
        "blocked recv"
    );
    let dump = watchdog(move || {
        let mut buf = vec![0u8; native::BUF];
        loop {
            if let Err(e) = busy.recv(&mut buf, true) {
                return e.kind();
            }
        }
    });
    assert_eq!(
        within(&dump, "a pending dump"),
        ErrorKind::ConnectionReset,
        "pending dump"
    );
}

/// `NETLINK_CAP_ACK`.
const NETLINK_CAP_ACK: u32 = 10;

#[test]
fn vanished_daemon_gives_a_native_send_econnreset() {
    let env = TestEnv::new();
    let mut daemon = Daemon::start_with(&env, &["--netdev", "virtual"]);
    let (mut sock, fams) = native::connect(daemon.socket()).expect("connect to ovsd");
    let control = NlSocket::connect(daemon.socket()).expect("connect to ovsd");
    daemon.signal(libc::SIGKILL);
    daemon.wait_exit();
    let opt = watchdog(move || control.setsockopt(NETLINK_CAP_ACK, 1).map_err(|e| e.kind()));
    assert_eq!(
        within(&opt, "a socket option"),
        Err(ErrorKind::ConnectionReset),
        "setsockopt"
    );
    let send = watchdog(move || sock.send(&native::dp_dump(&fams)).map_err(|e| e.kind()));
    assert_eq!(
        within(&send, "a send"),
        Err(ErrorKind::ConnectionReset),
        "send"
    );
}

const PY_BLOCKED_RECV: &str = r#"
import socket, sys
s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 16)
print("ready", flush=True)
try:
    s.recv(65536)
    print("data")
except ConnectionResetError:
    print("ECONNRESET")
except OSError as e:
    print("errno", e.errno)
try:
    s.send(b"\x14\0\0\0\x10\0\x05\0\1\0\0\0\0\0\0\0\3\1\0\0")
    print("sent")
except ConnectionResetError:
    print("ECONNRESET")
except OSError as e:
    print("errno", e.errno)
"#;

#[test]
fn vanished_daemon_gives_a_preloaded_python_recv_econnreset() {
    let env = TestEnv::new();
    let Some(py) = python::require_interpreter() else {
        return;
    };
    let mut daemon = Daemon::start_with(&env, &["--netdev", "virtual"]);
    let mut cmd = daemon.client(&py);
    cmd.args(["-c", PY_BLOCKED_RECV])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    let mut child = cmd.spawn().expect("start python3");
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    assert_eq!(
        line.trim(),
        "ready",
        "python did not open its netlink socket"
    );
    daemon.signal(libc::SIGKILL);
    daemon.wait_exit();
    let rest = watchdog(move || {
        let mut rest = String::new();
        io::Read::read_to_string(&mut out, &mut rest).map(|_| rest)
    });
    let rest = within(&rest, "python's recv").unwrap();
    let _ = child.kill();
    let _ = child.wait();
    let lines: Vec<&str> = rest.lines().collect();
    assert_eq!(
        lines,
        ["ECONNRESET", "ECONNRESET"],
        "python's blocked recv, then a send"
    );
}
