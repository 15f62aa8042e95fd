//! One load worker: its sockets, its datapath and ports, its flows on the
//! shared datapaths, and what its successful operations imply.

use genl::nlmsg::{NLM_F_ACK, NLM_F_CREATE};
use genl::ovs::flow::{OVS_FLOW_CMD_NEW, OVS_FLOW_CMD_SET};
use ovsd::client::NlSocket;
use ovsd_tests::native::{self, Families, FlowId, ECHO_ACK};
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::Barrier;

/// Client threads per round.
pub const THREADS: usize = 50;
/// Sockets per thread, all connected at once.
pub const SOCKETS: usize = 20;
/// Datapaths shared by all threads' flows.
pub const SHARED: usize = 4;
const SEED: u64 = 0x5eed_0f0a_d5ee_d000;

/// What one worker's successful operations imply, and what surprised it.
#[derive(Default)]
pub struct Outcome {
    /// Datapaths that must exist, with their ports (local port included).
    pub dps: BTreeMap<String, BTreeSet<String>>,
    /// Flows that must exist: (shared datapath index, flow) → output port.
    pub flows: BTreeMap<(usize, FlowId), u32>,
    /// Replies that were not what the kernel would answer.
    pub unexpected: Vec<String>,
}

struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

/// What every worker shares.
pub struct Ctx {
    /// ovsd's socket.
    pub path: PathBuf,
    /// The OVS family ids.
    pub fams: Families,
    /// The shared datapaths' ifindexes.
    pub shared: Vec<i32>,
}

impl Ctx {
    fn connect(&self) -> NlSocket {
        NlSocket::connect(&self.path).expect("connect to ovsd")
    }
}

fn expect_errno(out: &mut Outcome, what: &str, got: i32, want: i32) -> bool {
    if got != want {
        out.unexpected
            .push(format!("{what}: errno {got}, expected {want}"));
    }
    got == 0
}

/// Worker `t` of round `r`: its datapath, ports and flows use this tag.
fn tag(r: usize, t: usize) -> String {
    format!("{r}x{t}")
}

/// The worker's own datapath `ld<tag>` with ports `lp<tag>a`, `lp<tag>b`;
/// some ports and datapaths are deleted again, and a duplicate is refused.
fn datapath_ops(
    ctx: &Ctx,
    tag: &str,
    t: usize,
    sock: &mut NlSocket,
    out: &mut Outcome,
) -> Option<i32> {
    let f = &ctx.fams;
    let name = format!("ld{tag}");
    let (e, msgs) = native::call(sock, &native::dp_new(f, &name, ECHO_ACK)).unwrap();
    if !expect_errno(out, &format!("DP NEW {name}"), e, 0) {
        return None;
    }
    let dp = msgs.first().expect("echoed datapath").dp_ifindex();
    let mut ports = BTreeSet::from([name.clone()]);
    for p in ["a", "b"] {
        let port = format!("lp{tag}{p}");
        let (e, _) = native::call(sock, &native::vport_new(f, dp, &port)).unwrap();
        if expect_errno(out, &format!("VPORT NEW {port}"), e, 0) {
            ports.insert(port);
        }
    }
    if t.is_multiple_of(3) {
        let port = format!("lp{tag}b");
        let (e, _) = native::call(sock, &native::vport_del(f, dp, &port)).unwrap();
        if expect_errno(out, &format!("VPORT DEL {port}"), e, 0) {
            ports.remove(&port);
        }
    }
    let (e, _) = native::call(sock, &native::dp_new(f, "lsh0", NLM_F_ACK)).unwrap();
    expect_errno(out, "DP NEW lsh0 again", e, libc::EEXIST);
    out.dps.insert(name, ports);
    Some(dp)
}

