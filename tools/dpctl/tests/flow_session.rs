//! Replays the 69-command flow session Debian's `ovs-dpctl` ran against a
//! real 6.12 kernel (`tests/fixtures/dpctl-flows/session-6.12.txt`) with
//! ovsd-dpctl against ovsd: every key type, masks, UFIDs, most actions,
//! refused flows with their WARN lines and errno texts, `dump-flows [-m]`,
//! `get-flow`, `mod-flow [--clear|--may-create]`, `del-flow`, `del-flows`.
//! The steps `tests/py/flow_raw.py` ran (actions ovs-dpctl 3.1 cannot
//! write: hash, push/pop_mpls, dec_ttl, pop_eth) are written as
//! ovsd-dpctl `add-flow` commands, so its parser produces those actions.

use ovsd_tests::dpctl::LogLine;
use ovsd_tests::replay::{Order, Report, Seen};
use ovsd_tests::transcript::{self, Step};
use ovsd_tests::{Daemon, TestEnv};

const SESSION: &str = "dpctl-flows/session-6.12.txt";

/// Printed lines (stderr first, as the recording's `2>&1` shows them),
/// then the WARN-or-above log lines without timestamps.
fn view(rc: i32, lines: impl Iterator<Item = String>) -> Seen {
    let mut printed = Vec::new();
    let mut log = Vec::new();
    for l in lines {
        match LogLine::parse(&l) {
            Some(x) if x.is_problem() => log.push(format!("log: {x}")),
            Some(_) => {}
            None => printed.push(l.replacen("ovsd-dpctl:", "ovs-dpctl:", 1)),
        }
    }
    printed.extend(log);
    Seen { rc, lines: printed }
}

/// The flow each `flow_raw.py` case adds, as ovsd-dpctl writes it (its
/// parser knows the actions ovs-dpctl 3.1 lacks), and whether the kernel
/// took it. `hash_bad_alg` (algorithm 9) has no text form: `None`.
fn raw_case(case: &str) -> Option<(String, &'static str)> {
    let udp = |port: u16| {
        format!("in_port(1),eth(),eth_type(0x0800),ipv4(proto=17,frag=no),udp(dst={port})")
    };
    let mpls = "in_port(1),eth(),eth_type(0x8847),mpls(label=300,tc=0,ttl=64,bos=1)".to_string();
    Some(match case {
        "hash" => (udp(8001), "hash(l4(0)),recirc(5)"),
        "hash_sym_l4" => (udp(8002), "hash(sym_l4(7)),2"),
        "push_mpls" => (
            udp(8004),
            "push_mpls(label=77,tc=0,ttl=64,bos=1,eth_type=0x8847),2",
        ),
        "push_mpls_bad_ethertype" => (
            udp(8005),
            "push_mpls(label=77,tc=0,ttl=64,bos=1,eth_type=0x800),2",
        ),
        "pop_mpls" => (mpls, "pop_mpls(eth_type=0x800),2"),
        "pop_mpls_not_mpls" => (udp(8006), "pop_mpls(eth_type=0x800),2"),
        "dec_ttl" => (udp(8007), "dec_ttl(le_1(drop)),2"),
        "dec_ttl_output" => (udp(8008), "dec_ttl(le_1(1)),2"),
        "pop_eth" => (udp(8009), "pop_eth,2"),
        _ => return None,
    })
}

fn ovsd_dpctl(env: &TestEnv, daemon: &Daemon, args: &[String]) -> Seen {
    let mut cmd = env.command(env!("CARGO_BIN_EXE_ovsd-dpctl"));
    cmd.arg("--socket").arg(daemon.socket()).args(args);
    cmd.env_remove("OVSD_SOCKET").env_remove("LD_PRELOAD");
    let out = daemon.run(&mut cmd);
    let lines = out.stderr.lines().chain(out.stdout.lines());
    view(out.code().unwrap_or(-1), lines.map(str::to_string))
}

/// The flow ovs-dpctl 3.1 could not add (its `drop` is the 6.12 kernel's
/// PSAMPLE) but ovsd-dpctl adds (an empty action list), as dumps show it.
const DROP_FLOW: &str = "in_port(2),eth(),eth_type(0x0800),ipv4(proto=17,frag=no),udp(dst=6001), packets:0, bytes:0, used:never, actions:drop";
const DROP_FLOW_M: &str = "recirc_id(0/0),dp_hash(0/0),skb_priority(0/0),in_port(p2),skb_mark(0/0),ct_state(0/0),ct_zone(0/0),ct_mark(0/0),ct_label(0/0),eth(src=00:00:00:00:00:00/00:00:00:00:00:00,dst=00:00:00:00:00:00/00:00:00:00:00:00),eth_type(0x0800),ipv4(src=0.0.0.0/0.0.0.0,dst=0.0.0.0/0.0.0.0,proto=17,tos=0/0,ttl=0/0,frag=no),udp(src=0/0,dst=6001), packets:0, bytes:0, used:never, dp:ovs, actions:drop";

