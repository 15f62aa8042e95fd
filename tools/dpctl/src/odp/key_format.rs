//! Flow keys and masks (`OVS_KEY_ATTR_*` attributes) printed as odp-util's
//! `odp_flow_format` prints them.

use super::attrs::*;
use super::fields::{fields, Field, Kind};
use super::tunnel_format::format_tunnel;
use super::util::*;
use genl::AttrIter;

/// Port number → name, for `-m`/`--names` output.
pub type PortNames = [(u32, String)];

/// Formats one struct field (`name=value[/mask],`), skipping a fully
/// wildcarded one unless `verbose`.
pub fn format_field(out: &mut String, f: &Field, key: &[u8], mask: Option<&[u8]>, verbose: bool) {
    let w = f.kind.width();
    let Some(k) = key.get(f.off..f.off + w) else {
        return;
    };
    let m = mask.and_then(|m| m.get(f.off..f.off + w));
    let empty = m.is_some_and(|m| all(m, 0));
    let full = match (m, f.kind) {
        (None, _) => true,
        (Some(m), Kind::Label) => be32(m, 0) & 0xfffff == 0xfffff,
        (Some(m), _) => all(m, 0xff),
    };
    if f.kind == Kind::Frag {
        if !empty && !full {
            out.push_str(&format!(
                "error: partial mask not supported for frag ({}),",
                hx(m.map_or(0, |m| m[0]) as u64)
            ));
        } else if !empty {
            out.push_str(&format!("{}={},", f.name, frag_name(k[0])));
        }
        return;
    }
    if !verbose && empty {
        return;
    }
    let (v, mv) = match f.kind {
        Kind::Eth => (mac(k), m.map(mac)),
        Kind::Ip4 => (ip4(k), m.map(ip4)),
        Kind::Ip6 => (ip6(k), m.map(ip6)),
        Kind::U8 => (k[0].to_string(), m.map(|m| hx(m[0] as u64))),
        Kind::U8x => (hx(k[0] as u64), m.map(|m| hx(m[0] as u64))),
        Kind::Be16 => (be16(k, 0).to_string(), m.map(|m| hx(be16(m, 0) as u64))),
        Kind::Be16x => (hx(be16(k, 0) as u64), m.map(|m| hx(be16(m, 0) as u64))),
        Kind::Label => (hx(be32(k, 0) as u64), m.map(|m| hx(be32(m, 0) as u64))),
        Kind::Frag => unreachable!(),
    };
    out.push_str(f.name);
    out.push('=');
    out.push_str(&v);
    if !full {
        out.push('/');
        out.push_str(&mv.unwrap_or_default());
    }
    out.push(',');
}

/// `OVS_FRAG_TYPE_*` names.
pub fn frag_name(v: u8) -> String {
    match v {
        0 => "no".into(),
        1 => "first".into(),
        2 => "later".into(),
        n => format!("<error: unknown frag type {n}>"),
    }
}

/// Drops one trailing `c`.
pub fn chomp(s: &mut String, c: char) {
    if s.ends_with(c) {
        s.pop();
    }
}

/// odp-util's "the mask is all `v`" test per attribute.
fn mask_is(kind: u16, m: &[u8], v: u8) -> bool {
    match kind {
        KEY_TCP_FLAGS => m.len() >= 2 && be16(m, 0) & 0x0fff == if v == 0 { 0 } else { 0x0fff },
        KEY_IPV6 if m.len() >= 40 => {
            let label = if v == 0 { 0 } else { 0xfffff };
            be32(m, 32) & 0xfffff == label && all(&m[36..40], v) && all(&m[..32], v)
        }
        KEY_ARP => all(&m[..m.len().min(22)], v),
        KEY_CT_ORIG_TUPLE_IPV4 => all(&m[..m.len().min(13)], v),
        KEY_CT_ORIG_TUPLE_IPV6 => all(&m[..m.len().min(37)], v),
        KEY_ENCAP => false,
        k if key_name(k).is_none() => false,
        _ => all(m, v),
    }
}

