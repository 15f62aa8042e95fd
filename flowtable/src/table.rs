//! `struct flow_table` after the 2026 series: writers hold the table's own
//! mutex; readers (GET, dumps, the packet path) take no lock. Flows are
//! found by masked key through the mask array (each mask's flows in a
//! concurrent hash map, `papaya`), and by UFID in a second map. Masks are
//! deduplicated and reference-counted; the mask array is republished on
//! change (masks are few; flows are never copied).

use crate::flow::{Flow, Ufid};
use crate::key::FlowKey;
use crate::mask::Mask;
use crate::mask_cache::MaskCache;
use arc_swap::ArcSwap;
use lockstat::{InstrumentedGuard, InstrumentedMutex, LockSnapshot};
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// A mask of the mask array (`struct sw_flow_mask`).
#[derive(Debug)]
pub struct MaskEntry {
    /// The mask and its range.
    pub mask: Mask,
    /// A stable id, part of the flow index's key.
    pub id: u32,
    /// Flows using this mask (`ref_count`), changed under the table lock.
    refs: AtomicUsize,
}

/// Index key: the mask and the hash of the masked key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct Slot {
    mask: u32,
    hash: u64,
}

/// The index keys are hashes already: pass them through.
#[derive(Clone, Copy, Debug, Default)]
struct PassThrough;

/// Hasher of [`PassThrough`].
#[derive(Default)]
struct PassHasher(u64);

impl Hasher for PassHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }
    fn write_u32(&mut self, v: u32) {
        self.0 ^= u64::from(v).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
    fn write_u64(&mut self, v: u64) {
        self.0 ^= v;
    }
}

impl BuildHasher for PassThrough {
    type Hasher = PassHasher;
    fn build_hasher(&self) -> PassHasher {
        PassHasher::default()
    }
}

/// Hashes UFIDs for the UFID index: a seeded multiply-fold over the
/// identifier's words (a UFID is at most 16 bytes, normally random), a few
/// nanoseconds where SipHash took tens. The per-table random seed keeps
/// chosen identifiers from aiming at one bucket (the kernel's `jhash` of
/// the UFID is seeded the same way).
#[derive(Clone, Copy, Debug)]
struct UfidHash {
    seed: u64,
}

/// Hasher of [`UfidHash`].
struct UfidHasher(u64);

/// `a * b`, both 64-bit halves of the 128-bit product folded together.
#[inline]
fn fold_mul(a: u64, b: u64) -> u64 {
    let p = u128::from(a) * u128::from(b);
    (p as u64) ^ ((p >> 64) as u64)
}

const MUL: u64 = 0x9e37_79b9_7f4a_7c15;

impl Hasher for UfidHasher {
    #[inline]
    fn finish(&self) -> u64 {
        fold_mul(self.0, MUL)
    }
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let w = u64::from_le_bytes(c.try_into().expect("8 bytes"));
            self.0 = fold_mul(self.0 ^ w, MUL);
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut b = [0u8; 8];
            b[..rest.len()].copy_from_slice(rest);
            self.0 = fold_mul(self.0 ^ u64::from_le_bytes(b) ^ rest.len() as u64, MUL);
        }
    }
    #[inline]
    fn write_u8(&mut self, v: u8) {
        self.0 = fold_mul(self.0 ^ u64::from(v), MUL);
    }
    #[inline]
    fn write_usize(&mut self, v: usize) {
        self.0 = fold_mul(self.0 ^ v as u64, MUL);
    }
}

impl BuildHasher for UfidHash {
    type Hasher = UfidHasher;
    #[inline]
    fn build_hasher(&self) -> UfidHasher {
        UfidHasher(self.seed)
    }
}

/// A flow table, generic over the actions' representation.
pub struct FlowTable<A> {
    lock: InstrumentedMutex<()>,
    masks: ArcSwap<Vec<Arc<MaskEntry>>>,
    by_key: papaya::HashMap<Slot, Arc<[Arc<Flow<A>>]>, PassThrough>,
    by_ufid: papaya::HashMap<Ufid, Arc<Flow<A>>, UfidHash>,
    count: AtomicUsize,
    next_mask_id: AtomicUsize,
    seed: u64,
    cache: ArcSwap<MaskCache>,
}

