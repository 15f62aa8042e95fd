//! `SET` / `SET_MASKED` (`execute_set_action`, `execute_masked_set_action`):
//! one file per header. A plain `SET` is stored as a masked set with an
//! all-ones mask (`OVS_ACTION_ATTR_SET_TO_MASKED`), so both run here; every
//! write is `new = (old & !mask) | (value & mask)` (`OVS_MASKED`).

mod eth;
mod ipv4;
mod ipv6;
mod l4;
mod mpls;

use flowtable::actions::{MaskedSet, TunnelInfo};
use flowtable::Packet;
use genl::Errno;

use crate::skb::KeyState;

/// `OVS_KEY_ATTR_*` numbers a masked set may carry.
pub(crate) mod kt {
    /// `OVS_KEY_ATTR_PRIORITY`.
    pub const PRIORITY: u16 = 2;
    /// `OVS_KEY_ATTR_ETHERNET`.
    pub const ETHERNET: u16 = 4;
    /// `OVS_KEY_ATTR_IPV4`.
    pub const IPV4: u16 = 7;
    /// `OVS_KEY_ATTR_IPV6`.
    pub const IPV6: u16 = 8;
    /// `OVS_KEY_ATTR_TCP`.
    pub const TCP: u16 = 9;
    /// `OVS_KEY_ATTR_UDP`.
    pub const UDP: u16 = 10;
    /// `OVS_KEY_ATTR_SKB_MARK`.
    pub const SKB_MARK: u16 = 15;
    /// `OVS_KEY_ATTR_SCTP`.
    pub const SCTP: u16 = 17;
    /// `OVS_KEY_ATTR_MPLS`.
    pub const MPLS: u16 = 21;
    /// `OVS_KEY_ATTR_CT_STATE`.
    pub const CT_STATE: u16 = 22;
    /// `OVS_KEY_ATTR_CT_ORIG_TUPLE_IPV6` (the last conntrack one).
    pub const CT_ORIG_TUPLE_IPV6: u16 = 27;
    /// `OVS_KEY_ATTR_NSH`.
    pub const NSH: u16 = 28;
    /// `OVS_KEY_ATTR_TUNNEL_INFO` (kernel-internal).
    pub const TUNNEL_INFO: u16 = 31;
}

/// `execute_set_action` for `OVS_KEY_ATTR_TUNNEL_INFO`: the packet's tunnel
/// metadata becomes `info` (`skb_dst_set` of the action's `tun_dst`).
pub(crate) fn set_tunnel(pkt: &mut Packet, info: &TunnelInfo) {
    pkt.tun_info = Some(Box::new(info.clone()));
}

/// `execute_masked_set_action`. Value and mask lengths were checked by
/// validation; shorter ones (only possible for hand-built actions) fail
/// with `-EINVAL`. Unknown key types do nothing, as the kernel's switch.
pub(crate) fn execute_masked_set(
    pkt: &mut Packet,
    kx: &mut KeyState<'_>,
    s: &MaskedSet,
) -> Result<(), Errno> {
    let (v, m) = (&s.value[..], &s.mask[..]);
    let need = |n: usize| {
        if v.len() >= n && m.len() >= n {
            Ok(())
        } else {
            Err(Errno::EINVAL)
        }
    };
    match s.key_type {
        kt::PRIORITY => {
            need(4)?;
            pkt.priority = masked_u32(pkt.priority, v, m);
            kx.key.priority = pkt.priority.to_ne_bytes();
            Ok(())
        }
        kt::SKB_MARK => {
            need(4)?;
            pkt.mark = masked_u32(pkt.mark, v, m);
            kx.key.skb_mark = pkt.mark.to_ne_bytes();
            Ok(())
        }
        kt::ETHERNET => {
            need(12)?;
            eth::set_eth_addr(pkt, kx, v, m)
        }
        kt::IPV4 => {
            need(12)?;
            ipv4::set_ipv4(pkt, kx, v, m)
        }
        kt::IPV6 => {
            need(40)?;
            ipv6::set_ipv6(pkt, kx, v, m)
        }
        kt::TCP => {
            need(4)?;
            l4::set_tcp(pkt, kx, v, m)
        }
        kt::UDP => {
            need(4)?;
            l4::set_udp(pkt, kx, v, m)
        }
        kt::SCTP => {
            need(4)?;
            l4::set_sctp(pkt, kx, v, m)
        }
        kt::MPLS => {
            need(4)?;
            mpls::set_mpls(pkt, kx, v, m)
        }
        // Masked tunnel data, conntrack fields and NSH are refused at
        // execution time (execute_masked_set_action's -EINVAL cases).
        kt::TUNNEL_INFO | kt::CT_STATE..=kt::CT_ORIG_TUPLE_IPV6 | kt::NSH => Err(Errno::EINVAL),
        _ => Ok(()),
    }
}

