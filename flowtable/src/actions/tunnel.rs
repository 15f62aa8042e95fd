//! `SET(TUNNEL)`: the tunnel key attributes parsed as a key
//! (`ip_tun_from_nlattr` with `is_mask = false`, then
//! `validate_and_copy_set_tun`), and their canonical re-encoding
//! (`ip_tun_to_nlattr`).
//!
//! This duplicates part of the key parser in `matching/` (which also handles
//! masks); the two should share one implementation once both are settled.

use genl::{Attr, AttrIter, Errno, Writer};

use crate::key::{tun_flags as tf, TunnelKey};

use super::consts::{key, tun, AF_INET, AF_INET6};
use super::types::TunnelInfo;

/// `IP_TUNNEL_OPTS_MAX`.
const OPTS_MAX: usize = 255;
/// `sizeof(struct erspan_metadata)`.
const ERSPAN_MD_SIZE: usize = 12;
/// `GENEVE_CRIT_OPT_TYPE`.
const GENEVE_CRIT_OPT_TYPE: u8 = 0x80;

/// Which option block the attributes carried (`opts_type`).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Opts {
    None,
    Geneve,
    Vxlan,
    Erspan,
}

/// `ovs_tunnel_key_lens[type].len`: `None` for variable or nested types.
fn expected_len(t: u16) -> Option<usize> {
    match t {
        tun::ID => Some(8),
        tun::IPV4_SRC | tun::IPV4_DST => Some(4),
        tun::TOS | tun::TTL => Some(1),
        tun::TP_SRC | tun::TP_DST => Some(2),
        tun::IPV6_SRC | tun::IPV6_DST => Some(16),
        tun::GENEVE_OPTS | tun::VXLAN_OPTS | tun::ERSPAN_OPTS => None,
        // DONT_FRAGMENT, CSUM, OAM, PAD, IPV4_INFO_BRIDGE
        _ => Some(0),
    }
}

/// `validate_and_copy_set_tun`: the tunnel metadata a `SET(TUNNEL)` action
/// stores. `a` is the `OVS_KEY_ATTR_TUNNEL` attribute.
pub fn copy_set_tunnel(a: &Attr<'_>) -> Result<TunnelInfo, Errno> {
    let mut k = TunnelKey::default();
    let mut flags = 0u16;
    let (mut ttl, mut ipv4, mut ipv6, mut bridge) = (false, false, false, false);
    let mut opts_type = Opts::None;
    let mut opts: Vec<u8> = Vec::new();

    let mut it = AttrIter::new(a.payload);
    for at in it.by_ref() {
        let t = at.kind;
        let p = at.payload;
        if t > tun::MAX || expected_len(t).is_some_and(|n| n != p.len()) {
            return Err(Errno::EINVAL);
        }
        match t {
            tun::ID => {
                k.id.copy_from_slice(p);
                flags |= tf::KEY;
            }
            tun::IPV4_SRC => {
                k.ipv4_src.copy_from_slice(p);
                ipv4 = true;
            }
            tun::IPV4_DST => {
                k.ipv4_dst.copy_from_slice(p);
                ipv4 = true;
            }
            tun::IPV6_SRC => {
                k.ipv6_src.copy_from_slice(p);
                ipv6 = true;
            }
            tun::IPV6_DST => {
                k.ipv6_dst.copy_from_slice(p);
                ipv6 = true;
            }
            tun::TOS => k.tos = p[0],
            tun::TTL => {
                k.ttl = p[0];
                ttl = true;
            }
            tun::DONT_FRAGMENT => flags |= tf::DONT_FRAGMENT,
            tun::CSUM => flags |= tf::CSUM,
            tun::TP_SRC => k.tp_src.copy_from_slice(p),
            tun::TP_DST => k.tp_dst.copy_from_slice(p),
            tun::OAM => flags |= tf::OAM,
            tun::PAD => {}
            tun::IPV4_INFO_BRIDGE => {
                bridge = true;
                ipv4 = true;
            }
            _ => {
                // one of the three option blocks
                if opts_type != Opts::None {
                    return Err(Errno::EINVAL);
                }
                (opts_type, opts) = match t {
                    tun::GENEVE_OPTS => (Opts::Geneve, geneve_opts(p)?),
                    tun::VXLAN_OPTS => (Opts::Vxlan, vxlan_opts(p)?),
                    _ => (Opts::Erspan, erspan_opts(p)?),
                };
                flags |= match opts_type {
                    Opts::Geneve => tf::GENEVE_OPT,
                    Opts::Vxlan => tf::VXLAN_OPT,
                    _ => tf::ERSPAN_OPT,
                };
            }
        }
    }
    k.flags = flags.to_ne_bytes();
    let tun_proto = if ipv6 { AF_INET6 } else { AF_INET };

    // ip_tun_from_nlattr's checks, in its order
    if it.leftover() > 0 || (ipv4 && ipv6) || (!ipv4 && !ipv6) {
        return Err(Errno::EINVAL);
    }
    if ipv4 {
        if bridge {
            // the KEY bit is dropped from the local flags only
            let others = flags & !tf::KEY;
            if k.ipv4_src != [0; 4]
                || k.ipv4_dst != [0; 4]
                || k.tp_src != [0; 2]
                || k.tp_dst != [0; 2]
                || k.ttl != 0
                || k.tos != 0
                || others != 0
            {
                return Err(Errno::EINVAL);
            }
        } else if k.ipv4_dst == [0; 4] {
            return Err(Errno::EINVAL);
        }
    }
    if ipv6 && k.ipv6_dst == [0; 16] {
        return Err(Errno::EINVAL);
    }
    if !ttl && !bridge {
        return Err(Errno::EINVAL);
    }

    // validate_and_copy_set_tun
    let mut crit_opt = false;
    if !opts.is_empty() && opts_type == Opts::Geneve {
        crit_opt = validate_geneve_opts(&opts)?;
    }
    let mut mode = TunnelInfo::MODE_TX;
    if tun_proto == AF_INET6 {
        mode |= TunnelInfo::MODE_IPV6;
    } else if k.ipv4_dst == [0; 4] {
        mode |= TunnelInfo::MODE_BRIDGE;
    }
    Ok(TunnelInfo {
        key: k,
        mode,
        opts,
        crit_opt,
    })
}

