//! `SET` and `SET_MASKED` (`validate_set`): which key fields may be written
//! given the flow's key and the packet's state at this point, and the stored
//! form (plain sets become masked sets with an all-ones mask, tunnel sets
//! become tunnel info).

use genl::{Attr, Errno};

use crate::FlowKey;

use super::consts::{eth_p, key, IPPROTO_SCTP, IPPROTO_TCP, IPPROTO_UDP, MAC_PROTO_ETHERNET};
use super::nla::sole_attr;
use super::tunnel::copy_set_tunnel;
use super::types::{Action, MaskedSet};

/// `ovs_key_lens[type].len` for the types `validate_set` accepts: `None`
/// for nested/variable ones (checked later), `Some(0)` marks a type the
/// switch rejects anyway.
fn key_len(t: u16) -> Option<usize> {
    match t {
        key::PRIORITY | key::SKB_MARK | key::CT_MARK | key::TCP | key::UDP | key::SCTP => Some(4),
        key::CT_LABELS => Some(16),
        key::ETHERNET | key::IPV4 => Some(12),
        key::IPV6 => Some(40),
        key::TUNNEL | key::MPLS => None,
        _ => Some(0),
    }
}

/// `validate_set`: `a` is the SET or SET_MASKED action, `mac_proto` and
/// `eth_type` the packet's state after the preceding actions; `key` is the
/// flow's (masked) key. Every rejection is `-EINVAL`.
pub fn copy_set(
    a: &Attr<'_>,
    key: &FlowKey,
    mac_proto: u8,
    eth_type: u16,
    masked: bool,
) -> Result<Action, Errno> {
    let inner = sole_attr(a.payload).ok_or(Errno::EINVAL)?;
    let kt = inner.kind;
    let data = inner.payload;
    let klen = if masked { data.len() / 2 } else { data.len() };
    if kt > key::MAX || key_len(kt).is_some_and(|n| n != klen) {
        return Err(Errno::EINVAL);
    }
    let (value, mask) = if masked {
        (&data[..klen], &data[klen..2 * klen])
    } else {
        (data, &[][..])
    };
    // validate_masked: no value bits outside the mask
    if masked && value.iter().zip(mask).any(|(v, m)| v & !m != 0) {
        return Err(Errno::EINVAL);
    }
    let is_ip = eth_type == eth_p::IP || eth_type == eth_p::IPV6;
    let ok = match kt {
        key::PRIORITY | key::SKB_MARK | key::CT_MARK | key::CT_LABELS => true,
        key::ETHERNET => mac_proto == MAC_PROTO_ETHERNET,
        key::TUNNEL => {
            if masked {
                return Err(Errno::EINVAL);
            }
            return Ok(Action::SetTunnel(Box::new(copy_set_tunnel(&inner)?)));
        }
        // ovs_key_ipv4: proto at 8, frag at 11
        key::IPV4 => eth_type == eth_p::IP && l3_writable(value, mask, key, 8, 11, masked),
        // ovs_key_ipv6: label at 32..36, proto at 36, frag at 39
        key::IPV6 => {
            eth_type == eth_p::IPV6
                && l3_writable(value, mask, key, 36, 39, masked)
                && (!masked || label_ok(mask))
                && label_ok(value)
        }
        key::TCP => is_ip && key.ip_proto == IPPROTO_TCP,
        key::UDP => is_ip && key.ip_proto == IPPROTO_UDP,
        key::SCTP => is_ip && key.ip_proto == IPPROTO_SCTP,
        key::MPLS => eth_p::is_mpls(eth_type) && klen == 4,
        _ => false,
    };
    if !ok {
        return Err(Errno::EINVAL);
    }
    if masked {
        return Ok(Action::SetMasked(MaskedSet {
            key_type: kt,
            value: value.to_vec(),
            mask: mask.to_vec(),
            raw: a.payload.to_vec(),
        }));
    }
    // a plain set becomes a masked set; the flow label's top bits are not
    // writable
    let mut mask = vec![0xff; klen];
    if kt == key::IPV6 {
        mask[32] = 0;
        mask[33] = 0x0f;
    }
    Ok(Action::Set(MaskedSet {
        key_type: kt,
        value: value.to_vec(),
        mask,
        raw: Vec::new(),
    }))
}

/// The be32 IPv6 flow label (at 32) has only 20 bits.
fn label_ok(v: &[u8]) -> bool {
    v[32] == 0 && v[33] & 0xf0 == 0
}

