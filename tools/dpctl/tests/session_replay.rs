//! Replays the ovs-dpctl sessions recorded against real 6.12 and 6.1
//! kernels (`../shared/traces/ovs-dpctl/session-*.txt`) with ovsd-dpctl
//! against a freshly started ovsd (the release binary, on a real Unix
//! socket) and compares, command by command, the exit status, every
//! printed line (flow dumps as sets: the kernel dumps in hash order) and
//! the WARN-or-above log lines. Timestamps, sequence numbers and the
//! program name (`ovsd-dpctl:` for `ovs-dpctl:`) are normalized; INFO log
//! lines (ovs-dpctl's "Datapath dispatch mode") are left out.

mod common;

use common::{load, log_line, shared_trace, Step};
use ovsd_tests::{Daemon, TestEnv};
use std::process::Command;

fn normalize(lines: impl Iterator<Item = String>) -> Vec<String> {
    lines
        .filter_map(|l| match log_line(&l) {
            Some(log) if log.contains("|INFO|") || log.contains("|DBG|") => None,
            Some(log) => Some(format!("log: {log}")),
            None => Some(l.replacen("ovsd-dpctl:", "ovs-dpctl:", 1)),
        })
        .collect()
}

fn view(step: &Step, lines: Vec<String>) -> Vec<String> {
    let mut v = lines;
    if step.args.iter().any(|a| a == "dump-flows") {
        v.sort();
    }
    v
}

fn replay(session: &str, daemon_args: &[&str]) {
    let steps = load(&shared_trace(session));
    assert!(
        steps.len() >= 20,
        "{session}: only {} commands",
        steps.len()
    );
    let env = TestEnv::new();
    let daemon = Daemon::start_with(&env, daemon_args);
    let mut failures = Vec::new();
    for step in &steps {
        let out = Command::new(env!("CARGO_BIN_EXE_ovsd-dpctl"))
            .arg("--socket")
            .arg(daemon.socket())
            .args(&step.args)
            .env_remove("OVSD_SOCKET")
            .output()
            .expect("cannot run ovsd-dpctl");
        let stderr = String::from_utf8_lossy(&out.stderr);
        let stdout = String::from_utf8_lossy(&out.stdout);
        let got = view(
            step,
            normalize(stderr.lines().chain(stdout.lines()).map(str::to_string)),
        );
        let want = view(step, normalize(step.output.iter().cloned()));
        let rc = out.status.code().unwrap_or(-1);
        if got != want || rc != step.rc {
            failures.push(format!(
                "$ ovs-dpctl {}\n  want rc={} {want:#?}\n  got  rc={rc} {got:#?}",
                step.args.join(" "),
                step.rc
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{session}: {} of {} commands differ:\n{}\n--- ovsd log ---\n{}",
        failures.len(),
        steps.len(),
        failures.join("\n"),
        daemon.log()
    );
    daemon.stop();
}

#[test]
fn session_6_12_prints_what_ovs_dpctl_printed() {
    replay("session-6.12.txt", &["--netdev", "virtual"]);
}

#[test]
fn session_6_1_prints_what_ovs_dpctl_printed() {
    replay(
        "session-6.1.txt",
        &["--netdev", "virtual", "--kernel-version", "6.1"],
    );
}
