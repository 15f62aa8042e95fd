//! `ovs_nla_get_match`: key, then mask (given, or the exact one made from
//! the key), then `match_validate`.

use genl::Errno;

use super::exact::exact_mask;
use super::fields::ovs_key_from_nlattrs;
use super::parse::parse_flow_nlattrs;
use super::project::{project, project_metadata};
use super::state::{Attrs, Builder};
use super::tunnel::ip_tun_from_nlattr;
use super::validate::match_validate;
use super::vlan::parse_vlan_from_nlattrs;
use super::Match;
use crate::key::{FlowKey, IN_PORT_NONE};

/// What the match's mask comes from.
#[derive(Clone, Copy)]
pub(crate) enum MaskArg<'m> {
    /// `match->mask == NULL`: a lookup key (flow GET/DEL), no mask at all.
    NoMask,
    /// `match->mask` set, `nla_mask` NULL: the exact mask of the key.
    Exact,
    /// `match->mask` set and the `OVS_FLOW_ATTR_MASK` payload.
    Given(&'m [u8]),
}

/// Parses `nla_key` (and the mask) as `ovs_nla_get_match` does. The mask of
/// a [`MaskArg::NoMask`] match is all zeros.
pub(crate) fn get_match(nla_key: &[u8], mask: MaskArg<'_>) -> Result<Match, Errno> {
    let mut b = Builder::new();
    let mut a = Attrs::default();
    let mut key_attrs = 0u64;
    parse_flow_nlattrs(nla_key, &mut a, &mut key_attrs, false)?;
    parse_vlan_from_nlattrs(&mut b, &mut key_attrs, &mut a, false)?;
    ovs_key_from_nlattrs(&mut b, key_attrs, &a, false)?;

    let mut mask_attrs = 0u64;
    let has_mask = !matches!(mask, MaskArg::NoMask);
    let newmask;
    let nla_mask = match mask {
        MaskArg::NoMask => None,
        MaskArg::Given(m) => Some(m),
        MaskArg::Exact => {
            newmask = exact_mask(nla_key);
            // Userspace leaves out zero tunnel attributes; keep them exact.
            if b.key().k.tun_proto != 0 {
                let s = b.side(true);
                s.k.tun = crate::key::TunnelKey {
                    id: [0xff; 8],
                    ipv4_src: [0xff; 4],
                    ipv4_dst: [0xff; 4],
                    ipv6_src: [0xff; 16],
                    ipv6_dst: [0xff; 16],
                    tos: 0xff,
                    ttl: 0xff,
                    flags: [0xff; 2],
                    tp_src: [0xff; 2],
                    tp_dst: [0xff; 2],
                };
                s.tun = [0xff; 32];
            }
            Some(&newmask[..])
        }
    };
    if let Some(nla_mask) = nla_mask {
        parse_flow_nlattrs(nla_mask, &mut a, &mut mask_attrs, true)?;
        // Always match on the TCIs.
        let s = b.side(true);
        s.k.vlan_tci = [0xff, 0xff];
        s.k.cvlan_tci = [0xff, 0xff];
        parse_vlan_from_nlattrs(&mut b, &mut mask_attrs, &mut a, true)?;
        ovs_key_from_nlattrs(&mut b, mask_attrs, &a, true)?;
    }

    let key = b.key().k;
    let mask_k = has_mask.then_some(&b.mask().k);
    if !match_validate(&key, mask_k, key_attrs, mask_attrs) {
        return Err(Errno::EINVAL);
    }
    let key_out = project(b.key(), &key);
    let mask_out = if has_mask {
        project(b.mask(), &key)
    } else {
        FlowKey::default()
    };
    Ok(Match {
        key: key_out,
        mask: mask_out,
    })
}

/// `ovs_nla_get_flow_metadata` (after `parse_flow_nlattrs`, whose failure
/// is -EINVAL): the metadata of a packet key. Returns the key and the
/// attribute bitmap (the caller's later conntrack-tuple check needs it).
pub(crate) fn get_metadata(nla_key: &[u8]) -> Result<(FlowKey, u64), Errno> {
    let mut b = Builder::new();
    let mut a = Attrs::default();
    let mut attrs = 0u64;
    parse_flow_nlattrs(nla_key, &mut a, &mut attrs, false).map_err(|_| Errno::EINVAL)?;
    let all = attrs;
    b.side(false).k.in_port = IN_PORT_NONE.to_ne_bytes();
    super::metadata::metadata_from_nlattrs(&mut b, &mut attrs, &a, false)?;
    Ok((project_metadata(b.key()), all))
}

/// `ip_tun_from_nlattr` on a fresh key (`validate_and_copy_set_tun`):
/// the tunnel key and the option attribute type (0 for none).
pub(crate) fn get_tunnel(payload: &[u8]) -> Result<(FlowKey, u16), Errno> {
    let mut b = Builder::new();
    let opts_type = ip_tun_from_nlattr(payload, &mut b, false)?;
    Ok((project_metadata(b.key()), opts_type))
}
