//! Flow setup rate: flow NEW requests with UFIDs, no ACK and no ECHO,
//! batched as ovs-vswitchd batches them (several requests per datagram),
//! then deleted by UFID in batches; in process through the core and through
//! ovsd's real Unix socket. Throughput is in flows installed (and deleted).

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use genl::nlmsg::NLM_F_REQUEST;
use genl::ovs::datapath::*;
use genl::ovs::flow::*;
use genl::Writer;
use ovsd::client::NlSocket;
use ovsd::core::{Core, CoreConfig, Creds, Outbox, Sink, Socket};
use ovsd::transport::Listener;
use std::sync::Arc;

struct Null;
impl Sink for Null {
    fn deliver(&self, _: &[u8]) -> bool {
        true
    }
}

const BATCH: usize = 16;

fn family(core: &Core, name: &str) -> u16 {
    core.registry().by_name(name.as_bytes()).unwrap().id
}

/// One datagram of `BATCH` flow NEWs (or DELs by UFID) for flows `base..`.
fn batch(fam: u16, cmd: u8, base: u32) -> Vec<u8> {
    let mut w = Writer::new();
    for i in base..base + BATCH as u32 {
        let m = w.begin_msg(fam, NLM_F_REQUEST, i, 0);
        w.genl_hdr(cmd, 1);
        w.put_u32(2);
        let mut ufid = [0u8; 16];
        ufid[..4].copy_from_slice(&i.to_ne_bytes());
        w.attr(OVS_FLOW_ATTR_UFID, &ufid);
        if cmd == OVS_FLOW_CMD_NEW {
            let k = w.nest(OVS_FLOW_ATTR_KEY);
            w.attr_u32(3, 1); // in_port
            w.attr(4, &[2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2]);
            w.attr(6, &0x0800u16.to_be_bytes());
            let dst = 0x0a00_0000u32 | i;
            let mut ip = [10, 0, 0, 1, 0, 0, 0, 0, 17, 0, 64, 0];
            ip[4..8].copy_from_slice(&dst.to_be_bytes());
            w.attr(7, &ip);
            w.attr(10, &[0x12, 0x34, 0x56, 0x78]); // udp
            w.nest_end(k);
            let a = w.nest(OVS_FLOW_ATTR_ACTIONS);
            w.attr_u32(1, 0);
            w.nest_end(a);
        }
        w.attr_u32(OVS_FLOW_ATTR_UFID_FLAGS, 7);
        w.end_msg(m);
    }
    w.take()
}

fn datapath(core: &Core, sock: &mut Socket) {
    let mut w = Writer::new();
    let m = w.begin_msg(family(core, "ovs_datapath"), NLM_F_REQUEST, 0, 0);
    w.genl_hdr(OVS_DP_CMD_NEW, 2);
    w.put_u32(0);
    w.attr_str(OVS_DP_ATTR_NAME, b"bench0");
    w.attr_u32(OVS_DP_ATTR_UPCALL_PID, 0);
    w.end_msg(m);
    let mut out = Outbox::new();
    core.process(sock, w.as_bytes(), &mut out);
}

fn core_with_dp() -> Arc<Core> {
    let cfg = CoreConfig {
        backend: Arc::new(vport::VirtualBackend::with_first_ifindex(2)),
        ..CoreConfig::default()
    };
    Core::new(cfg)
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("flow_setup");
    g.throughput(Throughput::Elements(BATCH as u64));

    let core = core_with_dp();
    let mut sock = core.open_socket(Creds::default(), Arc::new(Null));
    datapath(&core, &mut sock);
    let fam = family(&core, "ovs_flow");
    let news: Vec<Vec<u8>> = (0..64)
        .map(|b| batch(fam, OVS_FLOW_CMD_NEW, b * BATCH as u32))
        .collect();
    let dels: Vec<Vec<u8>> = (0..64)
        .map(|b| batch(fam, OVS_FLOW_CMD_DEL, b * BATCH as u32))
        .collect();
    let mut out = Outbox::new();
    let mut i = 0;
    g.bench_function("in_process_new_then_del", |b| {
        b.iter(|| {
            out.clear();
            core.process(&mut sock, &news[i % 64], &mut out);
            core.process(&mut sock, &dels[i % 64], &mut out);
            assert!(out.is_empty(), "no replies without ACK/ECHO");
            i += 1;
        })
    });

    let dir = std::env::temp_dir().join(format!("ovsd-bench-flows-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("ovsd.sock");
    let listener = Arc::new(Listener::bind(&path).unwrap());
    let l = listener.clone();
    let served = core_with_dp();
    let served2 = served.clone();
    std::thread::spawn(move || l.serve(served2));
    let mut s = NlSocket::connect(&path).unwrap();
    {
        let mut w = Writer::new();
        let m = w.begin_msg(family(&served, "ovs_datapath"), NLM_F_REQUEST, 0, 0);
        w.genl_hdr(OVS_DP_CMD_NEW, 2);
        w.put_u32(0);
        w.attr_str(OVS_DP_ATTR_NAME, b"bench0");
        w.attr_u32(OVS_DP_ATTR_UPCALL_PID, 0);
        w.end_msg(m);
        s.send(w.as_bytes()).unwrap();
    }
    let mut j = 0;
    g.bench_function("unix_socket_new_then_del", |b| {
        b.iter(|| {
            s.send(&news[j % 64]).unwrap();
            s.send(&dels[j % 64]).unwrap();
            j += 1;
        })
    });
    g.finish();
    drop(listener);
}

criterion_group!(benches, bench);
criterion_main!(benches);
