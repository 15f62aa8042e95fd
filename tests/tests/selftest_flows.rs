//! The flows of the Linux 6.12 `openvswitch.sh` selftests, added, dumped
//! and deleted on ovsd with the selftests' own client `ovs-dpctl.py`
//! (taken from Debian's `linux-source-6.12` at test time), compared command
//! by command with what it printed against a real 6.12 kernel
//! (`tests/fixtures/selftest-flows/session-6.12.txt`, recorded from
//! `commands.txt` by `record.sh` there).
//!
//! One test per selftest, each with its own datapath, ovsd and network
//! namespace. Compared: the exit status, stdout (flow dumps as sets) and,
//! for refused flows, the last stderr line (the netlink error). The request
//! dump the script prints before re-raising an error carries a random UFID
//! and is left out, as in the recording.

use ovsd_tests::client::Outcome;
use ovsd_tests::replay::{Order, Report, Seen};
use ovsd_tests::transcript::{self, Step};
use ovsd_tests::{links, python, selftest, Daemon, TestEnv};
use std::path::PathBuf;

const SESSION: &str = "selftest-flows/session-6.12.txt";
const COMMANDS: &str = "selftest-flows/commands.txt";

/// The datapath of each selftest, in the order of `commands.txt`.
const DATAPATHS: &[&str] = &[
    "arpping",
    "ct4",
    "cv4",
    "nat4",
    "natrelated4",
    "dropreason",
    "psample",
    "nv0",
];

/// The kernel session's steps for datapath `dp`.
fn steps_of(dp: &str) -> Vec<Step> {
    let session = transcript::load(SESSION);
    transcript::by_datapath(&session.steps)
        .into_iter()
        .find(|(name, _)| name == dp)
        .map(|(_, steps)| steps)
        .unwrap_or_else(|| panic!("{SESSION} has no run for datapath {dp}"))
}

/// What the same command printed against ovsd, in the recording's form.
fn ovsd_view(out: &Outcome) -> Seen {
    let mut lines: Vec<String> = out
        .stdout
        .lines()
        .filter(|l| !l.starts_with("{'attrs': "))
        .map(str::to_string)
        .collect();
    if let Some(last) = out.stderr.lines().rev().find(|l| !l.trim().is_empty()) {
        lines.push(format!("stderr: {last}"));
    }
    Seen {
        rc: out.code().unwrap_or(-1),
        lines,
    }
}

/// The interpreter (with pyroute2) and the extracted script.
fn setup(env: &TestEnv) -> Option<(PathBuf, PathBuf)> {
    let python = python::require_module("pyroute2", "pyroute2==0.9.7")?;
    let script = selftest::ovs_dpctl_py()?;
    links::require_private_netns(env).then_some((python, script))
}

/// Replays the kernel session of datapath `dp` against a fresh ovsd.
fn replay(dp: &str) {
    let steps = steps_of(dp);
    let env = TestEnv::new();
    let Some((python, script)) = setup(&env) else {
        return;
    };
    links::disable_ipv6(&env);
    let mut daemon = Daemon::start_with(&env, &["--netdev", "tap"]);

    let mut report = Report::new();
    for step in &steps {
        assert_eq!(
            step.program, "ovs-dpctl.py",
            "{SESSION}: unexpected program"
        );
        let mut cmd = daemon.client(&python);
        cmd.arg(&script).args(&step.args);
        let out = daemon.run(&mut cmd);
        let order = if step.subcommand() == "dump-flows" {
            Order::AnyOrder
        } else {
            Order::Exact
        };
        let kernel = Seen {
            rc: step.rc,
            lines: step.output.clone(),
        };
        report.check(&step.command(), &kernel, &ovsd_view(&out), order);
        if !daemon.is_running() {
            report.fail(format!("ovsd exited during `{}`", step.command()));
            break;
        }
    }
    report.finish(
        &format!("ovs-dpctl.py, datapath {dp}"),
        "(the ovsd log follows)",
    );
    daemon.stop();
}

#[test]
fn the_recorded_session_is_the_command_list_on_6_12() {
    let session = transcript::load(SESSION);
    assert!(
        session
            .header
            .iter()
            .any(|h| h.starts_with("kernel: 6.12.")),
        "{SESSION} was not recorded on a 6.12 kernel: {:?}",
        session.header
    );
    let recorded: Vec<Vec<String>> = session.steps.iter().map(Step::words).collect();
    assert_eq!(
        recorded,
        transcript::load_commands(COMMANDS),
        "{SESSION} is stale: re-record it with tests/fixtures/selftest-flows/record.sh"
    );
    let names: Vec<String> = transcript::by_datapath(&session.steps)
        .into_iter()
        .map(|(name, _)| name)
        .collect();
    assert_eq!(
        names, DATAPATHS,
        "every selftest datapath has its test here"
    );
}

#[test]
fn netlink_checks_deep_clone_and_drop_not_last_are_refused() {
    // The kernel's verdicts this test replays: 17 nested clone() is
    // EOVERFLOW, drop(0) before another action EINVAL, 16 levels accepted.
    let steps = steps_of("nv0");
    let refused: Vec<&Step> = steps.iter().filter(|s| s.rc != 0).collect();
    assert_eq!(refused.len(), 2, "{refused:?}");
    assert!(refused[0].output.iter().any(|l| l.contains("(75, ")));
    assert!(refused[1].output.iter().any(|l| l.contains("(22, ")));
    replay("nv0");
}

#[test]
fn arp_ping_flows() {
    replay("arpping");
}

#[test]
fn ct_connect_v4_flows() {
    replay("ct4");
}

#[test]
fn connect_v4_flows() {
    replay("cv4");
}

#[test]
fn nat_connect_v4_flows() {
    replay("nat4");
}

#[test]
fn nat_related_v4_flows() {
    replay("natrelated4");
}

#[test]
fn drop_reason_flows() {
    replay("dropreason");
}

#[test]
fn psample_flows() {
    replay("psample");
}
