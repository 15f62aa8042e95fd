//! Load: 1,000 concurrent native client sockets (50 threads × 20) doing
//! datapath, vport and flow operations and dumps on one ovsd, with
//! disconnects in the middle of dumps and before replies are read. At the
//! end a fresh socket must see exactly what the successful operations
//! imply, and ovsd's threads, fds and memory must return to their baseline.
//!
//! The load runs in rounds on fresh names (each adds its objects to what
//! the earlier rounds left). Threads and fds must come back to the idle
//! daemon's after every round. The memory baseline is taken after two
//! warm-up rounds: glibc keeps the memory freed by ovsd's 1,000 connection
//! threads in its malloc arenas and thread-stack cache, so RSS climbs in
//! the first rounds and then only with the state kept (measured on a
//! 2-core machine: 5 MiB idle, 97 MiB after round 0, 284 MiB after round 1,
//! then about +5 MiB per round, each round adding about 50 datapaths, 80
//! ports and 800 flows).
//!
//! Bounded in count, never timed: every wait below is a hang guard.

#[path = "load/worker.rs"]
mod worker;

use genl::ovs::datapath::OVS_DP_ATTR_NAME;
use genl::ovs::vport::OVS_VPORT_ATTR_NAME;
use ovsd::client::NlSocket;
use ovsd_tests::native::{self, Families, ECHO_ACK};
use ovsd_tests::procstat;
use ovsd_tests::{Daemon, TestEnv};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::Duration;
use worker::{worker, Ctx, Outcome, SHARED, SOCKETS, THREADS};

/// Rounds of load, warm-up rounds included.
const ROUNDS: usize = 4;
/// Warm-up rounds before the memory baseline is taken.
const WARMUP: usize = 2;

/// Creates the shared datapaths `lsh0..`; returns their ifindexes.
fn shared_datapaths(path: &Path) -> (Families, Vec<i32>) {
    let (mut sock, fams) = native::connect(path).expect("connect to ovsd");
    let dps = (0..SHARED)
        .map(|i| {
            let (e, msgs) = native::call(
                &mut sock,
                &native::dp_new(&fams, &format!("lsh{i}"), ECHO_ACK),
            )
            .unwrap();
            assert_eq!(e, 0, "DP NEW lsh{i}");
            msgs[0].dp_ifindex()
        })
        .collect();
    (fams, dps)
}

/// Datapaths by name, with the names of their ports.
type Dps = BTreeMap<String, BTreeSet<String>>;
/// Flows of the shared datapaths: (index, UFID) → (Ethernet key, actions).
type Flows = BTreeMap<(usize, [u8; 16]), (Vec<u8>, Vec<u8>)>;

/// Everything a fresh socket sees.
fn observe(path: &Path, fams: &Families, shared: &[i32]) -> (Dps, Flows) {
    let mut sock = NlSocket::connect(path).expect("connect to ovsd");
    let mut dps = BTreeMap::new();
    for dp in native::dump(&mut sock, &native::dp_dump(fams)).unwrap() {
        let name = dp.str_attr(OVS_DP_ATTR_NAME).unwrap();
        let ports = native::dump(&mut sock, &native::vport_dump(fams, dp.dp_ifindex()))
            .unwrap()
            .iter()
            .map(|p| p.str_attr(OVS_VPORT_ATTR_NAME).unwrap())
            .collect();
        dps.insert(name, ports);
    }
    let mut flows = BTreeMap::new();
    for (i, &dp) in shared.iter().enumerate() {
        for m in native::dump(&mut sock, &native::flow_dump(fams, dp)).unwrap() {
            let (ufid, eth, actions) = native::dumped_flow(&m);
            flows.insert((i, ufid), (eth, actions));
        }
    }
    (dps, flows)
}

/// What all rounds' successful operations imply, as [`observe`] sees it.
#[derive(Default)]
struct Want {
    dps: Dps,
    flows: Flows,
    unexpected: Vec<String>,
}

impl Want {
    fn add(&mut self, out: Outcome) {
        self.dps.extend(out.dps);
        for ((sh, id), port) in out.flows {
            let value = (id.eth.to_vec(), native::output_action(port));
            self.flows.insert((sh, id.ufid), value);
        }
        self.unexpected.extend(out.unexpected);
    }
}

