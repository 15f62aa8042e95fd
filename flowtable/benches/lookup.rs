//! Packet-style lookup cost (`ovs_flow_tbl_lookup`) with 1, 10 and 100
//! masks: 10 flows per mask; the probe matches a flow of the last mask only
//! (the worst case: every mask is probed; no mask cache yet).

use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion};
use flowtable::{Flow, FlowId, FlowKey, FlowTable, Ufid};

fn mask_n(i: u32) -> FlowKey {
    // a distinct mask per i: in_port, eth_type, and i+1 leading bits of ipv4_dst
    let bits = i.min(31) + 1;
    let dst = (!0u32 << (32 - bits)).to_be_bytes();
    let mut m = FlowKey {
        in_port: [0xff, 0xff],
        eth_type: [0xff, 0xff],
        ipv4_dst: dst,
        ..FlowKey::default()
    };
    if i >= 32 {
        m.tp_dst = ((i - 31) as u16).to_be_bytes();
    }
    m
}

fn key(port: u16, dst: u32, tp: u16) -> FlowKey {
    FlowKey {
        in_port: port.to_ne_bytes(),
        eth_type: [0x08, 0x00],
        ipv4_dst: dst.to_be_bytes(),
        tp_dst: tp.to_be_bytes(),
        ..FlowKey::default()
    }
}

fn table(masks: u32) -> FlowTable<u32> {
    let t = FlowTable::new();
    let g = t.lock();
    let mut id = 0u32;
    for m in 0..masks {
        for f in 0..10u16 {
            id += 1;
            // in_port differs per mask, so a probe matches one mask only
            let k = key(m as u16 * 10 + f, 0x0a00_0000 | m, 0xffff);
            t.insert(&g, mask_n(m), |e| {
                let masked = e.mask.apply(&k);
                let uid = FlowId::Ufid(Ufid::new(&id.to_ne_bytes()).unwrap());
                Flow::new(masked, e, uid, arc_swap::ArcSwap::from_pointee(id))
            });
        }
    }
    drop(g);
    t
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("lookup");
    for masks in [1u32, 10, 100] {
        let t = table(masks);
        assert_eq!(t.num_masks(), masks as usize);
        // matches flow 3 of the last mask only if every earlier mask misses
        let probe = key(
            (masks - 1) as u16 * 10 + 3,
            0x0a00_0000 | (masks - 1),
            0xffff,
        );
        let (found, probed) = t.lookup(&probe);
        assert!(found.is_some());
        assert_eq!(probed, masks, "the probe reaches the last mask");
        g.bench_with_input(BenchmarkId::new("masks", masks), &probe, |b, p| {
            b.iter(|| t.lookup(black_box(p)).0.is_some())
        });
        // the packet path: the mask cache remembers the mask for this skb hash
        t.lookup_stats(&probe, 0x5eed_1234);
        g.bench_with_input(
            BenchmarkId::new("masks_warm_cache", masks),
            &probe,
            |b, p| b.iter(|| t.lookup_stats(black_box(p), 0x5eed_1234).flow.is_some()),
        );
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
