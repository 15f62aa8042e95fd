//! The packet path: frames entering a datapath port (`ovs_vport_receive`)
//! through key extraction, the lock-free lookup with the mask cache and the
//! executor, in process; and the upcall round trip a vswitchd handler makes
//! through ovsd's real Unix socket (MISS upcall read, EXECUTE sent back,
//! ACK read). Throughput is in packets.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use genl::nlmsg::{NLM_F_ACK, NLM_F_REQUEST};
use genl::ovs::datapath::*;
use genl::ovs::flow::*;
use genl::ovs::packet::*;
use genl::ovs::vport::*;
use genl::Writer;
use ovsd::client::NlSocket;
use ovsd::core::{Core, CoreConfig, Creds, Outbox, Sink, Socket};
use ovsd::transport::Listener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// A socket that takes everything and counts it.
#[derive(Default)]
struct Count(AtomicUsize);
impl Sink for Count {
    fn deliver(&self, _: &[u8]) -> bool {
        self.0.fetch_add(1, Ordering::Relaxed);
        true
    }
}

/// A 64-byte UDP frame 10.0.0.1:4660 → 10.0.0.2:22136.
fn frame() -> Vec<u8> {
    let mut f = vec![2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x00];
    f.extend_from_slice(&[
        0x45, 0, 0, 46, 0, 0, 0x40, 0, 64, 17, 0x26, 0xbd, 10, 0, 0, 1, 10, 0, 0, 2,
    ]);
    f.extend_from_slice(&[0x12, 0x34, 0x56, 0x78, 0, 26, 0, 0]);
    f.resize(64, 0);
    f
}

fn family(core: &Core, name: &str) -> u16 {
    core.registry().by_name(name.as_bytes()).unwrap().id
}

/// Datapath `bench0` (dp_ifindex 2) with internal ports p1 (1) and p2 (2),
/// upcalls to `pid`: built as requests so that they work in process and
/// through a socket.
fn setup_requests(core: &Core, pid: u32) -> Vec<Vec<u8>> {
    let mut reqs = Vec::new();
    let mut w = Writer::new();
    let m = w.begin_msg(
        family(core, "ovs_datapath"),
        NLM_F_REQUEST | NLM_F_ACK,
        1,
        0,
    );
    w.genl_hdr(OVS_DP_CMD_NEW, 2);
    w.put_u32(0);
    w.attr_str(OVS_DP_ATTR_NAME, b"bench0");
    w.attr_u32(OVS_DP_ATTR_UPCALL_PID, pid);
    w.end_msg(m);
    reqs.push(w.take());
    for (i, name) in [b"p1", b"p2"].iter().enumerate() {
        let mut w = Writer::new();
        let m = w.begin_msg(
            family(core, "ovs_vport"),
            NLM_F_REQUEST | NLM_F_ACK,
            2 + i as u32,
            0,
        );
        w.genl_hdr(OVS_VPORT_CMD_NEW, 1);
        w.put_u32(2);
        w.attr_str(OVS_VPORT_ATTR_NAME, *name);
        w.attr_u32(OVS_VPORT_ATTR_TYPE, OVS_VPORT_TYPE_INTERNAL);
        w.attr_u32(OVS_VPORT_ATTR_UPCALL_PID, pid);
        w.end_msg(m);
        reqs.push(w.take());
    }
    reqs
}

/// The key of [`frame`] on port 1: `in_port(1),eth(...),eth_type(0x0800),
/// ipv4(...),udp(...)`, exact.
fn put_key(w: &mut Writer, attr: u16) {
    let k = w.nest(attr);
    w.attr_u32(3, 1);
    w.attr(4, &[2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2]);
    w.attr(6, &0x0800u16.to_be_bytes());
    w.attr(7, &[10, 0, 0, 1, 10, 0, 0, 2, 17, 0, 64, 0]);
    w.attr(10, &[0x12, 0x34, 0x56, 0x78]);
    w.nest_end(k);
}