/// `genev_tun_opt_from_nlattr`: at most 255 bytes, a multiple of 4.
fn geneve_opts(p: &[u8]) -> Result<Vec<u8>, Errno> {
    if p.len() > OPTS_MAX || !p.len().is_multiple_of(4) {
        return Err(Errno::EINVAL);
    }
    Ok(p.to_vec())
}

/// `vxlan_tun_opt_from_nlattr`: `struct vxlan_metadata` (GBP, host u32).
fn vxlan_opts(p: &[u8]) -> Result<Vec<u8>, Errno> {
    let mut gbp = 0u32;
    let mut it = AttrIter::new(p);
    for a in it.by_ref() {
        match a.kind {
            tun::VXLAN_EXT_GBP if a.payload.len() == 4 => gbp = a.u32().unwrap_or(0),
            _ => return Err(Errno::EINVAL),
        }
    }
    if it.leftover() > 0 {
        return Err(Errno::EINVAL);
    }
    Ok(gbp.to_ne_bytes().to_vec())
}

/// `erspan_tun_opt_from_nlattr`: the option length is always
/// `sizeof(struct erspan_metadata)`, but the bytes are stored right-aligned
/// by the attribute's own length (`TUN_METADATA_OFFSET(nla_len)`) in a
/// zeroed 255-byte area, so a shorter attribute reads back zero-prefixed and
/// a longer one keeps only its last 12 bytes.
fn erspan_opts(p: &[u8]) -> Result<Vec<u8>, Errno> {
    if p.len() > OPTS_MAX {
        return Err(Errno::EINVAL);
    }
    let mut area = [0u8; OPTS_MAX];
    area[OPTS_MAX - p.len()..].copy_from_slice(p);
    Ok(area[OPTS_MAX - ERSPAN_MD_SIZE..].to_vec())
}

/// `validate_geneve_opts`: the TLVs must tile the options exactly; returns
/// whether one is critical.
fn validate_geneve_opts(opts: &[u8]) -> Result<bool, Errno> {
    let mut rest = opts;
    let mut crit = false;
    while !rest.is_empty() {
        if rest.len() < 4 {
            return Err(Errno::EINVAL);
        }
        let len = 4 + (rest[3] & 0x1f) as usize * 4;
        if len > rest.len() {
            return Err(Errno::EINVAL);
        }
        crit |= rest[2] & GENEVE_CRIT_OPT_TYPE != 0;
        rest = &rest[len..];
    }
    Ok(crit)
}

/// `set_action_to_attr` for tunnel info: `SET { TUNNEL { … } }` in
/// `__ip_tun_to_nlattr`'s canonical order.
pub fn put_set_tunnel(w: &mut Writer, set_type: u16, t: &TunnelInfo) {
    let set = w.nest_noflag(set_type);
    let nest = w.nest_noflag(key::TUNNEL);
    put_tunnel_attrs(w, t);
    w.nest_end(nest);
    w.nest_end(set);
}

