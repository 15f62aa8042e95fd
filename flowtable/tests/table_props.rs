//! The flow table against a brute-force model: lookups through masks in
//! mask-array order, exact lookups, UFID lookups, removal and mask
//! reference counting; and readers racing writers.

use flowtable::{Flow, FlowId, FlowKey, FlowTable, Mask, Ufid};
use proptest::prelude::*;
use std::sync::Arc;

/// A small key space so that random keys collide with flows.
fn key(in_port: u8, eth_type: u8, dst: u8, tp: u8) -> FlowKey {
    FlowKey {
        in_port: u16::from(in_port).to_ne_bytes(),
        eth_type: [0x08, eth_type],
        ipv4_dst: [10, 0, 0, dst],
        tp_dst: [0, tp],
        ..FlowKey::default()
    }
}

/// Masks over subsets of those fields.
fn mask(bits: u8) -> FlowKey {
    let mut m = FlowKey::default();
    if bits & 1 != 0 {
        m.in_port = [0xff, 0xff];
    }
    if bits & 2 != 0 {
        m.eth_type = [0xff, 0xff];
    }
    if bits & 4 != 0 {
        m.ipv4_dst = [0xff; 4];
    }
    if bits & 8 != 0 {
        m.tp_dst = [0xff, 0xff];
    }
    m
}

fn small_key() -> impl Strategy<Value = FlowKey> {
    (0u8..3, 0u8..2, 0u8..3, 0u8..3).prop_map(|(a, b, c, d)| key(a, b, c, d))
}

/// A flow of the model: masked key, unmasked key, ufid.
type ModelFlow = (FlowKey, FlowKey, Option<u8>);

/// The model: masks in mask-array order, each with its flows.
#[derive(Default)]
struct Model {
    masks: Vec<(FlowKey, Vec<ModelFlow>)>,
}

impl Model {
    fn lookup(&self, k: &FlowKey) -> Option<ModelFlow> {
        for (m, flows) in &self.masks {
            let masked = Mask::new(*m).apply(k);
            if let Some(f) = flows.iter().find(|f| f.0 == masked) {
                return Some(*f);
            }
        }
        None
    }
    fn insert(&mut self, m: FlowKey, f: ModelFlow) {
        match self.masks.iter_mut().find(|(x, _)| *x == m) {
            Some((_, flows)) => flows.insert(0, f),
            None => self.masks.push((m, vec![f])),
        }
    }
    fn remove(&mut self, masked: &FlowKey, m: &FlowKey) {
        let i = self.masks.iter().position(|(x, _)| x == m).unwrap();
        self.masks[i].1.retain(|f| f.0 != *masked);
        if self.masks[i].1.is_empty() {
            self.masks.swap_remove(i);
        }
    }
}

fn new_flow(mask: Arc<flowtable::MaskEntry>, unmasked: FlowKey, ufid: Option<u8>) -> Flow<u32> {
    with_actions(mask, unmasked, ufid, 0)
}

fn with_actions(
    mask: Arc<flowtable::MaskEntry>,
    unmasked: FlowKey,
    ufid: Option<u8>,
    acts: u32,
) -> Flow<u32> {
    let masked = mask.mask.apply(&unmasked);
    let id = match ufid {
        Some(u) => FlowId::Ufid(Ufid::new(&[u]).unwrap()),
        None => FlowId::Key(Box::new(unmasked)),
    };
    Flow::new(masked, mask, id, arc_swap::ArcSwap::from_pointee(acts))
}