/// What ovsd-dpctl should print for `step`, and the arguments to run:
/// the recording, except where ovs-dpctl 3.1 and the 6.12 uAPI disagree
/// on action numbers (ovs-dpctl 3.1 numbers its userspace-only actions
/// 23-26 where 6.12 has DEC_TTL, DROP, PSAMPLE; ovsd-dpctl follows the
/// kernel's numbering).
fn expected(step: &Step, dropped_flow: bool) -> (Vec<String>, Seen) {
    let mut want = view(step.rc, step.output.iter().cloned());
    let mut args = step.args.clone();
    let last = args.last().map(String::as_str).unwrap_or("");
    if step.subcommand() == "add-flow" && last == "drop" {
        // An explicit empty action list: accepted.
        want = Seen {
            rc: 0,
            lines: vec![],
        };
    } else if step.subcommand() == "add-flow" && last == "tnl_pop(5)" {
        // ovs-dpctl 3.1's tnl_pop is attribute 24, 6.12's DROP: the same
        // request is drop(5) in the kernel's numbering.
        *args.last_mut().unwrap() = "drop(5)".into();
    } else if step.subcommand() == "add-flow" && last == "lb_output(1)" {
        // lb_output is userspace-only (beyond the kernel's last action):
        // ovsd-dpctl does not send it.
        want = Seen {
            rc: 1,
            lines: vec![
                "ovs-dpctl: parsing actions (unknown action \"lb_output(1)\") (Invalid argument)"
                    .into(),
            ],
        };
    } else if step.subcommand() == "dump-flows" {
        for l in &mut want.lines {
            *l = l.replace("actions:tnl_pop(5)", "actions:drop(5)");
        }
        if dropped_flow && !want.lines.is_empty() {
            let m = step.args.iter().any(|a| a == "-m");
            want.lines
                .push(if m { DROP_FLOW_M } else { DROP_FLOW }.into());
        }
    } else if step.subcommand() == "show" {
        for l in &mut want.lines {
            if dropped_flow && l.starts_with("  flows: ") && l != "  flows: 0" {
                let n: u32 = l["  flows: ".len()..].parse().unwrap();
                *l = format!("  flows: {}", n + 1);
            }
        }
    }
    (args, want)
}

#[test]
fn flow_session_prints_what_ovs_dpctl_printed_on_6_12() {
    let env = TestEnv::new();
    let daemon = Daemon::start_with(&env, &["--netdev", "virtual"]);
    let session = transcript::load(SESSION);
    let mut report = Report::new();
    let mut dropped_flow = false;
    for step in &session.steps {
        if step.program == "flow_raw.py" {
            let Some((flow, actions)) = raw_case(&step.args[1]) else {
                continue;
            };
            let args = vec![
                "add-flow".into(),
                step.args[0].clone(),
                flow,
                actions.into(),
            ];
            let got = ovsd_dpctl(&env, &daemon, &args);
            let refused = step.rc != 0;
            let ok = if refused {
                got.rc == 1
                    && got
                        .lines
                        .iter()
                        .any(|l| l == "ovs-dpctl: updating flow table (Invalid argument)")
            } else {
                got.rc == 0 && got.lines.is_empty()
            };
            if !ok {
                report.fail(format!(
                    "`{}` (for {}): {got:?}",
                    args.join(" "),
                    step.command()
                ));
            }
            continue;
        }
        let (args, want) = expected(step, dropped_flow);
        let got = ovsd_dpctl(&env, &daemon, &args);
        if step.subcommand() == "add-flow" && args.last().is_some_and(|a| a == "drop") {
            dropped_flow = got.rc == 0;
        }
        if step.subcommand() == "del-flows" {
            dropped_flow = false;
        }
        let order = if step.subcommand() == "dump-flows" {
            Order::AnyOrder
        } else {
            Order::Exact
        };
        report.check(
            &format!("ovsd-dpctl {}", args.join(" ")),
            &want,
            &got,
            order,
        );
    }
    report.finish("ovsd-dpctl flow session", &daemon.log());
    daemon.stop();
}
