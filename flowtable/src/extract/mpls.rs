//! MPLS (the MPLS branch of `key_extract_l3l4`): up to three label stack
//! entries and which are present; the inner network header is set past the
//! bottom of the stack.

use super::hdr::{bytes, offset};
use crate::key::{FlowKey, MPLS_LABEL_DEPTH};
use crate::packet::Packet;

/// `MPLS_HLEN`: one label stack entry.
const MPLS_HLEN: usize = 4;
/// `MPLS_LS_S_MASK` as bit 0 of an entry's third byte: bottom of stack.
const BOTTOM_OF_STACK: u8 = 0x01;

/// The MPLS fields of `key` from the stack at `pkt.mac_len`; sets
/// `pkt.inner_network`. Never an error: a stack that runs past the frame
/// keeps the entries read so far with `mpls_num_labels_mask` 0.
pub(super) fn extract(pkt: &mut Packet, key: &mut FlowKey) {
    let mac_len = usize::from(pkt.mac_len);
    key.mpls_lse = [[0; 4]; MPLS_LABEL_DEPTH];
    key.mpls_num_labels_mask = [0; 4];
    pkt.inner_network = offset(mac_len);
    let mut label_count = 1usize;
    loop {
        let end = mac_len + label_count * MPLS_HLEN;
        // key_extract_l3l4: a failed check_header() ends MPLS parsing with
        // success, before the label count is recorded.
        if pkt.data.len() < end {
            return;
        }
        let lse: [u8; 4] = bytes(&pkt.data, end - MPLS_HLEN);
        if label_count <= MPLS_LABEL_DEPTH {
            key.mpls_lse[label_count - 1] = lse;
        }
        pkt.inner_network = offset(end);
        if lse[2] & BOTTOM_OF_STACK != 0 {
            break;
        }
        label_count += 1;
    }
    let n = label_count.min(MPLS_LABEL_DEPTH);
    // GENMASK(label_count - 1, 0)
    key.mpls_num_labels_mask = ((1u32 << n) - 1).to_ne_bytes();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::key_extract;

    fn mpls(lses: &[[u8; 4]]) -> Vec<u8> {
        let mut f = vec![2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x88, 0x47];
        for l in lses {
            f.extend_from_slice(l);
        }
        f.extend_from_slice(&[0x45, 0, 0, 20]);
        f
    }

    fn run(f: &[u8]) -> (FlowKey, Packet) {
        let mut key = FlowKey::default();
        let mut p = Packet::from_frame(f);
        key_extract(&mut p, &mut key).unwrap();
        (key, p)
    }

    const L1: [u8; 4] = [0x00, 0x01, 0x00, 64];
    const L2: [u8; 4] = [0x00, 0x02, 0x00, 64];
    const L3: [u8; 4] = [0x00, 0x03, 0x00, 64];
    const L4: [u8; 4] = [0x00, 0x04, 0x00, 64];
    const fn bos(l: [u8; 4]) -> [u8; 4] {
        [l[0], l[1], l[2] | 1, l[3]]
    }

    #[test]
    fn one_label() {
        let (k, p) = run(&mpls(&[bos(L1)]));
        assert_eq!(k.eth_type(), 0x8847);
        assert_eq!(k.mpls_lse, [bos(L1), [0; 4], [0; 4]]);
        assert_eq!(u32::from_ne_bytes(k.mpls_num_labels_mask), 1);
        assert_eq!((p.network, p.mac_len, p.inner_network), (14, 14, 18));
        assert_eq!(p.protocol, 0x8847);
    }

    #[test]
    fn three_labels() {
        let (k, p) = run(&mpls(&[L1, L2, bos(L3)]));
        assert_eq!(k.mpls_lse, [L1, L2, bos(L3)]);
        assert_eq!(u32::from_ne_bytes(k.mpls_num_labels_mask), 7);
        assert_eq!(p.inner_network, 26);
    }

    #[test]
    fn deeper_stacks_keep_three_and_walk_to_the_bottom() {
        let (k, p) = run(&mpls(&[L1, L2, L3, bos(L4)]));
        assert_eq!(k.mpls_lse, [L1, L2, L3]);
        assert_eq!(u32::from_ne_bytes(k.mpls_num_labels_mask), 7);
        assert_eq!(p.inner_network, 30);
    }

    #[test]
    fn stack_without_bottom_keeps_entries_and_no_mask() {
        let mut f = mpls(&[L1, L2]);
        f.truncate(f.len() - 4);
        let (k, p) = run(&f);
        assert_eq!(k.mpls_lse, [L1, L2, [0; 4]]);
        assert_eq!(k.mpls_num_labels_mask, [0; 4]);
        assert_eq!(p.inner_network, 22);
        let (k, p) = run(&mpls(&[])[..16]);
        assert_eq!(k.mpls_lse, [[0; 4]; 3]);
        assert_eq!(p.inner_network, 14);
    }
}
