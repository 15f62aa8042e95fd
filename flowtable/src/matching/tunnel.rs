//! `ip_tun_from_nlattr` and the option parsers: `OVS_KEY_ATTR_TUNNEL`'s
//! nested `OVS_TUNNEL_KEY_ATTR_*` into the key or mask. Options are stored
//! where the kernel puts them, at the end of `tun_opts`
//! (`TUN_METADATA_OFFSET(len)` = 255 - len).

use genl::Errno;

use super::attrs::*;
use super::nla::NlaIter;
use super::state::{arr, Builder};
use crate::key::{tun_flags, TUN_OPTS_MAX};

/// Parses tunnel attributes into the key (`is_mask` false, with the key's
/// consistency checks) or the mask. Returns the option attribute type seen
/// (0 for none), as the kernel does.
pub(crate) fn ip_tun_from_nlattr(
    data: &[u8],
    b: &mut Builder,
    is_mask: bool,
) -> Result<u16, Errno> {
    let (mut ttl, mut ipv4, mut ipv6, mut bridge) = (false, false, false, false);
    let mut flags = 0u16;
    let mut opts_type = 0u16;
    let mut it = NlaIter::new(data);
    for nla in &mut it {
        let t = nla.kind;
        if t > OVS_TUNNEL_KEY_ATTR_MAX || !tunnel_len(t).accepts(nla.data.len()) {
            return Err(Errno::EINVAL);
        }
        let d = nla.data;
        let s = b.side(is_mask);
        match t {
            OVS_TUNNEL_KEY_ATTR_ID => {
                s.k.tun.id = arr(d);
                flags |= tun_flags::KEY;
            }
            OVS_TUNNEL_KEY_ATTR_IPV4_SRC => {
                s.tun[0..4].copy_from_slice(d);
                ipv4 = true;
            }
            OVS_TUNNEL_KEY_ATTR_IPV4_DST => {
                s.tun[4..8].copy_from_slice(d);
                ipv4 = true;
            }
            OVS_TUNNEL_KEY_ATTR_IPV6_SRC => {
                s.tun[0..16].copy_from_slice(d);
                ipv6 = true;
            }
            OVS_TUNNEL_KEY_ATTR_IPV6_DST => {
                s.tun[16..32].copy_from_slice(d);
                ipv6 = true;
            }
            OVS_TUNNEL_KEY_ATTR_TOS => s.k.tun.tos = d[0],
            OVS_TUNNEL_KEY_ATTR_TTL => {
                s.k.tun.ttl = d[0];
                ttl = true;
            }
            OVS_TUNNEL_KEY_ATTR_DONT_FRAGMENT => flags |= tun_flags::DONT_FRAGMENT,
            OVS_TUNNEL_KEY_ATTR_CSUM => flags |= tun_flags::CSUM,
            OVS_TUNNEL_KEY_ATTR_TP_SRC => s.k.tun.tp_src = arr(d),
            OVS_TUNNEL_KEY_ATTR_TP_DST => s.k.tun.tp_dst = arr(d),
            OVS_TUNNEL_KEY_ATTR_OAM => flags |= tun_flags::OAM,
            OVS_TUNNEL_KEY_ATTR_GENEVE_OPTS
            | OVS_TUNNEL_KEY_ATTR_VXLAN_OPTS
            | OVS_TUNNEL_KEY_ATTR_ERSPAN_OPTS => {
                if opts_type != 0 {
                    // Multiple metadata blocks provided.
                    return Err(Errno::EINVAL);
                }
                flags |= match t {
                    OVS_TUNNEL_KEY_ATTR_GENEVE_OPTS => {
                        geneve_opt(d, b, is_mask)?;
                        tun_flags::GENEVE_OPT
                    }
                    OVS_TUNNEL_KEY_ATTR_VXLAN_OPTS => {
                        vxlan_opt(d, b, is_mask)?;
                        tun_flags::VXLAN_OPT
                    }
                    _ => {
                        erspan_opt(d, b, is_mask)?;
                        tun_flags::ERSPAN_OPT
                    }
                };
                opts_type = t;
            }
            OVS_TUNNEL_KEY_ATTR_PAD => {}
            OVS_TUNNEL_KEY_ATTR_IPV4_INFO_BRIDGE => {
                bridge = true;
                ipv4 = true;
            }
            _ => return Err(Errno::EINVAL),
        }
    }
    let s = b.side(is_mask);
    s.k.tun.flags = flags.to_ne_bytes();
    s.k.tun_proto = if is_mask {
        0xff
    } else if ipv6 {
        AF_INET6
    } else {
        AF_INET
    };
    // Only a positive remainder is an error here.
    if it.rem() > 0 || (ipv4 && ipv6) {
        return Err(Errno::EINVAL);
    }
    if !is_mask {
        let key = b.key();
        if !ipv4 && !ipv6 {
            return Err(Errno::EINVAL);
        }
        if ipv4 {
            if bridge {
                // The stored flags keep TUNNEL_KEY; only the check drops it.
                let rest = flags & !tun_flags::KEY;
                let t = &key.k.tun;
                if key.tun[0..8].iter().any(|&x| x != 0)
                    || t.tp_src != [0, 0]
                    || t.tp_dst != [0, 0]
                    || t.ttl != 0
                    || t.tos != 0
                    || rest != 0
                {
                    return Err(Errno::EINVAL);
                }
            } else if key.tun[4..8] == [0; 4] {
                return Err(Errno::EINVAL);
            }
        }
        if ipv6 && key.tun[16..32].iter().all(|&x| x == 0) {
            return Err(Errno::EINVAL);
        }
        if !ttl && !bridge {
            return Err(Errno::EINVAL);
        }
    }
    Ok(opts_type)
}

