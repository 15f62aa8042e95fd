//! Smoke test: every scenario at a tiny size produces a JSON document with
//! the expected fields. Nothing here is timed or compares speeds.

use clap::Parser;
use ovsd_bench::cli::{run_one, Args, Scenario};
use serde_json::Value;

/// Removes the test's output directory when dropped.
struct OutDir(std::path::PathBuf);

impl Drop for OutDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn args(name: &str, extra: &[&str]) -> (Args, OutDir) {
    let out = std::env::temp_dir().join(format!("ovsd-bench-test-{name}-{}", std::process::id()));
    let mut v = vec![
        "ovsd-bench",
        "all",
        "--quick",
        "--out",
        out.to_str().unwrap(),
    ];
    v.extend_from_slice(extra);
    (Args::parse_from(v), OutDir(out))
}

fn has(v: &Value, path: &[&str]) {
    let mut cur = v;
    for k in path {
        cur = cur
            .get(k)
            .unwrap_or_else(|| panic!("missing {path:?} in {v:#}"));
    }
}

#[test]
fn setup_rate_reports_ovsd_raw_and_ratio() {
    let (a, _out) = args("setup", &["--seconds", "0.1", "--batches", "1,4"]);
    let doc = run_one(Scenario::SetupRate, &a).unwrap();
    has(&doc, &["machine", "cpus"]);
    let points = doc["result"]["points"].as_array().unwrap();
    assert_eq!(points.len(), 2);
    for p in points {
        for k in ["batch", "ratio"] {
            has(p, &[k]);
        }
        for side in ["ovsd", "raw"] {
            has(p, &[side, "flow_ops_per_sec"]);
            has(p, &[side, "latency", "p99_ns"]);
            for k in [
                "server_cpu_us",
                "client_cpu_us",
                "runqueue_wait_us",
                "switches",
            ] {
                has(p, &[side, "per_datagram", k]);
            }
            assert_eq!(p[side]["errors"], 0);
            assert!(p[side]["flow_ops"].as_u64().unwrap() > 0);
        }
    }
}

#[test]
fn rtnl_contention_reports_four_runs_locks_and_plot() {
    let (a, out) = args(
        "contention",
        &[
            "--seconds",
            "0.3",
            "--rtnl-work-ms",
            "1",
            "--hold-ms",
            "5",
            "--period-ms",
            "10",
        ],
    );
    let doc = run_one(Scenario::RtnlContention, &a).unwrap();
    let runs = doc["result"]["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 4);
    for r in runs {
        for k in ["locking", "contended", "flow_ops_per_sec", "vport_cycles"] {
            has(r, &[k]);
        }
        for k in ["p50_ns", "p99_ns", "p999_ns", "max_ns"] {
            has(r, &["latency", k]);
        }
        assert_eq!(r["errors"], 0);
        let names: Vec<&str> = r["locks"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["name"].as_str().unwrap())
            .collect();
        assert!(names.contains(&"ovs_mutex") && names.contains(&"rtnl"));
        assert!(names.iter().any(|n| n.starts_with("flow_table:")));
    }
    has(
        &doc,
        &["result", "decoupled_p99_contended_over_uncontended"],
    );
    let svg = std::fs::read_to_string(out.0.join("rtnl-contention.svg")).unwrap();
    assert!(svg.starts_with("<svg") && svg.contains("decoupled+contention"));
}

#[test]
fn scale_reports_install_memory_dump_and_lookups() {
    let (a, _out) = args("scale", &["--flows", "3000", "--lookups", "20000"]);
    let doc = run_one(Scenario::Scale, &a).unwrap();
    let o = &doc["result"]["ovsd"];
    for k in ["install_s", "rss_bytes_per_flow", "dump_full_s"] {
        has(o, &[k]);
    }
    assert_eq!(o["install_errors"], 0);
    assert_eq!(o["dump_full_records"], 3000);
    assert_eq!(o["dump_terse_records"], 3000);
    let l = &doc["result"]["lookup"];
    for k in [
        "warm_ns",
        "cold_ns",
        "cold_random_ns",
        "warm_cache_hit_ratio",
    ] {
        has(l, &[k]);
    }
}