/// `OVS_SET_MASKED` on a host-order u32 (value and mask in native order).
fn masked_u32(old: u32, v: &[u8], m: &[u8]) -> u32 {
    let v = u32::from_ne_bytes([v[0], v[1], v[2], v[3]]);
    let m = u32::from_ne_bytes([m[0], m[1], m[2], m[3]]);
    (v & m) | (old & !m)
}

/// `OVS_MASKED` over equal-length byte arrays.
pub(crate) fn masked_bytes<const N: usize>(old: &[u8], v: &[u8], m: &[u8]) -> [u8; N] {
    let mut out = [0u8; N];
    for i in 0..N {
        out[i] = crate::skb::masked(old[i], v[i], m[i]);
    }
    out
}

#[cfg(test)]
pub(crate) mod testutil {
    //! Frame builders and from-scratch checksum checks shared by the set
    //! tests.

    use crate::csum;
    use flowtable::Packet;

    /// An Ethernet + IPv4 + `l4` frame (protocol `proto`) with correct
    /// checksums, offsets set as key extraction sets them.
    pub fn ipv4_frame(proto: u8, l4: &[u8]) -> Packet {
        let mut f = vec![
            0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0x08, 0x00, // eth
            0x45, 0x10, 0, 0, 0x12, 0x34, 0x40, 0, 64, proto, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
        ];
        let tot = 20 + l4.len();
        f[16..18].copy_from_slice(&(tot as u16).to_be_bytes());
        f.extend_from_slice(l4);
        let mut p = Packet::from_frame(&f);
        p.protocol = 0x0800;
        p.mac_len = 14;
        p.network = 14;
        p.transport = 34;
        fix_ipv4(&mut p);
        p
    }

    /// An Ethernet + IPv6 (+ `ext` extension bytes) + `l4` frame whose first
    /// next header is `nh` and transport protocol `proto`.
    pub fn ipv6_frame(nh: u8, ext: &[u8], proto: u8, l4: &[u8]) -> Packet {
        let mut f = vec![0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0x86, 0xdd];
        f.extend_from_slice(&[0x6a, 0xb1, 0x23, 0x45]);
        f.extend_from_slice(&((ext.len() + l4.len()) as u16).to_be_bytes());
        f.extend_from_slice(&[nh, 64]);
        f.extend((0..16).map(|i| 0x20 + i as u8));
        f.extend((0..16).map(|i| 0x40 + i as u8));
        f.extend_from_slice(ext);
        f.extend_from_slice(l4);
        let mut p = Packet::from_frame(&f);
        p.protocol = 0x86dd;
        p.mac_len = 14;
        p.network = 14;
        p.transport = (54 + ext.len()) as u16;
        let _ = proto;
        fix_l4_v6(&mut p, proto);
        p
    }

    /// Recomputes the IPv4 header checksum and the TCP/UDP checksum from
    /// scratch.
    pub fn fix_ipv4(p: &mut Packet) {
        let d = &mut p.data;
        d[24] = 0;
        d[25] = 0;
        let c = csum::checksum(&d[14..34]);
        d[24..26].copy_from_slice(&c.to_be_bytes());
        let proto = d[23];
        let at = match proto {
            6 => 16,
            17 => 6,
            _ => return,
        };
        let l4len = d.len() - 34;
        if l4len < at + 2 {
            return;
        }
        d[34 + at] = 0;
        d[34 + at + 1] = 0;
        let ps = csum::pseudo_sum(&d[26..30], &d[30..34], proto, l4len);
        let c = csum::transport_checksum(ps, &d[34..]);
        d[34 + at..34 + at + 2].copy_from_slice(&c.to_be_bytes());
    }