const TCP_FLAG_NAMES: [&str; 9] = ["fin", "syn", "rst", "psh", "ack", "urg", "ece", "cwr", "ns"];
const CT_STATE_NAMES: [&str; 8] = ["new", "est", "rel", "rpl", "inv", "trk", "snat", "dnat"];

/// OVS's `format_flags`: names joined by `del`, unknown bits as hex.
pub fn format_flags(names: &[&str], flags: u32, del: char) -> String {
    if flags == 0 {
        return "0".into();
    }
    let mut out = String::new();
    let mut bad = 0u32;
    for bit in 0..32 {
        if flags & (1 << bit) != 0 {
            match names.get(bit) {
                Some(n) => {
                    out.push_str(n);
                    out.push(del);
                }
                None => bad |= 1 << bit,
            }
        }
    }
    if bad != 0 {
        out.push_str(&format!("0x{bad:x}{del}"));
    }
    chomp(&mut out, del);
    out
}

/// OVS's `format_flags_masked` (without a name).
pub fn format_flags_masked(names: &[&str], flags: u32, mask: u32, max: u32) -> String {
    if mask == max {
        return format_flags(names, flags, '|');
    }
    if mask == 0 {
        return "0/0".into();
    }
    let mut out = String::new();
    for bit in 0..32 {
        if mask & (1 << bit) != 0 {
            out.push(if flags & (1 << bit) != 0 { '+' } else { '-' });
            out.push_str(names.get(bit).copied().unwrap_or("[Unknown]"));
        }
    }
    out
}

fn format_vlan_tci(out: &mut String, tci: u16, mask: u16, verbose: bool) {
    let vid = |t: u16| t & 0x0fff;
    let pcp = |t: u16| t >> 13;
    if verbose || vid(tci) != 0 || vid(mask) != 0 {
        out.push_str(&format!("vid={}", vid(tci)));
        if vid(mask) != 0x0fff {
            out.push_str(&format!("/0x{:x}", vid(mask)));
        }
        out.push(',');
    }
    if verbose || pcp(tci) != 0 || pcp(mask) != 0 {
        out.push_str(&format!("pcp={}", pcp(tci)));
        if pcp(mask) != 7 {
            out.push_str(&format!("/0x{:x}", pcp(mask)));
        }
        out.push(',');
    }
    if tci & 0x1000 == 0 {
        out.push_str("cfi=0,");
    }
    chomp(out, ',');
}

/// `push_vlan`'s TCI printing (exact mask, not verbose).
pub fn vlan_tci(tci: u16) -> String {
    let mut s = String::new();
    format_vlan_tci(&mut s, tci, 0xffff, false);
    s
}

/// One MPLS label stack entry (`label=…,tc=…,ttl=…,bos=…`).
pub fn mpls_lse(lse: u32) -> String {
    format!(
        "label={},tc={},ttl={},bos={}",
        lse >> 12,
        (lse >> 9) & 7,
        lse & 0xff,
        (lse >> 8) & 1
    )
}

fn generic(out: &mut String, key: &[u8], mask: Option<&[u8]>, exact: bool) {
    out.push_str(&spaced_hex(key));
    if !exact {
        out.push('/');
        out.push_str(&spaced_hex(mask.unwrap_or(&[])));
    }
}

