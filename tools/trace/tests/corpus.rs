//! Replays the whole committed corpus (`tests/traces/<kernel>/*.trace`)
//! against ovsd in process. Prints `N matched / M exchanges` per kernel;
//! fails on any mismatch not listed in `tests/traces/divergences.txt`
//! (printing its structural diff) and on stale entries there.

use ovsd_trace::corpus::replay_dir;
use ovsd_trace::divergences::Divergences;
use std::io::Write as _;
use std::path::PathBuf;

fn traces() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/traces")
}

#[test]
fn corpus_replays_against_ovsd() {
    let text = std::fs::read_to_string(traces().join("divergences.txt")).unwrap();
    let div = Divergences::parse(&text).unwrap();
    let mut failures = Vec::new();
    for kernel in ["6.1", "6.12"] {
        let r = replay_dir(&traces().join(kernel), &div).unwrap();
        // written to stderr directly, so that it shows without --nocapture
        let _ = writeln!(
            std::io::stderr(),
            "kernel {kernel}: {} matched / {} exchanges ({} error paths recorded, {} accepted divergences)",
            r.matched,
            r.exchanges,
            r.error_paths,
            r.accepted.len()
        );
        for (t, l, why) in &r.accepted {
            eprintln!("  accepted divergence {kernel} {t} {l}: {why}");
        }
        assert!(r.exchanges >= 150, "{kernel}: corpus too small");
        assert!(r.error_paths >= 40, "{kernel}: too few error paths");
        failures.extend(r.unexpected);
    }
    for e in div.stale() {
        failures.push(format!(
            "stale divergence (matches now, remove it): {} {} {}\n",
            e.kernel, e.trace, e.label
        ));
    }
    assert!(failures.is_empty(), "\n{}", failures.concat());
}