/// A flow for [`frame`] with `actions` (OUTPUT port numbers; empty = drop).
fn flow_request(core: &Core, outputs: &[u32]) -> Vec<u8> {
    let mut w = Writer::new();
    let m = w.begin_msg(family(core, "ovs_flow"), NLM_F_REQUEST | NLM_F_ACK, 9, 0);
    w.genl_hdr(OVS_FLOW_CMD_NEW, 1);
    w.put_u32(2);
    put_key(&mut w, OVS_FLOW_ATTR_KEY);
    let a = w.nest(OVS_FLOW_ATTR_ACTIONS);
    for p in outputs {
        w.attr_u32(1, *p);
    }
    w.nest_end(a);
    w.end_msg(m);
    w.take()
}

/// A core with the datapath and, unless `outputs` is None, the flow;
/// checks that one frame then hits (no upcall) or misses (one upcall).
fn in_process(outputs: Option<&[u32]>) -> (Arc<Core>, Socket) {
    let core = Core::new(CoreConfig {
        backend: Arc::new(vport::VirtualBackend::with_first_ifindex(2)),
        ..CoreConfig::default()
    });
    let upcalls = Arc::new(Count::default());
    let mut sock = core.open_socket(Creds::default(), upcalls.clone());
    let mut out = Outbox::new();
    for r in setup_requests(&core, sock.portid()) {
        core.process(&mut sock, &r, &mut out);
    }
    if let Some(o) = outputs {
        core.process(&mut sock, &flow_request(&core, o), &mut out);
    }
    let acks = out
        .datagrams()
        .filter(|d| d.len() >= 20 && d[16..20] == [0; 4])
        .count();
    assert_eq!(acks, 3 + usize::from(outputs.is_some()), "setup failed");
    core.inject("p1", &frame());
    core.take_transmitted("p2");
    let want = usize::from(outputs.is_none());
    assert_eq!(
        upcalls.0.load(Ordering::Relaxed),
        want,
        "hit/miss as intended"
    );
    (core, sock)
}

fn bench(c: &mut Criterion) {
    let f = frame();
    let mut g = c.benchmark_group("packets");
    g.throughput(Throughput::Elements(1));

    let (core, _s) = in_process(Some(&[]));
    g.bench_function("hit_drop", |b| b.iter(|| core.inject("p1", &f)));

    let (core, _s) = in_process(Some(&[2]));
    g.bench_function("hit_output", |b| {
        b.iter(|| {
            core.inject("p1", &f);
            // the virtual device keeps what it transmitted: empty it
            core.take_transmitted("p2")
        })
    });

    let (core, _s) = in_process(None);
    g.bench_function("miss_upcall", |b| b.iter(|| core.inject("p1", &f)));

    // through the socket: the handler's loop
    let dir = std::env::temp_dir().join(format!("ovsd-bench-packets-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("ovsd.sock");
    let listener = Arc::new(Listener::bind(&path).unwrap());
    let served = Core::new(CoreConfig {
        backend: Arc::new(vport::VirtualBackend::with_first_ifindex(2)),
        ..CoreConfig::default()
    });
    let (l, s2) = (listener.clone(), served.clone());
    std::thread::spawn(move || l.serve(s2));
    let mut handler = NlSocket::connect(&path).unwrap();
    let mut buf = vec![0u8; 65536];
    for r in setup_requests(&served, handler.portid()) {
        handler.send(&r).unwrap();
        handler.recv(&mut buf, true).unwrap();
    }
    let mut exec = Writer::new();
    let m = exec.begin_msg(
        family(&served, "ovs_packet"),
        NLM_F_REQUEST | NLM_F_ACK,
        77,
        0,
    );
    exec.genl_hdr(OVS_PACKET_CMD_EXECUTE, 1);
    exec.put_u32(2);
    exec.attr(OVS_PACKET_ATTR_PACKET, &f);
    put_key(&mut exec, OVS_PACKET_ATTR_KEY);
    let a = exec.nest(OVS_PACKET_ATTR_ACTIONS);
    exec.attr_u32(1, 2);
    exec.nest_end(a);
    exec.end_msg(m);
    let exec = exec.take();
    g.bench_function("upcall_round_trip_socket", |b| {
        b.iter(|| {
            served.inject("p1", &f);
            let n = handler.recv(&mut buf, true).unwrap();
            assert!(n > 64, "a MISS upcall");
            handler.send(&exec).unwrap();
            handler.recv(&mut buf, true).unwrap();
            served.take_transmitted("p2")
        })
    });
    g.finish();
    drop(listener);
    let _ = std::fs::remove_dir_all(&dir);
}

criterion_group!(benches, bench);
criterion_main!(benches);
