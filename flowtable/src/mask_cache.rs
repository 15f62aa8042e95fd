//! The mask cache (`struct mask_cache`, `ovs_flow_tbl_lookup_stats`): a
//! small array, indexed by the packet's skb hash, that remembers which mask
//! found the last packet of that hash, so most lookups probe one mask. The
//! kernel keeps one per CPU; here one array of atomic entries is shared by
//! all threads (an entry is only a hint: races cost a probe, never a wrong
//! answer). `MASKS_CACHE_SIZE` sets its size (0 disables it).

use std::sync::atomic::{AtomicU64, Ordering};

/// `MC_HASH_SHIFT`.
const SHIFT: u32 = 8;
/// `MC_HASH_SEGS`: how many entries a hash may use.
const SEGS: u32 = 32 / SHIFT;
/// `MC_DEFAULT_HASH_ENTRIES`.
pub const DEFAULT_SIZE: u32 = 256;

/// The cache: entries of `(skb_hash << 32) | mask_index`.
#[derive(Debug)]
pub struct MaskCache {
    entries: Box<[AtomicU64]>,
}

/// A cache slot chosen for a lookup.
#[derive(Clone, Copy, Debug)]
pub struct Slot {
    index: usize,
    /// The mask index remembered there (a hint).
    pub mask_index: u32,
    /// Whether the slot already belongs to this hash.
    pub hit: bool,
}

impl MaskCache {
    /// A cache of `size` entries (0 or a power of two).
    pub fn new(size: u32) -> MaskCache {
        MaskCache {
            entries: (0..size).map(|_| AtomicU64::new(0)).collect(),
        }
    }

    /// Its size.
    pub fn size(&self) -> u32 {
        self.entries.len() as u32
    }

    /// The slot for `skb_hash`: the one holding it, else the best
    /// replacement among its segments (the smallest stored hash).
    pub fn slot(&self, skb_hash: u32) -> Option<Slot> {
        let size = self.entries.len();
        if size == 0 || skb_hash == 0 {
            return None;
        }
        let mut hash = skb_hash;
        let mut best: Option<(usize, u64)> = None;
        for _ in 0..SEGS {
            let i = hash as usize & (size - 1);
            let e = self.entries[i].load(Ordering::Relaxed);
            if (e >> 32) as u32 == skb_hash {
                return Some(Slot {
                    index: i,
                    mask_index: e as u32,
                    hit: true,
                });
            }
            if best.is_none_or(|(_, b)| (e >> 32) < (b >> 32)) {
                best = Some((i, e));
            }
            hash >>= SHIFT;
        }
        best.map(|(i, e)| Slot {
            index: i,
            mask_index: e as u32,
            hit: false,
        })
    }

    /// Records that `skb_hash` was found through mask `mask_index` (or, with
    /// `None`, forgets the slot's hash).
    pub fn store(&self, slot: Slot, skb_hash: u32, mask_index: Option<u32>) {
        let v = match mask_index {
            Some(m) => (u64::from(skb_hash) << 32) | u64::from(m),
            None => u64::from(slot.mask_index),
        };
        self.entries[slot.index].store(v, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembers_and_forgets() {
        let c = MaskCache::new(256);
        let s = c.slot(0x1234_5678).unwrap();
        assert!(!s.hit);
        c.store(s, 0x1234_5678, Some(3));
        let s = c.slot(0x1234_5678).unwrap();
        assert!(s.hit);
        assert_eq!(s.mask_index, 3);
        c.store(s, 0x1234_5678, None);
        assert!(!c.slot(0x1234_5678).unwrap().hit);
        assert!(MaskCache::new(0).slot(5).is_none());
        assert!(c.slot(0).is_none());
    }
}
