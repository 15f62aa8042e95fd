//! `struct sw_flow_mask`: a mask key with its significant range (the words
//! that hold a non-zero byte); masked compare and hash over that range only.

use crate::key::{FlowKey, KEY_WORDS};

/// An 8-byte chunk as a native-order word.
fn word(b: &[u8]) -> u64 {
    u64::from_ne_bytes(b.try_into().expect("8-byte chunk"))
}

/// Mixes two 32-bit values (`jhash_1word` stand-in for rehashing an skb
/// hash with the recirculation id).
pub fn mix32(a: u32, b: u32) -> u32 {
    let x = (u64::from(a) << 32 | u64::from(b)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    (x >> 32) as u32 ^ x as u32
}

/// A mask and the range of words it covers (`struct sw_flow_key_range`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Mask {
    /// The mask bits.
    pub key: FlowKey,
    /// First significant word.
    pub start: usize,
    /// One past the last significant word.
    pub end: usize,
}

impl Mask {
    /// A mask from mask bits; its range spans the first to the last word
    /// with any bit set (empty for an all-zero mask).
    pub fn new(key: FlowKey) -> Mask {
        let nz = |i: &usize| key.word(*i) != 0;
        let start = (0..KEY_WORDS).find(nz).unwrap_or(0);
        let end = (0..KEY_WORDS).rev().find(nz).map_or(start, |i| i + 1);
        Mask { key, start, end }
    }

    /// The significant bytes of `key` (the mask's word range).
    fn range<'k>(&self, key: &'k FlowKey) -> &'k [u8] {
        &key.as_bytes()[self.start * 8..self.end * 8]
    }

    /// `ovs_flow_mask_key`: `src & mask` (zero outside the range).
    pub fn apply(&self, src: &FlowKey) -> FlowKey {
        let mut out = FlowKey::default();
        let words = self
            .range(src)
            .chunks_exact(8)
            .zip(self.range(&self.key).chunks_exact(8));
        let dst = &mut out.as_bytes_mut()[self.start * 8..self.end * 8];
        for (o, (s, m)) in dst.chunks_exact_mut(8).zip(words) {
            o.copy_from_slice(&(word(s) & word(m)).to_ne_bytes());
        }
        out
    }

    /// `flow_cmp_masked_key`: does `masked` (a stored, already masked key)
    /// equal `key & mask` over the range?
    pub fn matches(&self, masked: &FlowKey, key: &FlowKey) -> bool {
        self.range(masked)
            .chunks_exact(8)
            .zip(self.range(key).chunks_exact(8))
            .zip(self.range(&self.key).chunks_exact(8))
            .all(|((a, k), m)| word(a) == word(k) & word(m))
    }

    /// [`Mask::matches`] against a stored packed key of this mask.
    pub fn matches_packed(&self, masked: &crate::flow::PackedKey, key: &FlowKey) -> bool {
        masked
            .words()
            .iter()
            .zip(
                self.range(key)
                    .chunks_exact(8)
                    .zip(self.range(&self.key).chunks_exact(8)),
            )
            .all(|(a, (k, m))| *a == word(k) & word(m))
    }

    /// [`Mask::hash`] of a stored packed key of this mask (its words are
    /// already masked).
    pub fn hash_packed(&self, masked: &crate::flow::PackedKey, seed: u64) -> u64 {
        let mut h = 0xcbf2_9ce4_8422_2325u64 ^ seed;
        for w in masked.words() {
            h ^= w;
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
            h ^= h >> 29;
        }
        h
    }

    /// `flow_hash`: a hash of `key & mask` over the range (FNV-1a over the
    /// masked words; the table adds its own seed).
    pub fn hash(&self, key: &FlowKey, seed: u64) -> u64 {
        let mut h = 0xcbf2_9ce4_8422_2325u64 ^ seed;
        for (k, m) in self
            .range(key)
            .chunks_exact(8)
            .zip(self.range(&self.key).chunks_exact(8))
        {
            h ^= word(k) & word(m);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
            h ^= h >> 29;
        }
        h
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn range_covers_only_set_words() {
        let mask = Mask::new(FlowKey {
            eth_type: [0xff, 0xff],
            ..FlowKey::default()
        });
        assert!(mask.end - mask.start <= 1);
        let empty = Mask::new(FlowKey::default());
        assert_eq!(empty.start, empty.end);
    }

    #[test]
    fn masked_match_ignores_unmasked_bits() {
        let mask = Mask::new(FlowKey {
            ipv4_dst: [255, 255, 255, 0],
            ..FlowKey::default()
        });
        let a = FlowKey {
            ipv4_dst: [10, 0, 0, 1],
            ipv4_src: [1, 2, 3, 4],
            ..FlowKey::default()
        };
        let stored = mask.apply(&a);
        let mut b = a;
        b.ipv4_dst = [10, 0, 0, 99];
        b.ipv4_src = [9, 9, 9, 9];
        assert!(mask.matches(&stored, &b));
        assert_eq!(mask.hash(&a, 1), mask.hash(&b, 1));
        b.ipv4_dst = [10, 0, 1, 1];
        assert!(!mask.matches(&stored, &b));
    }
}
