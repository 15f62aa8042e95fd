//! ovsd as a process: where it listens, how it stops, and how it treats a
//! socket path that is already taken or left over.

use ovsd_tests::daemon::Daemon;
use ovsd_tests::unix::{seqpacket_connect, seqpacket_listen};
use ovsd_tests::TestEnv;
use std::fs;
use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::path::Path;
use std::process::Command;

/// The probe client (plain libc netlink calls) built with these tests.
fn probe(daemon: &Daemon, family: &str) -> String {
    let mut cmd = daemon.client(env!("CARGO_BIN_EXE_ovsd-genl-probe"));
    cmd.arg(family);
    daemon.run_ok(&mut cmd).stdout
}

/// Asserts that a real netlink client gets `ovs_datapath` from the daemon.
fn assert_answers(daemon: &Daemon) {
    let line = probe(daemon, "ovs_datapath");
    assert!(
        line.starts_with("ovs_datapath id=") && line.contains(" version=2 "),
        "unexpected probe output {line:?}\n--- ovsd log ---\n{}",
        daemon.log()
    );
}

fn assert_is_socket(path: &Path) {
    let meta = fs::symlink_metadata(path)
        .unwrap_or_else(|e| panic!("{} does not exist: {e}", path.display()));
    assert!(
        meta.file_type().is_socket(),
        "{} is not a socket",
        path.display()
    );
}

#[test]
fn listens_on_the_socket_given_with_the_flag() {
    let env = TestEnv::new();
    let path = env.dir().join("given.sock");
    let daemon = Daemon::start_at(&env, &path);
    assert_is_socket(&path);
    assert_answers(&daemon);
    daemon.stop();
}

#[test]
fn listens_on_ovsd_socket_from_the_environment_without_the_flag() {
    let env = TestEnv::new();
    let path = env.dir().join("from-env.sock");
    let mut daemon = Daemon::spawn(&env, &path, |cmd: &mut Command| {
        cmd.env("OVSD_SOCKET", &path);
    });
    daemon.wait_ready();
    assert_is_socket(&path);
    assert_answers(&daemon);
    daemon.stop();
}

#[test]
fn sigterm_exits_zero_and_removes_the_socket() {
    let env = TestEnv::new();
    let mut daemon = Daemon::start(&env);
    assert_answers(&daemon);
    // A connected client that never finished its setup must not hold up
    // the shutdown.
    let _idle = seqpacket_connect(daemon.socket()).expect("connect to ovsd");
    daemon.stop_with(libc::SIGTERM);
}

#[test]
fn sigint_exits_zero_and_removes_the_socket() {
    let env = TestEnv::new();
    let mut daemon = Daemon::start(&env);
    assert_answers(&daemon);
    daemon.stop_with(libc::SIGINT);
}

#[test]
fn second_daemon_on_a_live_socket_refuses_and_leaves_the_first_alone() {
    let env = TestEnv::new();
    let first = Daemon::start(&env);
    let inode = fs::metadata(first.socket()).unwrap().ino();

    let socket = first.socket().to_path_buf();
    let mut second = Daemon::spawn(&env, &socket, |cmd: &mut Command| {
        cmd.arg("--socket").arg(&socket);
    });
    let status = second.wait_exit();
    let message = second.log();
    assert!(
        !status.success(),
        "a second ovsd on a live socket must fail, it exited {status}\n{message}"
    );
    let lower = message.to_lowercase();
    assert!(
        message.contains(&*socket.to_string_lossy())
            || ["already", "in use", "running"]
                .iter()
                .any(|w| lower.contains(w)),
        "the second ovsd's error does not say the socket is in use:\n{message}"
    );

    assert_is_socket(&socket);
    assert_eq!(
        fs::metadata(&socket).unwrap().ino(),
        inode,
        "the second ovsd replaced the first one's socket file"
    );
    assert_answers(&first);
    first.stop();
}

#[test]
fn stale_stream_socket_file_is_replaced() {
    let env = TestEnv::new();
    let path = env.socket_path();
    drop(std::os::unix::net::UnixListener::bind(&path).expect("bind a stale socket"));
    assert_is_socket(&path);
    let daemon = Daemon::start(&env);
    assert_answers(&daemon);
    daemon.stop();
}

#[test]
fn stale_seqpacket_socket_file_of_a_dead_daemon_is_replaced() {
    let env = TestEnv::new();
    let path = env.socket_path();
    drop(seqpacket_listen(&path).expect("bind a stale socket"));
    assert!(
        seqpacket_connect(&path).is_err(),
        "a closed listener still accepts"
    );
    let daemon = Daemon::start(&env);
    assert_answers(&daemon);
    daemon.stop();
}
