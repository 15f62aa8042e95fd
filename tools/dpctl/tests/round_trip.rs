//! print ∘ parse is the identity on every flow ovs-dpctl printed in the
//! recorded sessions (`../shared/traces/ovs-dpctl/session-*.txt` and
//! `tests/fixtures/dpctl-flows/session-6.12.txt`): `dump-flows` and
//! `get-flow` lines (with and without `-m`, port names, UFIDs) and the
//! flows in its `failed to put` log lines. Each key (with its mask) and
//! each action list is parsed into attributes and printed back.

mod common;

use ovsd_dpctl::odp::{self, format_actions, format_flow, format_ufid, split_ufid};
use std::path::PathBuf;

/// Port names of the recorded sessions' datapaths (`-m` output).
fn port_names() -> Vec<(u32, String)> {
    vec![(0, "dp0".into()), (1, "p1".into()), (2, "p2".into())]
}

/// Actions of OVS's userspace datapath, which ovs-dpctl 3.1 numbers
/// where the 6.12 uAPI ovsd-dpctl follows has other actions (its
/// `tnl_pop` is the kernel's DROP; `lb_output` is beyond the kernel's last
/// action): ovsd-dpctl neither writes nor prints them.
const VERSION_SKEW: &[&str] = &["tnl_pop(", "lb_output("];

/// One printed flow: key text (maybe with a `ufid:` prefix), action text,
/// whether it was printed with `-m`.
#[derive(Debug)]
struct Printed {
    key: String,
    actions: String,
    verbose: bool,
    names: bool,
}

fn sessions() -> Vec<PathBuf> {
    vec![
        common::shared_trace("session-6.12.txt"),
        common::shared_trace("session-6.1.txt"),
        common::fixture("dpctl-flows/session-6.12.txt"),
    ]
}

/// Splits `KEY, packets:…, actions:ACTIONS` (a dump line) or
/// `…) KEY, actions:ACTIONS` (a failed put's log line).
fn printed_flows() -> Vec<Printed> {
    let mut out = Vec::new();
    for path in sessions() {
        for step in common::load(&path) {
            let verbose = step.args.iter().any(|a| a == "-m");
            for line in &step.output {
                if let Some(log) = common::log_line(line) {
                    // dpif|WARN|system@dp0: failed to put[create] (errno) KEY, actions:A
                    if let Some(rest) = log.split_once("failed to put[").map(|x| x.1) {
                        let rest = rest.split_once(") ").map_or("", |x| x.1);
                        if let Some((key, acts)) = rest.split_once(", actions:") {
                            out.push(Printed {
                                key: key.into(),
                                actions: acts.into(),
                                verbose: true,
                                names: false,
                            });
                        }
                    }
                    continue;
                }
                if !line.contains(", packets:") {
                    continue;
                }
                let (key, rest) = line.split_once(", packets:").unwrap();
                let acts = rest.split_once("actions:").unwrap().1;
                out.push(Printed {
                    key: key.into(),
                    actions: acts.into(),
                    verbose,
                    names: verbose,
                });
            }
        }
    }
    out
}

#[test]
fn print_of_parse_is_the_identity_on_every_recorded_flow() {
    let flows = printed_flows();
    assert!(flows.len() >= 90, "only {} flows found", flows.len());
    let names = port_names();
    let numbers: Vec<(String, u32)> = names.iter().map(|(n, s)| (s.clone(), *n)).collect();
    let mut failures = Vec::new();
    let mut checked = 0;
    for f in &flows {
        let shown = f.names.then_some(&names[..]);
        // The key, with its mask (and UFID).
        let (ufid, key_s) = split_ufid(&f.key).expect("ufid");
        let key_s = key_s.trim_start_matches(", ").trim_start();
        match odp::parse_flow(key_s, Some(&numbers)) {
            Ok((key, mask)) => {
                let mut again = String::new();
                if let Some(u) = ufid {
                    again.push_str(&format_ufid(&u));
                    again.push_str(", ");
                }
                again.push_str(&format_flow(&key, Some(&mask), shown, f.verbose));
                if again != f.key {
                    failures.push(format!("key\n  printed  {}\n  reprint  {again}", f.key));
                }
            }
            Err(e) => failures.push(format!("key {}: {e}", f.key)),
        }
        if VERSION_SKEW.iter().any(|s| f.actions.contains(s)) {
            continue;
        }
        match odp::parse_actions(&f.actions, Some(&numbers)) {
            Ok(a) => {
                let again = format_actions(&a, shown);
                if again != f.actions {
                    failures.push(format!(
                        "actions\n  printed  {}\n  reprint  {again}",
                        f.actions
                    ));
                }
            }
            Err(e) => failures.push(format!("actions {}: {e}", f.actions)),
        }
        checked += 1;
    }
    assert!(
        failures.is_empty(),
        "{} of {checked} flows do not round-trip:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