proptest! {
    #[test]
    fn lookups_match_the_model(
        ops in prop::collection::vec((small_key(), 1u8..16, prop::option::of(0u8..4), any::<bool>()), 1..40),
        probes in prop::collection::vec(small_key(), 1..30),
    ) {
        let table: FlowTable<u32> = FlowTable::new();
        let mut model = Model::default();
        for (k, bits, ufid, delete) in ops {
            let m = mask(bits);
            let g = table.lock();
            if delete {
                // DEL by key: an exact lookup of a key-identified flow
                if let Some(f) = table.lookup_exact(&k) {
                    model.remove(&f.key(), &f.mask.mask.key);
                    table.remove(&g, &f);
                }
                continue;
            }
            // NEW: a duplicate (by ufid, then by packet-style lookup) is not inserted
            let dup = ufid.and_then(|u| table.lookup_ufid(&Ufid::new(&[u]).unwrap())).is_some()
                || table.lookup(&Mask::new(m).apply(&k)).0.is_some();
            if dup {
                continue;
            }
            table.insert(&g, m, |e| new_flow(e, k, ufid));
            model.insert(m, (Mask::new(m).apply(&k), k, ufid));
        }
        let n: usize = model.masks.iter().map(|(_, f)| f.len()).sum();
        prop_assert_eq!(table.count(), n);
        prop_assert_eq!(table.num_masks(), model.masks.len());
        prop_assert_eq!(table.snapshot().len(), n);
        for p in probes {
            let got = table.lookup(&p).0.map(|f| f.key());
            prop_assert_eq!(got, model.lookup(&p).map(|f| f.0));
            // exact lookups find only key-identified flows with that exact key
            let exact = table.lookup_exact(&p).map(|f| *f.unmasked_key().unwrap());
            let want = model.masks.iter().flat_map(|(_, fs)| fs).find(|f| f.1 == p && f.2.is_none());
            prop_assert_eq!(exact.is_some(), want.is_some());
        }
        for u in 0u8..4 {
            let got = table.lookup_ufid(&Ufid::new(&[u]).unwrap()).map(|f| f.key());
            let want = model.masks.iter().flat_map(|(_, fs)| fs).find(|f| f.2 == Some(u)).map(|f| f.0);
            prop_assert_eq!(got, want);
        }
    }
}

#[test]
fn readers_never_see_a_torn_flow() {
    let table: Arc<FlowTable<u32>> = Arc::new(FlowTable::new());
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let readers: Vec<_> = (0..2)
        .map(|_| {
            let (t, stop) = (table.clone(), stop.clone());
            std::thread::spawn(move || {
                let mut seen = 0u64;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    for d in 0..8u8 {
                        let k = key(1, 0, d, 0);
                        if let Some(f) = t.lookup(&k).0 {
                            // a found flow is whole: its key matches, its actions are readable
                            assert!(f.mask.mask.matches(&f.key(), &k));
                            assert_eq!(**f.actions.load(), u32::from(d) * 7);
                            seen += 1;
                        }
                    }
                }
                seen
            })
        })
        .collect();
    for round in 0..300u32 {
        let g = table.lock();
        for d in 0..8u8 {
            let k = key(1, 0, d, 0);
            let bits = if round % 2 == 0 { 0b0111 } else { 0b0101 };
            table.insert(&g, mask(bits), |e| {
                with_actions(e, k, None, u32::from(d) * 7)
            });
        }
        for f in table.snapshot() {
            table.remove(&g, &f);
        }
        assert_eq!(table.count(), 0);
        assert_eq!(table.num_masks(), 0);
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for r in readers {
        r.join().unwrap();
    }
}

#[test]
fn the_mask_cache_remembers_which_mask_matched() {
    let table: FlowTable<u32> = FlowTable::new();
    let g = table.lock();
    // three masks; the flow hit by the probe lives under the last one
    for bits in [0b0011u8, 0b0101, 0b1111] {
        table.insert(&g, mask(bits), |e| {
            new_flow(e, key(bits, 0, bits, bits), None)
        });
    }
    drop(g);
    let probe = key(0b1111, 0, 0b1111, 0b1111);
    let cold = table.lookup_stats(&probe, 0xabcd_0123);
    assert!(cold.flow.is_some());
    assert_eq!((cold.n_mask_hit, cold.n_cache_hit), (3, 0));
    // same skb hash: one probe, a cache hit
    let warm = table.lookup_stats(&probe, 0xabcd_0123);
    assert_eq!(
        warm.flow.as_ref().map(|f| f.key()),
        cold.flow.as_ref().map(|f| f.key())
    );
    assert_eq!((warm.n_mask_hit, warm.n_cache_hit), (1, 1));
    // no hash, or a disabled cache: every lookup walks the masks
    assert_eq!(table.lookup_stats(&probe, 0).n_cache_hit, 0);
    table.set_masks_cache_size(0);
    let off = table.lookup_stats(&probe, 0xabcd_0123);
    assert_eq!((off.n_mask_hit, off.n_cache_hit), (3, 0));
    // a stale cache entry costs a probe, never a wrong answer
    table.set_masks_cache_size(256);
    table.lookup_stats(&probe, 7);
    let other = key(0b0011, 0, 0b0011, 0b0011);
    let r = table.lookup_stats(&other, 7);
    assert_eq!(
        r.flow.map(|f| f.key()),
        table.lookup(&other).0.map(|f| f.key())
    );
}
