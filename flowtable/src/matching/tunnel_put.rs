//! `__ip_tun_to_nlattr`: a tunnel key as `OVS_TUNNEL_KEY_ATTR_*`, in the
//! kernel's canonical order.

use genl::Writer;

use super::attrs::*;
use crate::key::{tun_flags, TunnelKey};

/// Appends the tunnel attributes of `tun` (no enclosing nest). `opts` are
/// the option bytes (their length is the options length; empty for none),
/// `tun_proto` selects the IPv4 or IPv6 addresses ([`AF_INET`] /
/// [`AF_INET6`]), `bridge` is `IP_TUNNEL_INFO_BRIDGE` mode.
pub fn put_tunnel_attrs(w: &mut Writer, tun: &TunnelKey, opts: &[u8], tun_proto: u8, bridge: bool) {
    let flags = u16::from_ne_bytes(tun.flags);
    if flags & tun_flags::KEY != 0 {
        w.attr(OVS_TUNNEL_KEY_ATTR_ID, &tun.id);
    }
    if bridge {
        w.attr_flag(OVS_TUNNEL_KEY_ATTR_IPV4_INFO_BRIDGE);
        return;
    }
    match tun_proto {
        AF_INET => {
            if tun.ipv4_src != [0; 4] {
                w.attr(OVS_TUNNEL_KEY_ATTR_IPV4_SRC, &tun.ipv4_src);
            }
            if tun.ipv4_dst != [0; 4] {
                w.attr(OVS_TUNNEL_KEY_ATTR_IPV4_DST, &tun.ipv4_dst);
            }
        }
        AF_INET6 => {
            if tun.ipv6_src != [0; 16] {
                w.attr(OVS_TUNNEL_KEY_ATTR_IPV6_SRC, &tun.ipv6_src);
            }
            if tun.ipv6_dst != [0; 16] {
                w.attr(OVS_TUNNEL_KEY_ATTR_IPV6_DST, &tun.ipv6_dst);
            }
        }
        _ => {}
    }
    if tun.tos != 0 {
        w.attr_u8(OVS_TUNNEL_KEY_ATTR_TOS, tun.tos);
    }
    w.attr_u8(OVS_TUNNEL_KEY_ATTR_TTL, tun.ttl);
    if flags & tun_flags::DONT_FRAGMENT != 0 {
        w.attr_flag(OVS_TUNNEL_KEY_ATTR_DONT_FRAGMENT);
    }
    if flags & tun_flags::CSUM != 0 {
        w.attr_flag(OVS_TUNNEL_KEY_ATTR_CSUM);
    }
    if tun.tp_src != [0, 0] {
        w.attr(OVS_TUNNEL_KEY_ATTR_TP_SRC, &tun.tp_src);
    }
    if tun.tp_dst != [0, 0] {
        w.attr(OVS_TUNNEL_KEY_ATTR_TP_DST, &tun.tp_dst);
    }
    if flags & tun_flags::OAM != 0 {
        w.attr_flag(OVS_TUNNEL_KEY_ATTR_OAM);
    }
    if !opts.is_empty() {
        if flags & tun_flags::GENEVE_OPT != 0 {
            w.attr(OVS_TUNNEL_KEY_ATTR_GENEVE_OPTS, opts);
        } else if flags & tun_flags::VXLAN_OPT != 0 {
            // vxlan_opt_to_nlattr: the GBP word at the start of the options.
            let mut gbp = [0u8; 4];
            let n = opts.len().min(4);
            gbp[..n].copy_from_slice(&opts[..n]);
            let nest = w.nest_noflag(OVS_TUNNEL_KEY_ATTR_VXLAN_OPTS);
            w.attr(OVS_VXLAN_EXT_GBP, &gbp);
            w.nest_end(nest);
        } else if flags & tun_flags::ERSPAN_OPT != 0 {
            w.attr(OVS_TUNNEL_KEY_ATTR_ERSPAN_OPTS, opts);
        }
    }
}