/// Stores `opts` right-aligned in the side's `tun_opts`
/// (`SW_FLOW_KEY_MEMCPY_OFFSET(TUN_METADATA_OFFSET(len))`).
fn put_opts(b: &mut Builder, is_mask: bool, opts: &[u8]) {
    let s = b.side(is_mask);
    s.k.tun_opts[TUN_OPTS_MAX - opts.len()..].copy_from_slice(opts);
}

/// `genev_tun_opt_from_nlattr`: a mask's options must be as long as the
/// key's (the key is parsed first).
fn geneve_opt(d: &[u8], b: &mut Builder, is_mask: bool) -> Result<(), Errno> {
    if d.len() > TUN_OPTS_MAX || d.len() & 3 != 0 {
        return Err(Errno::EINVAL);
    }
    if !is_mask {
        b.side(false).k.tun_opts_len = d.len() as u8;
    } else {
        if usize::from(b.key().k.tun_opts_len) != d.len() {
            return Err(Errno::EINVAL);
        }
        b.side(true).k.tun_opts_len = 0xff;
    }
    put_opts(b, is_mask, d);
    Ok(())
}

/// `vxlan_tun_opt_from_nlattr`: nested `OVS_VXLAN_EXT_GBP`, stored as a
/// host-order u32 (`struct vxlan_metadata`).
fn vxlan_opt(d: &[u8], b: &mut Builder, is_mask: bool) -> Result<(), Errno> {
    let mut gbp = 0u32;
    let mut it = NlaIter::new(d);
    for nla in &mut it {
        if nla.kind > OVS_VXLAN_EXT_MAX || !vxlan_ext_len(nla.kind).accepts(nla.data.len()) {
            return Err(Errno::EINVAL);
        }
        match nla.kind {
            OVS_VXLAN_EXT_GBP => gbp = u32::from_ne_bytes(arr(nla.data)),
            _ => return Err(Errno::EINVAL),
        }
    }
    if it.rem() != 0 {
        return Err(Errno::EINVAL);
    }
    b.side(is_mask).k.tun_opts_len = if is_mask { 0xff } else { VXLAN_METADATA_LEN };
    put_opts(b, is_mask, &gbp.to_ne_bytes());
    Ok(())
}

/// `erspan_tun_opt_from_nlattr`: the key records `sizeof(struct
/// erspan_metadata)` whatever the attribute's length; the bytes go at
/// 255 - the attribute's length.
fn erspan_opt(d: &[u8], b: &mut Builder, is_mask: bool) -> Result<(), Errno> {
    if d.len() > TUN_OPTS_MAX {
        return Err(Errno::EINVAL);
    }
    b.side(is_mask).k.tun_opts_len = if is_mask { 0xff } else { ERSPAN_METADATA_LEN };
    put_opts(b, is_mask, d);
    Ok(())
}