/// `__ip_tun_to_nlattr` (also `ovs_nla_put_tunnel_info`, for an upcall's
/// `OVS_PACKET_ATTR_EGRESS_TUN_KEY`): the tunnel attributes, no nest.
pub fn put_tunnel_attrs(w: &mut Writer, t: &TunnelInfo) {
    let k = &t.key;
    let flags = u16::from_ne_bytes(k.flags);
    if flags & tf::KEY != 0 {
        w.attr(tun::ID, &k.id);
    }
    if t.mode & TunnelInfo::MODE_BRIDGE != 0 {
        w.attr_flag(tun::IPV4_INFO_BRIDGE);
        return;
    }
    if t.mode & TunnelInfo::MODE_IPV6 != 0 {
        if k.ipv6_src != [0; 16] {
            w.attr(tun::IPV6_SRC, &k.ipv6_src);
        }
        if k.ipv6_dst != [0; 16] {
            w.attr(tun::IPV6_DST, &k.ipv6_dst);
        }
    } else {
        if k.ipv4_src != [0; 4] {
            w.attr(tun::IPV4_SRC, &k.ipv4_src);
        }
        if k.ipv4_dst != [0; 4] {
            w.attr(tun::IPV4_DST, &k.ipv4_dst);
        }
    }
    if k.tos != 0 {
        w.attr_u8(tun::TOS, k.tos);
    }
    w.attr_u8(tun::TTL, k.ttl);
    if flags & tf::DONT_FRAGMENT != 0 {
        w.attr_flag(tun::DONT_FRAGMENT);
    }
    if flags & tf::CSUM != 0 {
        w.attr_flag(tun::CSUM);
    }
    if k.tp_src != [0; 2] {
        w.attr(tun::TP_SRC, &k.tp_src);
    }
    if k.tp_dst != [0; 2] {
        w.attr(tun::TP_DST, &k.tp_dst);
    }
    if flags & tf::OAM != 0 {
        w.attr_flag(tun::OAM);
    }
    if t.opts.is_empty() {
        return;
    }
    if flags & tf::GENEVE_OPT != 0 {
        w.attr(tun::GENEVE_OPTS, &t.opts);
    } else if flags & tf::VXLAN_OPT != 0 {
        let n = w.nest_noflag(tun::VXLAN_OPTS);
        w.attr(tun::VXLAN_EXT_GBP, &t.opts[..4]);
        w.nest_end(n);
    } else if flags & tf::ERSPAN_OPT != 0 {
        w.attr(tun::ERSPAN_OPTS, &t.opts);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tunnel(f: impl FnOnce(&mut Writer)) -> Vec<u8> {
        let mut w = Writer::new();
        let n = w.nest_noflag(key::TUNNEL);
        f(&mut w);
        w.nest_end(n);
        w.take()
    }

    fn run(b: &[u8]) -> Result<TunnelInfo, Errno> {
        copy_set_tunnel(&AttrIter::new(b).next().unwrap())
    }

    fn put(t: &TunnelInfo) -> Vec<u8> {
        let mut w = Writer::new();
        let n = w.nest_noflag(key::TUNNEL);
        put_tunnel_attrs(&mut w, t);
        w.nest_end(n);
        w.take()
    }

    #[test]
    fn canonical_order_and_zero_fields_dropped() {
        let req = tunnel(|w| {
            w.attr_u8(tun::TTL, 64);
            w.attr(tun::IPV4_DST, &[10, 0, 0, 2]);
            w.attr(tun::IPV4_SRC, &[0, 0, 0, 0]);
            w.attr_u8(tun::TOS, 0);
            w.attr(tun::TP_DST, &[0x12, 0xb5]);
            w.attr_flag(tun::CSUM);
            w.attr(tun::ID, &[0, 0, 0, 0, 0, 0, 0, 5]);
            w.attr(tun::GENEVE_OPTS, &[0, 1, 0x80, 1, 1, 2, 3, 4]);
        });
        let t = run(&req).unwrap();
        assert!(t.crit_opt);
        assert_eq!(t.mode, TunnelInfo::MODE_TX);
        let want = tunnel(|w| {
            w.attr(tun::ID, &[0, 0, 0, 0, 0, 0, 0, 5]);
            w.attr(tun::IPV4_DST, &[10, 0, 0, 2]);
            w.attr_u8(tun::TTL, 64);
            w.attr_flag(tun::CSUM);
            w.attr(tun::TP_DST, &[0x12, 0xb5]);
            w.attr(tun::GENEVE_OPTS, &[0, 1, 0x80, 1, 1, 2, 3, 4]);
        });
        assert_eq!(put(&t), want);
    }

    #[test]
    fn key_rules() {
        // no destination
        let b = tunnel(|w| w.attr_u8(tun::TTL, 1));
        assert_eq!(run(&b).unwrap_err(), Errno::EINVAL);
        // no TTL
        let b = tunnel(|w| w.attr(tun::IPV4_DST, &[1, 1, 1, 1]));
        assert_eq!(run(&b).unwrap_err(), Errno::EINVAL);
        // mixed families
        let b = tunnel(|w| {
            w.attr(tun::IPV4_DST, &[1, 1, 1, 1]);
            w.attr(tun::IPV6_DST, &[1; 16]);
            w.attr_u8(tun::TTL, 1);
        });
        assert_eq!(run(&b).unwrap_err(), Errno::EINVAL);
        // two option blocks
        let b = tunnel(|w| {
            w.attr(tun::IPV4_DST, &[1, 1, 1, 1]);
            w.attr_u8(tun::TTL, 1);
            w.attr(tun::GENEVE_OPTS, &[]);
            w.attr(tun::ERSPAN_OPTS, &[]);
        });
        assert_eq!(run(&b).unwrap_err(), Errno::EINVAL);
        // geneve TLV overrunning the options
        let b = tunnel(|w| {
            w.attr(tun::IPV4_DST, &[1, 1, 1, 1]);
            w.attr_u8(tun::TTL, 1);
            w.attr(tun::GENEVE_OPTS, &[0, 1, 0, 2, 0, 0, 0, 0]);
        });
        assert_eq!(run(&b).unwrap_err(), Errno::EINVAL);
        // bad length, unknown type
        let b = tunnel(|w| w.attr_u16(tun::TTL, 1));
        assert_eq!(run(&b).unwrap_err(), Errno::EINVAL);
        let b = tunnel(|w| w.attr_flag(17));
        assert_eq!(run(&b).unwrap_err(), Errno::EINVAL);
    }

    #[test]
    fn bridge_mode_keeps_only_the_id() {
        let b = tunnel(|w| {
            w.attr_flag(tun::IPV4_INFO_BRIDGE);
            w.attr(tun::ID, &[0, 0, 0, 0, 0, 0, 0, 9]);
        });
        let t = run(&b).unwrap();
        assert_eq!(t.mode, TunnelInfo::MODE_TX | TunnelInfo::MODE_BRIDGE);
        let want = tunnel(|w| {
            w.attr(tun::ID, &[0, 0, 0, 0, 0, 0, 0, 9]);
            w.attr_flag(tun::IPV4_INFO_BRIDGE);
        });
        assert_eq!(put(&t), want);
        let b = tunnel(|w| {
            w.attr_flag(tun::IPV4_INFO_BRIDGE);
            w.attr_flag(tun::CSUM);
        });
        assert_eq!(run(&b).unwrap_err(), Errno::EINVAL);
    }

    #[test]
    fn ipv6_vxlan_and_erspan() {
        let b = tunnel(|w| {
            w.attr(tun::IPV6_DST, &[2; 16]);
            w.attr_u8(tun::TTL, 9);
            let n = w.nest_noflag(tun::VXLAN_OPTS);
            w.attr_u32(tun::VXLAN_EXT_GBP, 0x1234);
            w.nest_end(n);
        });
        let t = run(&b).unwrap();
        assert_eq!(t.mode, TunnelInfo::MODE_TX | TunnelInfo::MODE_IPV6);
        assert_eq!(put(&t), b);
        // empty VXLAN block still yields GBP 0
        let b = tunnel(|w| {
            w.attr(tun::IPV4_DST, &[1, 1, 1, 1]);
            w.attr_u8(tun::TTL, 1);
            w.attr(tun::VXLAN_OPTS, &[]);
        });
        assert_eq!(run(&b).unwrap().opts, vec![0; 4]);
        // short ERSPAN metadata reads back zero-prefixed
        let b = tunnel(|w| {
            w.attr(tun::IPV4_DST, &[1, 1, 1, 1]);
            w.attr_u8(tun::TTL, 1);
            w.attr(tun::ERSPAN_OPTS, &[1, 0, 0, 0]);
        });
        let t = run(&b).unwrap();
        assert_eq!(t.opts, vec![0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0]);
        // empty geneve options vanish from the output
        let b = tunnel(|w| {
            w.attr(tun::IPV4_DST, &[1, 1, 1, 1]);
            w.attr_u8(tun::TTL, 1);
            w.attr(tun::GENEVE_OPTS, &[]);
        });
        let want = tunnel(|w| {
            w.attr(tun::IPV4_DST, &[1, 1, 1, 1]);
            w.attr_u8(tun::TTL, 1);
        });
        assert_eq!(put(&run(&b).unwrap()), want);
    }
}
