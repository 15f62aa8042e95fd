//! `struct sw_flow`: a flow's identity (UFID or unmasked key), its masked
//! key and mask, its actions (replaced under the table lock, read lock-free)
//! and its statistics (updated lock-free from the packet path).

use crate::key::FlowKey;
use crate::mask::Mask;
use crate::table::MaskEntry;
use arc_swap::ArcSwap;
use std::sync::atomic::{AtomicU16, AtomicU64, Ordering};
use std::sync::Arc;

/// `MAX_UFID_LENGTH`.
pub const MAX_UFID_LENGTH: usize = 16;

/// A unique flow identifier: 1 to 16 opaque bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Ufid {
    len: u8,
    bytes: [u8; MAX_UFID_LENGTH],
}

impl Ufid {
    /// `get_ufid_len` / `ovs_nla_get_ufid`: a UFID of 1 to 16 bytes; any
    /// other length is no UFID at all (the kernel logs and ignores it).
    pub fn new(bytes: &[u8]) -> Option<Ufid> {
        if bytes.is_empty() || bytes.len() > MAX_UFID_LENGTH {
            return None;
        }
        let mut b = [0u8; MAX_UFID_LENGTH];
        b[..bytes.len()].copy_from_slice(bytes);
        Some(Ufid {
            len: bytes.len() as u8,
            bytes: b,
        })
    }

    /// The identifier's bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len as usize]
    }
}

/// `struct sw_flow_id`: how a flow is found by GET/SET/DEL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FlowId {
    /// By UFID only.
    Ufid(Ufid),
    /// By its exact unmasked key.
    Key(Box<FlowKey>),
}

/// Per-flow counters (`struct sw_flow_stats`), updated without locks.
#[derive(Debug, Default)]
pub struct FlowStats {
    /// Packets that hit the flow.
    pub packets: AtomicU64,
    /// Bytes of those packets.
    pub bytes: AtomicU64,
    /// When it was last hit, monotonic milliseconds (0 = never).
    pub used_ms: AtomicU64,
    /// OR of the TCP flags seen (be16 value, host order).
    pub tcp_flags: AtomicU16,
}

impl FlowStats {
    /// `ovs_flow_stats_clear`.
    pub fn clear(&self) {
        self.packets.store(0, Ordering::Relaxed);
        self.bytes.store(0, Ordering::Relaxed);
        self.used_ms.store(0, Ordering::Relaxed);
        self.tcp_flags.store(0, Ordering::Relaxed);
    }

    /// `ovs_flow_stats_update`: one packet of `len` bytes at `now_ms`.
    pub fn hit(&self, len: u64, tcp_flags: u16, now_ms: u64) {
        self.packets.fetch_add(1, Ordering::Relaxed);
        self.bytes.fetch_add(len, Ordering::Relaxed);
        self.used_ms.store(now_ms, Ordering::Relaxed);
        self.tcp_flags.fetch_or(tcp_flags, Ordering::Relaxed);
    }
}

/// A masked key stored compactly: only the words of its mask's significant
/// range (the rest of a masked key is zero by definition).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackedKey {
    start: usize,
    words: Box<[u64]>,
}

impl PackedKey {
    /// Packs `masked` (already masked with `mask`).
    pub fn new(masked: &FlowKey, mask: &Mask) -> PackedKey {
        PackedKey {
            start: mask.start,
            words: (mask.start..mask.end).map(|i| masked.word(i)).collect(),
        }
    }

    /// The full masked key.
    pub fn unpack(&self) -> FlowKey {
        let mut k = FlowKey::default();
        let bytes = k.as_bytes_mut();
        for (i, w) in self.words.iter().enumerate() {
            let at = (self.start + i) * 8;
            bytes[at..at + 8].copy_from_slice(&w.to_ne_bytes());
        }
        k
    }

    /// The stored words, from the mask's first significant word.
    pub fn words(&self) -> &[u64] {
        &self.words
    }
}

/// A flow of the table, generic over its actions' representation.
#[derive(Debug)]
pub struct Flow<A> {
    /// The masked key (`flow->key`), packed.
    key: PackedKey,
    /// Its (shared, deduplicated) mask.
    pub mask: Arc<MaskEntry>,
    /// How it is identified.
    pub id: FlowId,
    /// Its actions; replaced whole on NEW-of-an-existing-flow and SET.
    pub actions: ArcSwap<A>,
    /// Its counters.
    pub stats: FlowStats,
}

impl<A> Flow<A> {
    /// A flow with masked key `key` (already masked with `mask`), fresh stats.
    pub fn new(key: FlowKey, mask: Arc<MaskEntry>, id: FlowId, actions: ArcSwap<A>) -> Flow<A> {
        Self::with_key(&key, mask, id, actions)
    }

    /// [`Flow::new`] from a borrowed masked key (a flow keeps only its
    /// mask's range of it).
    pub fn with_key(
        key: &FlowKey,
        mask: Arc<MaskEntry>,
        id: FlowId,
        actions: ArcSwap<A>,
    ) -> Flow<A> {
        Flow {
            key: PackedKey::new(key, &mask.mask),
            mask,
            id,
            actions,
            stats: FlowStats::default(),
        }
    }

    /// The masked key (`flow->key`).
    pub fn key(&self) -> FlowKey {
        self.key.unpack()
    }

    /// The masked key as stored.
    pub fn packed_key(&self) -> &PackedKey {
        &self.key
    }

    /// The UFID, if the flow has one.
    pub fn ufid(&self) -> Option<&Ufid> {
        match &self.id {
            FlowId::Ufid(u) => Some(u),
            FlowId::Key(_) => None,
        }
    }

    /// The unmasked key of a key-identified flow.
    pub fn unmasked_key(&self) -> Option<&FlowKey> {
        match &self.id {
            FlowId::Key(k) => Some(k),
            FlowId::Ufid(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ufid_lengths() {
        assert!(Ufid::new(&[]).is_none());
        assert!(Ufid::new(&[0; 17]).is_none());
        assert_eq!(Ufid::new(&[1, 2, 3]).unwrap().as_bytes(), &[1, 2, 3]);
        assert_ne!(Ufid::new(&[1, 0]), Ufid::new(&[1]));
    }
}