/// What `ovs_flow_tbl_lookup_stats` reports besides the flow.
#[derive(Debug)]
pub struct LookupStats<A> {
    /// The flow found.
    pub flow: Option<Arc<Flow<A>>>,
    /// Masks probed (`n_mask_hit`).
    pub n_mask_hit: u32,
    /// 1 if the mask cache found it (`n_cache_hit`).
    pub n_cache_hit: u32,
}

/// A pinned (epoch-protected) view of the flow index.
type Index<'g, A> =
    papaya::HashMapRef<'g, Slot, Arc<[Arc<Flow<A>>]>, PassThrough, papaya::LocalGuard<'g>>;

/// Proof that the caller holds the table's lock.
pub type TableGuard<'a> = InstrumentedGuard<'a, ()>;

impl<A> Default for FlowTable<A> {
    fn default() -> Self {
        Self::new()
    }
}

impl<A> FlowTable<A> {
    /// An empty table (`ovs_flow_tbl_init`).
    pub fn new() -> Self {
        let seed = std::collections::hash_map::RandomState::new().hash_one(0u8);
        let ufid_seed = std::collections::hash_map::RandomState::new().hash_one(1u8);
        FlowTable {
            lock: InstrumentedMutex::new("flow_table", ()),
            masks: ArcSwap::from_pointee(Vec::new()),
            by_key: papaya::HashMap::builder().hasher(PassThrough).build(),
            by_ufid: papaya::HashMap::builder()
                .hasher(UfidHash { seed: ufid_seed })
                .build(),
            count: AtomicUsize::new(0),
            next_mask_id: AtomicUsize::new(0),
            seed,
            cache: ArcSwap::from_pointee(MaskCache::new(crate::mask_cache::DEFAULT_SIZE)),
        }
    }