    fn fix_l4_v6(p: &mut Packet, proto: u8) {
        let th = p.transport as usize;
        let d = &mut p.data;
        let at = match proto {
            6 => 16,
            17 => 6,
            58 => 2,
            _ => return,
        };
        if d.len() < th + at + 2 {
            return;
        }
        d[th + at] = 0;
        d[th + at + 1] = 0;
        let ps = csum::pseudo_sum(&d[22..38], &d[38..54], proto, d.len() - th);
        let c = csum::transport_checksum(ps, &d[th..]);
        d[th + at..th + at + 2].copy_from_slice(&c.to_be_bytes());
    }

    /// True when the IPv4 header checksum verifies.
    pub fn ipv4_ok(p: &Packet) -> bool {
        csum::checksum(&p.data[14..34]) == 0
    }

    /// True when the transport checksum of an IPv4 packet verifies.
    pub fn l4_v4_ok(p: &Packet) -> bool {
        let d = &p.data;
        let ps = csum::pseudo_sum(&d[26..30], &d[30..34], d[23], d.len() - 34);
        csum::transport_checksum(ps, &d[34..]) == 0
    }

    /// True when the transport checksum of an IPv6 packet verifies.
    pub fn l4_v6_ok(p: &Packet, proto: u8) -> bool {
        let d = &p.data;
        let th = p.transport as usize;
        let ps = csum::pseudo_sum(&d[22..38], &d[38..54], proto, d.len() - th);
        csum::transport_checksum(ps, &d[th..]) == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use flowtable::FlowKey;

    fn ms(t: u16, v: &[u8], m: &[u8]) -> MaskedSet {
        MaskedSet {
            key_type: t,
            value: v.to_vec(),
            mask: m.to_vec(),
            raw: Vec::new(),
        }
    }

    #[test]
    fn priority_and_mark_are_masked() {
        let mut p = Packet::from_frame(&[0; 14]);
        p.priority = 0xaaaa_aaaa;
        let mut k = FlowKey::default();
        let mut kx = KeyState {
            key: &mut k,
            invalid: false,
        };
        let s = ms(
            kt::PRIORITY,
            &0x0000_5500u32.to_ne_bytes(),
            &0x0000_ff00u32.to_ne_bytes(),
        );
        execute_masked_set(&mut p, &mut kx, &s).unwrap();
        assert_eq!(p.priority, 0xaaaa_55aa);
        assert_eq!(kx.key.priority, 0xaaaa_55aau32.to_ne_bytes());
        let s = ms(kt::SKB_MARK, &7u32.to_ne_bytes(), &[0xff; 4]);
        execute_masked_set(&mut p, &mut kx, &s).unwrap();
        assert_eq!(p.mark, 7);
        assert_eq!(kx.key.skb_mark, 7u32.to_ne_bytes());
    }

    #[test]
    fn conntrack_nsh_and_masked_tunnel_are_einval() {
        let mut p = Packet::from_frame(&[0; 14]);
        let mut k = FlowKey::default();
        let mut kx = KeyState {
            key: &mut k,
            invalid: false,
        };
        for t in [24u16, 25, 22, 28, 31] {
            let s = ms(t, &[0; 16], &[0xff; 16]);
            assert_eq!(execute_masked_set(&mut p, &mut kx, &s), Err(Errno::EINVAL));
        }
        // unknown types are ignored, short values refused
        assert_eq!(
            execute_masked_set(&mut p, &mut kx, &ms(3, &[], &[])),
            Ok(())
        );
        assert_eq!(
            execute_masked_set(&mut p, &mut kx, &ms(kt::IPV4, &[0; 4], &[0; 4])),
            Err(Errno::EINVAL)
        );
    }
}