/// Formats one key attribute with its mask attribute (`format_odp_key_attr__`).
pub fn format_key_attr(
    out: &mut String,
    kind: u16,
    key: &[u8],
    mask: Option<&[u8]>,
    names: Option<&PortNames>,
    verbose: bool,
) {
    if let Some(len) = key_len(kind) {
        let bad_mask = mask.is_some_and(|m| m.len() != len);
        if key.len() != len || bad_mask {
            out.push_str(&format!("key{kind}("));
            if key.len() != len {
                out.push_str(&format!("(bad key length {}, expected {len})(", key.len()));
            }
            out.push_str(&spaced_hex(key));
            if let Some(m) = mask {
                out.push('/');
                out.push_str(&spaced_hex(m));
            }
            out.push(')');
            return;
        }
    }
    let exact = mask.map_or(true, |m| mask_is(kind, m, 0xff));
    let mask_empty = mask.map_or(true, |m| all(m, 0));
    match key_name(kind) {
        Some(n) => out.push_str(n),
        None => out.push_str(&format!("key{kind}")),
    }
    out.push('(');
    match kind {
        KEY_ENCAP => {
            if !key.is_empty() {
                match mask {
                    Some(m) if !m.is_empty() => format_flow_into(out, key, Some(m), names, verbose),
                    _ => format_flow_into(out, key, None, names, verbose),
                }
            }
        }
        KEY_PRIORITY | KEY_SKB_MARK | KEY_DP_HASH | KEY_RECIRC_ID => {
            out.push_str(&hx(ne32(key, 0) as u64));
            if !exact {
                out.push_str(&format!("/{}", hx(mask.map_or(0, |m| ne32(m, 0)) as u64)));
            }
        }
        KEY_CT_MARK | KEY_CT_ZONE => {
            if verbose || !mask_empty {
                let v = |b: &[u8]| {
                    if kind == KEY_CT_ZONE {
                        u16::from_ne_bytes([b[0], b[1]]) as u64
                    } else {
                        ne32(b, 0) as u64
                    }
                };
                out.push_str(&hx(v(key)));
                if !exact {
                    out.push_str(&format!("/{}", hx(mask.map_or(0, v))));
                }
            }
        }
        KEY_CT_STATE => {
            let v = ne32(key, 0);
            let m = if mask_empty {
                0
            } else {
                mask.map_or(0, |m| ne32(m, 0))
            };
            if verbose {
                out.push_str(&hx(v as u64));
                if !exact {
                    out.push_str(&format!("/{}", hx(m as u64)));
                }
            } else if !exact {
                out.push_str(&format_flags_masked(&CT_STATE_NAMES, v, m, u32::MAX));
            } else {
                out.push_str(&format_flags(&CT_STATE_NAMES, v, '|'));
            }
        }
        KEY_CT_LABELS => {
            let be = |b: &[u8]| {
                let mut a = [0u8; 16];
                a.copy_from_slice(&b[..16]);
                u128::from_le_bytes(a).to_be_bytes()
            };
            if verbose || mask.is_some_and(|m| !all(m, 0)) {
                out.push_str(&put_hex(&be(key)));
                if let Some(m) = mask.filter(|m| !all(m, 0xff)) {
                    out.push('/');
                    out.push_str(&put_hex(&be(m)));
                }
            }
        }
        KEY_TUNNEL => format_tunnel(out, key, mask, verbose),
        KEY_IN_PORT => {
            let p = ne32(key, 0);
            if exact {
                match names.and_then(|n| n.iter().find(|(no, _)| *no == p)) {
                    Some((_, name)) => out.push_str(name),
                    None => out.push_str(&p.to_string()),
                }
            } else {
                out.push_str(&format!(
                    "{p}/{}",
                    hx(mask.map_or(0, |m| ne32(m, 0)) as u64)
                ));
            }
        }
        KEY_VLAN => {
            let m = mask.map_or(0xffff, |m| be16(m, 0));
            format_vlan_tci(out, be16(key, 0), m, verbose);
        }
        KEY_MPLS => {
            if key.is_empty() || key.len() % 4 != 0 {
                out.push_str(&format!("(bad key length {})", key.len()));
                return;
            }
            let mut parts = Vec::new();
            for i in 0..key.len() / 4 {
                let k = be32(key, i * 4);
                match mask.filter(|_| !exact) {
                    None => parts.push(mpls_lse(k)),
                    Some(m) if m.len() == key.len() => {
                        let m = be32(m, i * 4);
                        parts.push(format!(
                            "label={}/0x{:x},tc={}/{:x},ttl={}/0x{:x},bos={}/{:x}",
                            k >> 12,
                            m >> 12,
                            (k >> 9) & 7,
                            (m >> 9) & 7,
                            k & 0xff,
                            m & 0xff,
                            (k >> 8) & 1,
                            (m >> 8) & 1
                        ));
                    }
                    Some(m) => {
                        out.push_str(&format!(
                            "(key length {} != mask length {}))",
                            key.len(),
                            m.len()
                        ));
                        return;
                    }
                }
            }
            out.push_str(&parts.join(","));
        }
        KEY_ETHERTYPE => {
            out.push_str(&format!("0x{:04x}", be16(key, 0)));
            if !exact {
                out.push_str(&format!("/0x{:04x}", mask.map_or(0, |m| be16(m, 0))));
            }
        }
        KEY_TCP_FLAGS => {
            let v = be16(key, 0) as u32;
            if !exact {
                let m = mask.map_or(0, |m| be16(m, 0)) as u32 & 0x0fff;
                out.push_str(&format_flags_masked(&TCP_FLAG_NAMES, v, m, 0x0fff));
            } else {
                out.push_str(&format_flags(&TCP_FLAG_NAMES, v, '|'));
            }
        }
        _ => match fields(kind) {
            Some(fs) => {
                for f in fs {
                    format_field(out, f, key, mask, verbose);
                }
                chomp(out, ',');
            }
            None => generic(out, key, mask, exact),
        },
    }
    out.push(')');
}