    /// Takes the table's mutex (`table->lock`), for writers.
    pub fn lock(&self) -> TableGuard<'_> {
        self.lock.lock()
    }

    /// True while a writer holds the table's mutex (diagnostics, tests).
    pub fn is_locked(&self) -> bool {
        self.lock.try_lock().is_none()
    }

    /// The table mutex's wait and hold statistics.
    pub fn lock_stats(&self) -> LockSnapshot {
        self.lock.stats()
    }

    /// `ovs_flow_tbl_count`.
    pub fn count(&self) -> usize {
        self.count.load(Ordering::Relaxed)
    }

    /// `ovs_flow_tbl_num_masks`.
    pub fn num_masks(&self) -> usize {
        self.masks.load().len()
    }

    fn slot(&self, mask: &MaskEntry, key: &FlowKey) -> Slot {
        Slot {
            mask: mask.id,
            hash: mask.mask.hash(key, self.seed),
        }
    }

    fn packed_slot(&self, mask: &MaskEntry, key: &crate::flow::PackedKey) -> Slot {
        Slot {
            mask: mask.id,
            hash: mask.mask.hash_packed(key, self.seed),
        }
    }

    /// `masked_flow_lookup`: the flow of `mask` whose masked key equals
    /// `key & mask`, in a pinned view of the index.
    fn masked_lookup<'m>(
        &self,
        map: &'m Index<'_, A>,
        mask: &MaskEntry,
        key: &FlowKey,
    ) -> Option<&'m Arc<Flow<A>>> {
        let bucket = map.get(&self.slot(mask, key))?;
        bucket
            .iter()
            .find(|f| f.mask.id == mask.id && mask.mask.matches_packed(f.packed_key(), key))
    }

    /// `ovs_flow_tbl_lookup`: a packet-style lookup through every mask in
    /// mask-array order. Returns the flow and how many masks were probed.
    pub fn lookup(&self, key: &FlowKey) -> (Option<Arc<Flow<A>>>, u32) {
        let masks = self.masks.load();
        let map = self.by_key.pin();
        let mut probed = 0;
        for m in masks.iter() {
            probed += 1;
            if let Some(f) = self.masked_lookup(&map, m, key) {
                return (Some(f.clone()), probed);
            }
        }
        (None, probed)
    }

    /// `ovs_flow_tbl_masks_cache_size`.
    pub fn masks_cache_size(&self) -> u32 {
        self.cache.load().size()
    }

    /// `ovs_flow_tbl_masks_cache_resize` (the caller checked the size: 0 or
    /// a power of two, at most 4096).
    pub fn set_masks_cache_size(&self, size: u32) {
        if size != self.masks_cache_size() {
            self.cache.store(Arc::new(MaskCache::new(size)));
        }
    }

    /// `flow_lookup`: the cached mask first, then every other one in
    /// mask-array order; `index` becomes the mask that matched.
    fn flow_lookup(&self, key: &FlowKey, index: &mut u32, st: &mut LookupStats<A>) {
        let masks = self.masks.load();
        let map = self.by_key.pin();
        if let Some(m) = masks.get(*index as usize) {
            st.n_mask_hit += 1;
            if let Some(f) = self.masked_lookup(&map, m, key) {
                st.n_cache_hit += 1;
                st.flow = Some(f.clone());
                return;
            }
        }
        for (i, m) in masks.iter().enumerate() {
            if i == *index as usize {
                continue;
            }
            st.n_mask_hit += 1;
            if let Some(f) = self.masked_lookup(&map, m, key) {
                *index = i as u32;
                st.flow = Some(f.clone());
                return;
            }
        }
    }

    /// `ovs_flow_tbl_lookup_stats`: the packet path's lookup through the
    /// mask cache, keyed by the packet's `skb_hash` (0 = none: no cache).
    pub fn lookup_stats(&self, key: &FlowKey, skb_hash: u32) -> LookupStats<A> {
        let mut st = LookupStats {
            flow: None,
            n_mask_hit: 0,
            n_cache_hit: 0,
        };
        let cache = self.cache.load();
        // pre- and post-recirculation packets share skb hashes: mix in recirc_id
        let recirc = key.recirc_id();
        let skb_hash = if skb_hash != 0 && recirc != 0 {
            let h = crate::mask::mix32(skb_hash, recirc);
            if h == 0 {
                1
            } else {
                h
            }
        } else {
            skb_hash
        };
        let Some(slot) = cache.slot(skb_hash) else {
            let mut index = 0;
            self.flow_lookup(key, &mut index, &mut st);
            st.n_cache_hit = 0;
            return st;
        };
        let mut index = slot.mask_index;
        self.flow_lookup(key, &mut index, &mut st);
        if slot.hit {
            cache.store(slot, skb_hash, st.flow.as_ref().map(|_| index));
        } else {
            if st.flow.is_some() {
                cache.store(slot, skb_hash, Some(index));
            }
            st.n_cache_hit = 0;
        }
        st
    }

    /// `ovs_flow_tbl_lookup_ufid`.
    pub fn lookup_ufid(&self, ufid: &Ufid) -> Option<Arc<Flow<A>>> {
        self.by_ufid.pin().get(ufid).cloned()
    }

    /// `ovs_flow_tbl_lookup_exact`: a key-identified flow whose unmasked key
    /// equals `key` (found through each mask in turn).
    pub fn lookup_exact(&self, key: &FlowKey) -> Option<Arc<Flow<A>>> {
        let masks = self.masks.load();
        let map = self.by_key.pin();
        masks.iter().find_map(|m| {
            self.masked_lookup(&map, m, key)
                .filter(|f| f.unmasked_key() == Some(key))
                .cloned()
        })
    }

    /// `ovs_flow_tbl_insert`: adds a flow with mask bits `mask` (an existing
    /// identical mask is shared). `make` builds the flow from the shared
    /// mask. Returns the inserted flow.
    pub fn insert(
        &self,
        g: &TableGuard<'_>,
        mask: FlowKey,
        make: impl FnOnce(Arc<MaskEntry>) -> Flow<A>,
    ) -> Arc<Flow<A>> {
        self.insert_masked(g, &Mask::new(mask), make)
    }

    /// [`FlowTable::insert`] with the mask already built (no copy of it
    /// unless it is new to the table).
    pub fn insert_masked(
        &self,
        _g: &TableGuard<'_>,
        mask: &Mask,
        make: impl FnOnce(Arc<MaskEntry>) -> Flow<A>,
    ) -> Arc<Flow<A>> {
        let entry = self.mask_ref(mask);
        let flow = Arc::new(make(entry.clone()));
        let slot = self.packed_slot(&entry, flow.packed_key());
        let map = self.by_key.pin();
        // new flows go to the head of their bucket (hlist_add_head_rcu); the
        // new bucket is built in one allocation
        let bucket: Arc<[Arc<Flow<A>>]> = match map.get(&slot) {
            None => Arc::new([flow.clone()]),
            Some(old) => std::iter::once(flow.clone())
                .chain(old.iter().cloned())
                .collect(),
        };
        map.insert(slot, bucket);
        if let Some(u) = flow.ufid() {
            self.by_ufid.pin().insert(*u, flow.clone());
        }
        self.count.fetch_add(1, Ordering::Relaxed);
        flow
    }

    /// `ovs_flow_tbl_remove`.
    pub fn remove(&self, _g: &TableGuard<'_>, flow: &Arc<Flow<A>>) {
        let slot = self.packed_slot(&flow.mask, flow.packed_key());
        let map = self.by_key.pin();
        let Some(bucket) = map.get(&slot) else {
            return;
        };
        match bucket.iter().position(|f| Arc::ptr_eq(f, flow)) {
            None => return,
            Some(_) if bucket.len() == 1 => {
                map.remove(&slot);
            }
            Some(i) => {
                let rest: Arc<[Arc<Flow<A>>]> = bucket[..i]
                    .iter()
                    .chain(&bucket[i + 1..])
                    .cloned()
                    .collect();
                map.insert(slot, rest);
            }
        }
        if let Some(u) = flow.ufid() {
            self.by_ufid.pin().remove(u);
        }
        self.count.fetch_sub(1, Ordering::Relaxed);
        self.mask_unref(&flow.mask);
    }

    /// `ovs_flow_tbl_flush`: every flow and mask goes.
    pub fn flush(&self, _g: &TableGuard<'_>) {
        self.by_key.pin().clear();
        self.by_ufid.pin().clear();
        self.count.store(0, Ordering::Relaxed);
        self.masks.store(Arc::new(Vec::new()));
    }

    /// Every flow, for a dump (order: mask array, then index order).
    pub fn snapshot(&self) -> Vec<Arc<Flow<A>>> {
        let map = self.by_key.pin();
        let mut v = Vec::with_capacity(self.count());
        for (_, bucket) in map.iter() {
            v.extend(bucket.iter().cloned());
        }
        v
    }

    /// `flow_mask_insert`: an existing mask with the same bits, or a new one
    /// appended to the mask array.
    fn mask_ref(&self, mask: &Mask) -> Arc<MaskEntry> {
        let masks = self.masks.load();
        if let Some(m) = masks.iter().find(|m| m.mask.key == mask.key) {
            m.refs.fetch_add(1, Ordering::Relaxed);
            return m.clone();
        }
        let entry = Arc::new(MaskEntry {
            mask: mask.clone(),
            id: self.next_mask_id.fetch_add(1, Ordering::Relaxed) as u32,
            refs: AtomicUsize::new(1),
        });
        let mut v = masks.to_vec();
        v.push(entry.clone());
        self.masks.store(Arc::new(v));
        entry
    }

    /// `flow_mask_remove`: the last user of a mask takes it out of the array
    /// (`tbl_mask_array_del_mask` moves the last mask into its slot).
    fn mask_unref(&self, m: &Arc<MaskEntry>) {
        if m.refs.fetch_sub(1, Ordering::Relaxed) != 1 {
            return;
        }
        let mut v = self.masks.load().to_vec();
        if let Some(i) = v.iter().position(|x| Arc::ptr_eq(x, m)) {
            v.swap_remove(i);
        }
        self.masks.store(Arc::new(v));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ufid_hash_is_seeded_and_length_sensitive() {
        let h = |seed, u: &Ufid| UfidHash { seed }.hash_one(u);
        let a = Ufid::new(&[1, 0]).unwrap();
        let b = Ufid::new(&[1]).unwrap();
        let c = Ufid::new(&[7; 16]).unwrap();
        assert_eq!(h(5, &a), h(5, &a));
        assert_ne!(h(5, &a), h(5, &b));
        assert_ne!(h(5, &c), h(6, &c));
        // every byte counts
        for i in 0..16 {
            let mut x = [7u8; 16];
            x[i] = 8;
            assert_ne!(h(5, &Ufid::new(&x).unwrap()), h(5, &c));
        }
    }
}
