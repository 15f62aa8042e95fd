//! The state the executor threads through actions: the packet with the
//! `OVS_CB` parts [`Packet`] has no field for ([`Skb`]), the flow key with
//! its "invalid" mark ([`KeyState`]), and offset bookkeeping for edits that
//! insert or remove bytes.

use flowtable::key::FlowKey;
use flowtable::packet::NO_OFFSET;
use flowtable::Packet;
use genl::Errno;

/// `MAC_PROTO_ETHERNET`.
pub(crate) const MAC_PROTO_ETHERNET: u8 = 0;
/// `MAC_PROTO_NONE`.
pub(crate) const MAC_PROTO_NONE: u8 = 1;
/// `ETH_HLEN`.
pub(crate) const ETH_HLEN: usize = 14;
/// `VLAN_HLEN` / `MPLS_HLEN`.
pub(crate) const TAG_LEN: usize = 4;

/// A packet plus the `OVS_CB(skb)` field [`Packet`] lacks.
#[derive(Clone, Debug, Default)]
pub(crate) struct Skb {
    /// The packet.
    pub pkt: Packet,
    /// `OVS_CB(skb)->probability`: the enclosing `SAMPLE`'s probability
    /// (0 = none), reported by `PSAMPLE`.
    pub probability: u32,
}

/// The flow key with the kernel's `SW_FLOW_KEY_INVALID` mark kept beside
/// it (so `key.mac_proto` stays a clean `MAC_PROTO_*` for upcalls).
pub(crate) struct KeyState<'k> {
    /// The key.
    pub key: &'k mut FlowKey,
    /// `!is_flow_key_valid(key)`.
    pub invalid: bool,
}

impl KeyState<'_> {
    /// `invalidate_flow_key`.
    pub fn invalidate(&mut self) {
        self.invalid = true;
    }

    /// `ovs_key_mac_proto`.
    pub fn mac_proto(&self) -> u8 {
        self.key.mac_proto
    }

    /// `ovs_mac_header_len`.
    pub fn mac_header_len(&self) -> usize {
        if self.key.mac_proto == MAC_PROTO_ETHERNET {
            ETH_HLEN
        } else {
            0
        }
    }
}

/// An offset as a `usize`, `None` for [`NO_OFFSET`].
pub(crate) fn off(o: u16) -> Option<usize> {
    (o != NO_OFFSET).then_some(o as usize)
}

/// A `usize` offset back as a field value ([`NO_OFFSET`] if it does not
/// fit).
pub(crate) fn to_off(o: usize) -> u16 {
    u16::try_from(o)
        .ok()
        .filter(|&o| o != NO_OFFSET)
        .unwrap_or(NO_OFFSET)
}

/// `skb_ensure_writable(skb, end)` / `pskb_may_pull`: `-ENOMEM` when the
/// packet is shorter than `end`.
pub(crate) fn ensure(pkt: &Packet, end: usize) -> Result<(), Errno> {
    if end <= pkt.data.len() {
        Ok(())
    } else {
        Err(Errno::ENOMEM)
    }
}

/// The network header offset, `-ENOMEM` when there is none.
pub(crate) fn network(pkt: &Packet) -> Result<usize, Errno> {
    off(pkt.network).ok_or(Errno::ENOMEM)
}

/// The transport header offset, `-ENOMEM` when there is none.
pub(crate) fn transport(pkt: &Packet) -> Result<usize, Errno> {
    off(pkt.transport).ok_or(Errno::ENOMEM)
}

/// Offset `o` after `n` bytes were inserted at data offset `at`: headers at
/// or after `at` move (the kernel keeps them at the same place relative to
/// `skb->head` while `skb->data` moves back).
pub(crate) fn shift_insert(o: u16, at: usize, n: usize) -> u16 {
    match off(o) {
        Some(x) if x >= at => to_off(x + n),
        _ => o,
    }
}

/// Offset `o` after `n` bytes were removed at data offset `at`: headers
/// after the removed bytes move back; a header inside them is gone.
pub(crate) fn shift_remove(o: u16, at: usize, n: usize) -> u16 {
    match off(o) {
        Some(x) if x >= at + n => to_off(x - n),
        Some(x) if x >= at => NO_OFFSET,
        _ => o,
    }
}

/// Applies [`shift_insert`] to the transport and inner network offsets
/// (the network offset and `mac_len` are set by each caller as its kernel
/// function sets them).
pub(crate) fn shift_inner_insert(pkt: &mut Packet, at: usize, n: usize) {
    pkt.transport = shift_insert(pkt.transport, at, n);
    pkt.inner_network = shift_insert(pkt.inner_network, at, n);
}

/// Applies [`shift_remove`] to the transport and inner network offsets.
pub(crate) fn shift_inner_remove(pkt: &mut Packet, at: usize, n: usize) {
    pkt.transport = shift_remove(pkt.transport, at, n);
    pkt.inner_network = shift_remove(pkt.inner_network, at, n);
}

/// `skb_reset_mac_len`: `mac_len` = the network offset (the MAC header is
/// always at the start of `data`); unchanged when there is no network
/// header.
pub(crate) fn reset_mac_len(pkt: &mut Packet) {
    if let Some(n) = off(pkt.network) {
        pkt.mac_len = to_off(n).min(u16::MAX - 1);
    }
}

/// `skb_clear_hash`.
pub(crate) fn clear_hash(pkt: &mut Packet) {
    pkt.hash = 0;
    pkt.sw_hash = false;
    pkt.l4_hash = false;
}

/// `OVS_MASKED(old, new, mask)` for one byte.
pub(crate) fn masked(old: u8, new: u8, mask: u8) -> u8 {
    (new & mask) | (old & !mask)
}

/// Big-endian u16 at `at` (caller checked the bounds).
pub(crate) fn be16(b: &[u8], at: usize) -> u16 {
    u16::from_be_bytes([b[at], b[at + 1]])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_shift_on_insert_and_remove() {
        assert_eq!(shift_insert(14, 14, 4), 18);
        assert_eq!(shift_insert(12, 14, 4), 12);
        assert_eq!(shift_insert(NO_OFFSET, 0, 4), NO_OFFSET);
        assert_eq!(shift_insert(65530, 0, 10), NO_OFFSET);
        assert_eq!(shift_remove(18, 14, 4), 14);
        assert_eq!(shift_remove(15, 14, 4), NO_OFFSET);
        assert_eq!(shift_remove(10, 14, 4), 10);
    }

    #[test]
    fn ensure_and_masking() {
        let p = Packet::from_frame(&[0; 20]);
        assert!(ensure(&p, 20).is_ok());
        assert_eq!(ensure(&p, 21), Err(Errno::ENOMEM));
        assert_eq!(masked(0xf0, 0x0f, 0x0c), 0xfc);
        assert_eq!(network(&p), Err(Errno::ENOMEM));
    }
}