/// Formats a whole key with its optional mask (`odp_flow_format`).
pub fn format_flow(
    key: &[u8],
    mask: Option<&[u8]>,
    names: Option<&PortNames>,
    verbose: bool,
) -> String {
    let mut out = String::new();
    format_flow_into(&mut out, key, mask, names, verbose);
    out
}

fn format_flow_into(
    out: &mut String,
    key: &[u8],
    mask: Option<&[u8]>,
    names: Option<&PortNames>,
    verbose: bool,
) {
    if key.is_empty() {
        out.push_str("<empty>");
        return;
    }
    let mask = mask.filter(|m| !m.is_empty());
    let mut first = true;
    let mut has_ethtype = false;
    let mut it = AttrIter::new(key);
    for a in it.by_ref() {
        if a.kind == KEY_ETHERTYPE {
            has_ethtype = true;
        }
        let nested = matches!(a.kind, KEY_ENCAP | KEY_TUNNEL);
        let ma = mask.and_then(|m| find(m, a.kind)).map(|m| m.payload);
        let wildcard = mask.is_some() && ma.map_or(true, |m| mask_is(a.kind, m, 0));
        if verbose || !wildcard || nested {
            let zeros;
            let ma = match (ma, wildcard) {
                (None, true) if nested => Some(&[][..]),
                (None, true) => {
                    zeros = vec![0u8; a.payload.len()];
                    Some(&zeros[..])
                }
                (m, _) => m,
            };
            if !first {
                out.push(',');
            }
            format_key_attr(out, a.kind, a.payload, ma, names, verbose);
            first = false;
        } else if a.kind == KEY_ETHERNET {
            if !first {
                out.push(',');
            }
            out.push_str("eth()");
            first = false;
        }
    }
    let left = it.leftover();
    if left > 0 {
        if left == key.len() {
            out.push_str("<empty>");
        }
        let tail = &key[key.len() - left..];
        out.push_str(&format!(
            ",***{left} leftover bytes*** ({})",
            tail.iter().map(|x| format!("{x:02x}")).collect::<String>()
        ));
    }
    if !has_ethtype {
        if let Some(m) = mask.and_then(|m| find(m, KEY_ETHERTYPE)) {
            out.push_str(&format!(",eth_type(0/0x{:04x})", be16(m.payload, 0)));
        }
    }
}