/// The IP protocol and fragment type cannot be written: a masked set must
/// leave them out of its mask, a plain set must repeat the flow's values.
fn l3_writable(
    value: &[u8],
    mask: &[u8],
    key: &FlowKey,
    proto: usize,
    frag: usize,
    masked: bool,
) -> bool {
    if masked {
        mask[proto] == 0 && mask[frag] == 0
    } else {
        value[proto] == key.ip_proto && value[frag] == key.ip_frag
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actions::consts::{act, MAC_PROTO_NONE};
    use genl::{AttrIter, Writer};

    fn set(kind: u16, kt: u16, data: &[u8]) -> Vec<u8> {
        let mut w = Writer::new();
        let m = w.nest_noflag(kind);
        w.attr(kt, data);
        w.nest_end(m);
        w.take()
    }

    fn run(b: &[u8], k: &FlowKey, mac: u8, et: u16) -> Result<Action, Errno> {
        let a = AttrIter::new(b).next().unwrap();
        copy_set(&a, k, mac, et, a.kind == act::SET_MASKED)
    }

    fn udp_key() -> FlowKey {
        FlowKey {
            eth_type: 0x0800u16.to_be_bytes(),
            ip_proto: 17,
            ..FlowKey::default()
        }
    }

    #[test]
    fn plain_set_becomes_all_ones_masked() {
        let k = udp_key();
        let b = set(act::SET, key::UDP, &[0, 53, 0, 54]);
        let Action::Set(s) = run(&b, &k, 0, 0x0800).unwrap() else {
            panic!()
        };
        assert_eq!(s.mask, vec![0xff; 4]);
        let b = set(act::SET, key::TCP, &[0, 53, 0, 54]);
        assert_eq!(run(&b, &k, 0, 0x0800).unwrap_err(), Errno::EINVAL);
    }

    #[test]
    fn ip_proto_and_frag_are_read_only() {
        let k = udp_key();
        let mut v4 = [10, 0, 0, 1, 10, 0, 0, 2, 17, 0, 64, 0];
        assert!(run(&set(act::SET, key::IPV4, &v4), &k, 0, 0x0800).is_ok());
        v4[8] = 6;
        assert!(run(&set(act::SET, key::IPV4, &v4), &k, 0, 0x0800).is_err());
        let mut m = vec![0u8; 24];
        m[12 + 8] = 0xff; // proto in the mask
        assert!(run(&set(act::SET_MASKED, key::IPV4, &m), &k, 0, 0x0800).is_err());
        // wrong EtherType
        assert!(run(&set(act::SET, key::IPV4, &v4), &k, 0, 0x86dd).is_err());
    }

    #[test]
    fn ipv6_label_mask_and_limits() {
        let k = FlowKey {
            ip_proto: 6,
            ..FlowKey::default()
        };
        let mut v6 = [0u8; 40];
        v6[36] = 6;
        let Action::Set(s) = run(&set(act::SET, key::IPV6, &v6), &k, 0, 0x86dd).unwrap() else {
            panic!()
        };
        assert_eq!(&s.mask[32..36], &[0, 0x0f, 0xff, 0xff]);
        v6[33] = 0x10;
        assert!(run(&set(act::SET, key::IPV6, &v6), &k, 0, 0x86dd).is_err());
        v6[33] = 0x0f;
        assert!(run(&set(act::SET, key::IPV6, &v6), &k, 0, 0x86dd).is_ok());
        let mut m = vec![0u8; 80];
        m[40 + 33] = 0x10;
        assert!(run(&set(act::SET_MASKED, key::IPV6, &m), &k, 0, 0x86dd).is_err());
    }

    #[test]
    fn masked_value_outside_mask_rejected() {
        let k = FlowKey::default();
        let b = set(act::SET_MASKED, key::SKB_MARK, &[1, 0, 0, 0, 0, 0, 0, 0]);
        assert!(run(&b, &k, 0, 0).is_err());
        let b = set(act::SET_MASKED, key::SKB_MARK, &[1, 0, 0, 0, 1, 0, 0, 0]);
        let Action::SetMasked(s) = run(&b, &k, 0, 0).unwrap() else {
            panic!()
        };
        assert_eq!(s.raw, b[4..].to_vec());
    }

    #[test]
    fn ethernet_needs_l2_and_mpls_one_label() {
        let k = FlowKey::default();
        let b = set(act::SET, key::ETHERNET, &[0; 12]);
        assert!(run(&b, &k, MAC_PROTO_ETHERNET, 0).is_ok());
        assert!(run(&b, &k, MAC_PROTO_NONE, 0).is_err());
        assert!(run(&set(act::SET, key::MPLS, &[0; 4]), &k, 0, 0x8847).is_ok());
        assert!(run(&set(act::SET, key::MPLS, &[0; 8]), &k, 0, 0x8847).is_err());
        assert!(run(&set(act::SET, key::MPLS, &[0; 4]), &k, 0, 0x0800).is_err());
    }

    #[test]
    fn other_keys_and_shapes_rejected() {
        let k = FlowKey::default();
        // IN_PORT, ETHERTYPE, NSH, unknown
        for kt in [3u16, 6, key::NSH, 33, 0] {
            assert!(run(&set(act::SET, kt, &[0; 4]), &k, 0, 0x894f).is_err());
        }
        // masked tunnel
        assert!(run(&set(act::SET_MASKED, key::TUNNEL, &[]), &k, 0, 0).is_err());
        // two attributes in one set
        let mut w = Writer::new();
        let m = w.nest_noflag(act::SET);
        w.attr_u32(key::PRIORITY, 1);
        w.attr_u32(key::SKB_MARK, 1);
        w.nest_end(m);
        assert!(run(w.as_bytes(), &k, 0, 0).is_err());
        // wrong length
        assert!(run(&set(act::SET, key::PRIORITY, &[0; 2]), &k, 0, 0).is_err());
    }
}
