//! Parse + validate + reply for a 160-byte flow request, the wire-layer cost
//! every flow command pays: check the header, validate the attributes
//! against `flow_policy`, walk the key, and build an echo-style reply.

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use genl::attr::AttrIter;
use genl::nlmsg::{NlMsg, NLM_F_ACK, NLM_F_REQUEST};
use genl::ovs::flow;
use genl::policy::{parse, Validate};
use genl::{ExtAck, GenlHdr, Writer};

/// A flow NEW as ovs-vswitchd sends it: UFID, KEY (recirc_id, priority,
/// in_port, skb_mark, eth, ethertype, ipv4, tcp, tcp_flags), ACTIONS
/// (output), UFID_FLAGS, PROBE — 160 bytes.
fn request() -> Vec<u8> {
    let mut w = Writer::new();
    let m = w.begin_msg(38, NLM_F_REQUEST | NLM_F_ACK, 1, 0);
    w.genl_hdr(flow::OVS_FLOW_CMD_NEW, 1);
    w.put_u32(2);
    w.attr(flow::OVS_FLOW_ATTR_UFID, &[7u8; 16]);
    let k = w.nest(flow::OVS_FLOW_ATTR_KEY);
    w.attr_u32(20, 0);
    w.attr_u32(2, 0);
    w.attr_u32(3, 1);
    w.attr_u32(15, 0);
    w.attr(4, &[2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2]);
    w.attr(6, &0x0800u16.to_be_bytes());
    w.attr(7, &[10, 0, 0, 1, 10, 0, 0, 2, 6, 0, 64, 0]);
    w.attr(9, &[0, 80, 0x1f, 0x90]);
    w.attr(18, &[0, 2]);
    w.nest_end(k);
    let a = w.nest(flow::OVS_FLOW_ATTR_ACTIONS);
    w.attr_u32(1, 2);
    w.nest_end(a);
    w.attr_u32(flow::OVS_FLOW_ATTR_UFID_FLAGS, 0);
    w.attr_flag(flow::OVS_FLOW_ATTR_PROBE);
    w.end_msg(m);
    w.take()
}

fn parse_validate_reply(req: &[u8], w: &mut Writer) -> usize {
    let msg = NlMsg::new_checked(req).expect("message");
    let g = GenlHdr::parse(msg.payload()).expect("genl header");
    let mut extack = ExtAck::default();
    let attrs = parse(
        &msg.payload()[8..],
        24,
        &flow::POLICY,
        Validate::LIBERAL,
        &mut extack,
    )
    .expect("valid");
    let key = attrs.get(flow::OVS_FLOW_ATTR_KEY).expect("key");
    let mut n = 0;
    for a in AttrIter::new(key.payload) {
        n += a.payload.len();
    }
    w.clear();
    let m = w.begin_msg(msg.msg_type(), 0, msg.seq(), 1234);
    w.genl_hdr(g.cmd, 1);
    w.put_u32(2);
    if let Some(u) = attrs.get(flow::OVS_FLOW_ATTR_UFID) {
        w.attr(flow::OVS_FLOW_ATTR_UFID, u.payload);
    }
    let k = w.nest(flow::OVS_FLOW_ATTR_KEY);
    for a in AttrIter::new(key.payload) {
        w.attr(a.kind, a.payload);
    }
    w.nest_end(k);
    if let Some(acts) = attrs.get(flow::OVS_FLOW_ATTR_ACTIONS) {
        w.attr(flow::OVS_FLOW_ATTR_ACTIONS, acts.payload);
    }
    w.end_msg(m);
    n + w.len()
}

fn bench(c: &mut Criterion) {
    let req = request();
    assert_eq!(req.len(), 160, "the benchmark request is 160 bytes");
    let mut w = Writer::with_capacity(4096);
    let mut g = c.benchmark_group("wire");
    g.throughput(Throughput::Elements(1));
    g.bench_function("flow_request_parse_validate_reply_160B", |b| {
        b.iter(|| parse_validate_reply(black_box(&req), &mut w))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
