//! A `CTRL_CMD_GETFAMILY` round trip: in process through the core, and
//! through ovsd's real Unix socket with the native client (send, wait for
//! DONE, read the reply).

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use genl::ctrl::{CTRL_ATTR_FAMILY_NAME, CTRL_CMD_GETFAMILY, GENL_ID_CTRL};
use genl::nlmsg::NLM_F_REQUEST;
use genl::Writer;
use ovsd::client::NlSocket;
use ovsd::core::{Core, CoreConfig, Creds, Outbox, Sink};
use ovsd::transport::Listener;
use std::sync::Arc;

struct Null;
impl Sink for Null {
    fn deliver(&self, _: &[u8]) -> bool {
        true
    }
}

fn request() -> Vec<u8> {
    let mut w = Writer::new();
    let m = w.begin_msg(GENL_ID_CTRL, NLM_F_REQUEST, 1, 0);
    w.genl_hdr(CTRL_CMD_GETFAMILY, 1);
    w.attr_str(CTRL_ATTR_FAMILY_NAME, b"ovs_datapath");
    w.end_msg(m);
    w.take()
}

fn bench(c: &mut Criterion) {
    let req = request();
    let mut g = c.benchmark_group("getfamily");
    g.throughput(Throughput::Elements(1));

    let core = Core::new(CoreConfig::default());
    let mut sock = core.open_socket(Creds::default(), Arc::new(Null));
    let mut out = Outbox::new();
    g.bench_function("in_process", |b| {
        b.iter(|| {
            out.clear();
            core.process(&mut sock, &req, &mut out);
            assert_eq!(out.len(), 1);
        })
    });

    let dir = std::env::temp_dir().join(format!("ovsd-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("ovsd.sock");
    let listener = Arc::new(Listener::bind(&path).unwrap());
    let l = listener.clone();
    std::thread::spawn(move || l.serve(Core::new(CoreConfig::default())));
    let mut s = NlSocket::connect(&path).unwrap();
    let mut buf = vec![0u8; 65536];
    g.bench_function("unix_socket_round_trip", |b| {
        b.iter(|| {
            s.send(&req).unwrap();
            s.recv(&mut buf, false).unwrap()
        })
    });
    g.finish();
    drop(listener);
}

criterion_group!(benches, bench);
criterion_main!(benches);
