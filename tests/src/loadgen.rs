//! Background load on a running ovsd for the fault tests: threads that each
//! create a datapath `kd<t>`, internal ports `k<t>p<j>` and flows over the
//! native client until the daemon goes away (or a 60 s hang guard).

use crate::native::{self, Families, FlowId, ECHO_ACK};
use genl::nlmsg::NLM_F_CREATE;
use genl::ovs::flow::OVS_FLOW_CMD_NEW;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

/// Ports each load thread adds (one net device each) before its flows.
pub const PORTS: usize = 8;
/// Distinct flows each load thread cycles through.
pub const FLOWS: usize = 20_000;

/// Running load threads.
pub struct Load {
    done: Arc<AtomicUsize>,
    results: Receiver<Result<(), io::Error>>,
    threads: usize,
}

fn run(path: &Path, fams: &Families, t: usize, done: &AtomicUsize) -> io::Result<()> {
    let mut sock = ovsd::client::NlSocket::connect(path)?;
    let (e, msgs) = native::call(
        &mut sock,
        &native::dp_new(fams, &format!("kd{t}"), ECHO_ACK),
    )?;
    assert_eq!(e, 0, "DP NEW kd{t}");
    let dp = msgs[0].dp_ifindex();
    done.fetch_add(1, Ordering::Relaxed);
    for j in 0..PORTS {
        native::call(
            &mut sock,
            &native::vport_new(fams, dp, &format!("k{t}p{j}")),
        )?;
        done.fetch_add(1, Ordering::Relaxed);
    }
    // flows until the daemon goes away (ids wrap around; EEXIST is fine),
    // bounded only by a hang guard, so the load is still running whenever
    // the test kills the daemon
    let started = Instant::now();
    for j in 0.. {
        if started.elapsed() > Duration::from_secs(60) {
            break;
        }
        let id = FlowId::new(t as u16, (j % FLOWS) as u16);
        let req = native::flow_put(fams, dp, OVS_FLOW_CMD_NEW, NLM_F_CREATE, &id, 1);
        native::call(&mut sock, &req)?;
        done.fetch_add(1, Ordering::Relaxed);
    }
    Ok(())
}

impl Load {
    /// Starts `threads` load threads against the ovsd at `path`.
    pub fn start(path: PathBuf, fams: Families, threads: usize) -> Load {
        let done = Arc::new(AtomicUsize::new(0));
        let (tx, results) = mpsc::channel();
        for t in 0..threads {
            let (path, done, tx) = (path.clone(), done.clone(), tx.clone());
            thread::spawn(move || {
                let _ = tx.send(run(&path, &fams, t, &done));
            });
        }
        Load {
            done,
            results,
            threads,
        }
    }

    /// Waits until `n` operations succeeded in all (hang guard: 60 s).
    pub fn wait_for(&self, n: usize) {
        let deadline = Instant::now() + Duration::from_secs(60);
        while self.done.load(Ordering::Relaxed) < n {
            assert!(
                Instant::now() < deadline,
                "the load made no progress to {n} operations (hang guard)"
            );
            thread::sleep(Duration::from_millis(5));
        }
    }

    /// Collects every thread's end: `Ok` if it ran out of work, else the
    /// error that ended it. Panics if a thread hangs (watchdog: 60 s).
    pub fn finish(self) -> Vec<Result<(), io::Error>> {
        (0..self.threads)
            .map(|_| {
                self.results
                    .recv_timeout(Duration::from_secs(60))
                    .expect("a load thread hangs after its daemon went away (watchdog)")
            })
            .collect()
    }
}