/// Runs round `r` of the load; returns ovsd's usage while all 1,000
/// sockets were connected.
fn round(ctx: &Arc<Ctx>, r: usize, pid: libc::pid_t, want: &mut Want) -> procstat::Usage {
    let start = Arc::new(Barrier::new(THREADS + 1));
    let workers: Vec<_> = (0..THREADS)
        .map(|t| {
            let (ctx, start) = (ctx.clone(), start.clone());
            thread::spawn(move || worker(&ctx, r, t, &start))
        })
        .collect();
    start.wait();
    let peak = procstat::usage(pid);
    for w in workers {
        want.add(w.join().expect("a load worker failed"));
    }
    peak
}

/// Resident memory a round's state may add (what it leaves measures 5 to
/// 7 MiB; the peak during a round is about 290 MiB).
const STATE_KIB_PER_ROUND: u64 = 16 * 1024;

/// Waits for ovsd's threads and fds to come back to `base` and checks its
/// memory against `base`'s plus the state `rounds` rounds kept.
fn assert_back_to(
    pid: libc::pid_t,
    base: &procstat::Usage,
    peak: &procstat::Usage,
    r: usize,
    rounds: u64,
) {
    let (end, ok) = procstat::wait_until(pid, Duration::from_secs(30), |u| {
        u.threads <= base.threads && u.fds <= base.fds
    });
    assert!(
        ok,
        "round {r}: ovsd did not return to its baseline: {end:?}, baseline {base:?}, peak {peak:?}"
    );
    assert!(
        end.rss_kib < base.rss_kib + rounds * STATE_KIB_PER_ROUND,
        "round {r}: ovsd's memory did not come back: {end:?}, baseline {base:?}, peak {peak:?}"
    );
    eprintln!("round {r}: baseline {base:?}, peak {peak:?}, end {end:?}");
}

#[test]
fn thousand_sockets_leave_exactly_what_succeeded_and_no_residue() {
    let env = TestEnv::new();
    let daemon = Daemon::start_with(&env, &["--netdev", "virtual"]);
    let path = daemon.socket().to_path_buf();
    let (fams, shared) = shared_datapaths(&path);
    let pid = daemon.pid();
    let idle = procstat::settle(pid, Duration::from_secs(10));
    let ctx = Arc::new(Ctx {
        path: path.clone(),
        fams,
        shared: shared.clone(),
    });
    let mut want = Want {
        dps: (0..SHARED)
            .map(|i| (format!("lsh{i}"), BTreeSet::from([format!("lsh{i}")])))
            .collect(),
        ..Want::default()
    };

    let mut base = idle;
    for r in 0..ROUNDS {
        let peak = round(&ctx, r, pid, &mut want);
        assert!(
            peak.fds >= idle.fds + THREADS * SOCKETS,
            "round {r}: 1000 sockets connected but ovsd has {} fds (idle {})",
            peak.fds,
            idle.fds
        );
        assert!(
            want.unexpected.is_empty(),
            "unexpected replies: {:#?}",
            want.unexpected
        );
        let (dps, flows) = observe(&path, &ctx.fams, &shared);
        assert_eq!(dps, want.dps, "round {r}: datapaths and ports");
        assert_eq!(flows.len(), want.flows.len(), "round {r}: number of flows");
        assert!(
            flows == want.flows,
            "round {r}: flows differ from what succeeded"
        );
        if r < WARMUP {
            // Warm-up: threads and fds must be back to the idle daemon's;
            // memory is measured against the state after this round.
            let (end, ok) = procstat::wait_until(pid, Duration::from_secs(30), |u| {
                u.threads <= idle.threads && u.fds <= idle.fds
            });
            assert!(
                ok,
                "warm-up: ovsd kept threads or fds: {end:?}, idle {idle:?}"
            );
            base = procstat::settle(pid, Duration::from_secs(10));
            eprintln!("idle {idle:?}, after warm-up round {r}: {base:?}");
            // the memory of 1,000 finished connections went back too (a
            // generous allowance for the allocator's own caches)
            assert!(
                base.rss_kib < idle.rss_kib + (r as u64 + 1) * STATE_KIB_PER_ROUND + 32 * 1024,
                "warm-up round {r}: ovsd kept the memory of its connections: {base:?}, idle {idle:?}, peak {peak:?}"
            );
        } else {
            assert_back_to(pid, &base, &peak, r, (r - WARMUP + 1) as u64);
        }
    }
    daemon.stop();
}
