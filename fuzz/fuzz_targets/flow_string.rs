//! ovsd-dpctl's flow-string parsers (`odp-util` syntax) on arbitrary text:
//! no panic, and whatever parses prints back to text that parses to the
//! same attributes (unless the text holds one of the markers odp-util
//! prints for values it has no syntax for).
#![no_main]

use ovsd_dpctl::odp::{format_actions, format_flow, parse_actions, parse_flow, split_ufid};

const UNPARSABLE: &[&str] = &["[Unknown]", "error", "bad key length", "leftover", "(bad "];

fn reparsable(printed: &str) -> bool {
    !UNPARSABLE.iter().any(|m| printed.contains(m))
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let s = String::from_utf8_lossy(data);
    let ports = [("p1".to_string(), 1u32), ("p2".to_string(), 2)];
    let rest = match split_ufid(&s) {
        Ok((_, rest)) => rest,
        Err(_) => &s,
    };
    if let Ok((key, mask)) = parse_flow(rest, Some(&ports)) {
        let printed = format_flow(&key, Some(&mask), None, true);
        let _ = format_flow(&key, Some(&mask), None, false);
        if reparsable(&printed) {
            let again = parse_flow(&printed, None).expect("a printed flow parses");
            assert_eq!(printed, format_flow(&again.0, Some(&again.1), None, true));
        }
    }
    if let Ok(actions) = parse_actions(&s, Some(&ports)) {
        let printed = format_actions(&actions, None);
        if reparsable(&printed) {
            let again = parse_actions(&printed, None).expect("printed actions parse");
            assert_eq!(printed, format_actions(&again, None));
        }
    }
});
