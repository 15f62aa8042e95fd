//! Debian's `ovs-dpctl` adding, dumping, reading, modifying and deleting
//! flows on ovsd, compared command by command with what it printed against
//! a real Linux 6.12 kernel (`tests/fixtures/dpctl-flows/session-6.12.txt`,
//! recorded from `commands.txt` by `record.sh` there). Flows with actions
//! no ovs-dpctl parser knows are added by `tests/py/flow_raw.py` (a plain
//! CPython netlink request), then dumped by ovs-dpctl like the others.
//!
//! For every command: the same exit status, the same printed lines (flow
//! dumps as sets: the kernel dumps in random order) and the same log lines
//! at WARN or above (the failure lines name the flow and the errno). INFO
//! log lines are left out (ovsd has no meters, which `ovs-dpctl` notes at
//! INFO level). Runs as root in a private network namespace with TAP
//! devices, IPv6 off as in the recording.

use ovsd_tests::dpctl::{self, DpctlRun, LogLine};
use ovsd_tests::replay::{Order, Report, Seen};
use ovsd_tests::transcript::{self, Step};
use ovsd_tests::{links, paths, python, Daemon, TestEnv};
use std::path::Path;

const SESSION: &str = "dpctl-flows/session-6.12.txt";
const COMMANDS: &str = "dpctl-flows/commands.txt";

/// How the printed lines of `subcommand` are compared.
fn order(subcommand: &str) -> Order {
    if subcommand == "dump-flows" {
        Order::AnyOrder
    } else {
        Order::Exact
    }
}

/// Printed lines, then the WARN-or-above log lines as `log: module|LEVEL|text`.
fn view(rc: i32, printed: Vec<String>, log: Vec<LogLine>) -> Seen {
    let mut lines = printed;
    lines.extend(
        log.iter()
            .filter(|l| l.is_problem())
            .map(|l| format!("log: {l}")),
    );
    Seen { rc, lines }
}

/// What the kernel session shows for one command.
fn kernel_view(step: &Step) -> Seen {
    let mut printed = Vec::new();
    let mut log = Vec::new();
    for line in &step.output {
        match LogLine::parse(line) {
            Some(l) => log.push(l),
            None => printed.push(line.clone()),
        }
    }
    view(step.rc, printed, log)
}

/// What the same command printed against ovsd, stderr first: the
/// recording merged both streams (`2>&1`), where stderr is unbuffered and
/// stdout comes out when the program exits (ovs-dpctl prints "Perhaps you
/// need to specify a UFID?" on stdout after its error on stderr).
fn ovsd_view(run: DpctlRun) -> Seen {
    let out = &run.outcome;
    let printed = out
        .stderr
        .lines()
        .chain(out.stdout.lines())
        .filter(|l| LogLine::parse(l).is_none())
        .map(str::to_string)
        .collect();
    view(out.code().unwrap_or(-1), printed, run.log)
}

/// Runs one step against ovsd: `ovs-dpctl ARGS`, or
/// `python3 tests/py/flow_raw.py ARGS`.
fn run_step(daemon: &Daemon, dpctl: &Path, python: &Path, step: &Step) -> Seen {
    let args: Vec<&str> = step.args.iter().map(String::as_str).collect();
    match step.program.as_str() {
        "ovs-dpctl" => ovsd_view(dpctl::run(daemon, dpctl, &args)),
        "flow_raw.py" => {
            let mut cmd = daemon.client(python);
            cmd.arg(paths::py_dir().join("flow_raw.py")).args(&args);
            let out = daemon.run(&mut cmd);
            let lines = out.stdout.lines().chain(out.stderr.lines());
            Seen {
                rc: out.code().unwrap_or(-1),
                lines: lines.map(str::to_string).collect(),
            }
        }
        other => panic!("{SESSION}: unknown program {other}"),
    }
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
        "{SESSION} is stale: re-record it with tests/fixtures/dpctl-flows/record.sh"
    );
    let added = session
        .steps
        .iter()
        .filter(|s| s.program == "ovs-dpctl" && s.subcommand() == "add-flow" && s.rc == 0)
        .count();
    assert!(
        added >= 20,
        "only {added} flows were accepted by the kernel"
    );
}

#[test]
fn flow_session_prints_what_the_kernel_printed() {
    let Some(dpctl) = dpctl::require() else {
        return;
    };
    let Some(python) = python::require_interpreter() else {
        return;
    };
    let env = TestEnv::new();
    if !links::require_private_netns(&env) {
        return;
    }
    links::disable_ipv6(&env);
    let mut daemon = Daemon::start_with(&env, &["--netdev", "tap"]);
    let session = transcript::load(SESSION);

    let mut report = Report::new();
    for step in &session.steps {
        let got = run_step(&daemon, &dpctl, &python, step);
        report.check(
            &step.command(),
            &kernel_view(step),
            &got,
            order(step.subcommand()),
        );
        if !daemon.is_running() {
            report.fail(format!("ovsd exited during `{}`", step.command()));
            break;
        }
    }
    report.finish("ovs-dpctl flow session", "(the ovsd log follows)");
    daemon.stop();
}