/// Socket `i`'s flow on a shared datapath: added, then one of: deleted,
/// modified, re-added (EEXIST), dumped, dumped and dropped mid-dump, or
/// modified and dropped before the ACK is read.
fn flow_ops(ctx: &Ctx, n: usize, i: usize, sock: &mut NlSocket, rng: &mut Rng, out: &mut Outcome) {
    let f = &ctx.fams;
    let (t, sh) = (n, (n + i) % SHARED);
    let dp = ctx.shared[sh];
    let id = FlowId::new(n as u16, i as u16);
    let what = format!("flow {t}/{i}");
    let new = native::flow_put(f, dp, OVS_FLOW_CMD_NEW, NLM_F_CREATE, &id, 1);
    let (e, _) = native::call(sock, &new).unwrap();
    if !expect_errno(out, &format!("NEW {what}"), e, 0) {
        return;
    }
    out.flows.insert((sh, id), 1);
    match rng.below(6) {
        0 => {
            let (e, _) = native::call(sock, &native::flow_del(f, dp, &id)).unwrap();
            if expect_errno(out, &format!("DEL {what}"), e, 0) {
                out.flows.remove(&(sh, id));
            }
        }
        1 => {
            let set = native::flow_put(f, dp, OVS_FLOW_CMD_SET, 0, &id, 2);
            let (e, _) = native::call(sock, &set).unwrap();
            if expect_errno(out, &format!("SET {what}"), e, 0) {
                out.flows.insert((sh, id), 2);
            }
        }
        2 => {
            let again = native::flow_put(f, dp, OVS_FLOW_CMD_NEW, NLM_F_CREATE, &id, 3);
            let (e, _) = native::call(sock, &again).unwrap();
            if expect_errno(out, &format!("NEW {what} again"), e, libc::EEXIST) {
                out.flows.insert((sh, id), 3);
            }
        }
        3 => {
            let flows = native::dump(sock, &native::flow_dump(f, dp)).unwrap();
            if !flows.iter().any(|m| native::dumped_flow(m).0 == id.ufid) {
                out.unexpected.push(format!("{what} missing from a dump"));
            }
        }
        4 => {
            sock.send(&native::flow_dump(f, dp)).unwrap();
            if rng.below(2) == 0 {
                let mut buf = vec![0u8; native::BUF];
                sock.recv(&mut buf, true).unwrap();
            }
            *sock = ctx.connect(); // the old one goes with its dump pending
        }
        _ => {
            // send() returns once the request ran: dropping the socket
            // before reading the ACK cannot undo it.
            let set = native::flow_put(f, dp, OVS_FLOW_CMD_SET, 0, &id, 4);
            sock.send(&set).unwrap();
            *sock = ctx.connect();
            out.flows.insert((sh, id), 4);
        }
    }
}

/// Runs worker `t` of round `r`: connects its sockets, waits at `start`
/// until all are connected, then runs its operations.
pub fn worker(ctx: &Ctx, r: usize, t: usize, start: &Barrier) -> Outcome {
    let mut socks: Vec<NlSocket> = (0..SOCKETS).map(|_| ctx.connect()).collect();
    start.wait();
    let n = r * THREADS + t;
    let mut rng = Rng(SEED ^ ((n as u64 + 1) * 0x9e37_79b9_7f4a_7c15));
    let mut out = Outcome::default();
    let tag = tag(r, t);
    let own = datapath_ops(ctx, &tag, t, &mut socks[0], &mut out);
    for (i, sock) in socks.iter_mut().enumerate() {
        flow_ops(ctx, n, i, sock, &mut rng, &mut out);
    }
    let s = rng.below(SOCKETS as u64) as usize;
    native::dump(&mut socks[s], &native::dp_dump(&ctx.fams)).unwrap();
    if own.is_some() && t.is_multiple_of(5) {
        let name = format!("ld{tag}");
        let (e, _) = native::call(&mut socks[1], &native::dp_del(&ctx.fams, &name)).unwrap();
        if expect_errno(&mut out, &format!("DP DEL {name}"), e, 0) {
            out.dps.remove(&name);
        }
    }
    // Leave: some sockets with a dump pending, in a shuffled order.
    while !socks.is_empty() {
        let mut sock = socks.swap_remove(rng.below(socks.len() as u64) as usize);
        if rng.below(4) == 0 {
            let dp = ctx.shared[rng.below(SHARED as u64) as usize];
            sock.send(&native::vport_dump(&ctx.fams, dp)).unwrap();
        }
    }
    out
}
