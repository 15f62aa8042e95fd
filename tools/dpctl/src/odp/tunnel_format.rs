//! `tunnel(...)` keys (`OVS_TUNNEL_KEY_ATTR_*`) as odp-util prints them.

use super::attrs::*;
use super::fields::{Field, Kind};
use super::key_format::{chomp, format_field, format_flags, format_flags_masked};
use super::util::*;
use genl::AttrIter;

const TUN_FLAG_NAMES: [&str; 4] = ["oam", "df", "csum", "key"];
const F_OAM: u32 = 1;
const F_DF: u32 = 2;
const F_CSUM: u32 = 4;
const F_KEY: u32 = 8;

fn tun_len(kind: u16) -> Option<usize> {
    Some(match kind {
        TUN_ID => 8,
        TUN_IPV4_SRC | TUN_IPV4_DST => 4,
        TUN_TOS | TUN_TTL => 1,
        TUN_DONT_FRAGMENT | TUN_CSUM | TUN_OAM => 0,
        TUN_TP_SRC | TUN_TP_DST => 2,
        TUN_IPV6_SRC | TUN_IPV6_DST => 16,
        _ => return None,
    })
}

fn field(name: &'static str, kind: Kind) -> Field {
    Field { name, off: 0, kind }
}

/// Formats the nested tunnel key `key` with its optional nested mask.
pub fn format_tunnel(out: &mut String, key: &[u8], mask: Option<&[u8]>, verbose: bool) {
    let mut flags = 0u32;
    let mut mask_flags = 0u32;
    for a in AttrIter::new(key) {
        let zeros;
        let ma = match mask {
            Some(m) => match find(m, a.kind) {
                Some(x) => Some(x.payload),
                None => {
                    zeros = vec![0u8; a.payload.len()];
                    Some(&zeros[..])
                }
            },
            None => None,
        };
        if let Some(len) = tun_len(a.kind) {
            if a.payload.len() != len || ma.is_some_and(|m| m.len() != len) {
                out.push_str(&format!("key{}(", a.kind));
                out.push_str(&spaced_hex(a.payload));
                if let Some(m) = ma {
                    out.push('/');
                    out.push_str(&spaced_hex(m));
                }
                out.push(')');
                continue;
            }
        }
        match a.kind {
            TUN_ID => {
                let v = u64::from_be_bytes(a.payload.try_into().unwrap_or([0; 8]));
                let m = ma.map(|m| u64::from_be_bytes(m.try_into().unwrap_or([0; 8])));
                if verbose || m.unwrap_or(0) != 0 {
                    out.push_str(&format!("tun_id=0x{v:x}"));
                    if let Some(m) = m.filter(|m| *m != u64::MAX) {
                        out.push_str(&format!("/{}", hx(m)));
                    }
                    out.push(',');
                }
                flags |= F_KEY;
                if ma.is_some() {
                    mask_flags |= F_KEY;
                }
            }
            TUN_IPV4_SRC => format_field(out, &field("src", Kind::Ip4), a.payload, ma, verbose),
            TUN_IPV4_DST => format_field(out, &field("dst", Kind::Ip4), a.payload, ma, verbose),
            TUN_IPV6_SRC => {
                format_field(out, &field("ipv6_src", Kind::Ip6), a.payload, ma, verbose)
            }
            TUN_IPV6_DST => {
                format_field(out, &field("ipv6_dst", Kind::Ip6), a.payload, ma, verbose)
            }
            TUN_TOS => format_field(out, &field("tos", Kind::U8x), a.payload, ma, verbose),
            TUN_TTL => format_field(out, &field("ttl", Kind::U8), a.payload, ma, verbose),
            TUN_DONT_FRAGMENT => flags |= F_DF,
            TUN_CSUM => flags |= F_CSUM,
            TUN_OAM => flags |= F_OAM,
            TUN_TP_SRC => format_field(out, &field("tp_src", Kind::Be16), a.payload, ma, verbose),
            TUN_TP_DST => format_field(out, &field("tp_dst", Kind::Be16), a.payload, ma, verbose),
            TUN_GENEVE_OPTS => {
                out.push_str("geneve(");
                format_geneve(out, a.payload, ma, verbose);
                out.push_str("),");
            }
            TUN_PAD => {}
            _ => {
                out.push_str(&format!("key{}(", a.kind));
                out.push_str(&spaced_hex(a.payload));
                if let Some(m) = ma.filter(|m| !all(m, 0xff)) {
                    out.push('/');
                    out.push_str(&spaced_hex(m));
                }
                out.push_str("),");
            }
        }
    }
    if let Some(m) = mask {
        for a in AttrIter::new(m) {
            match a.kind {
                TUN_DONT_FRAGMENT => mask_flags |= F_DF,
                TUN_CSUM => mask_flags |= F_CSUM,
                TUN_OAM => mask_flags |= F_OAM,
                _ => {}
            }
        }
    }
    if verbose || mask.is_none() || mask_flags != 0 {
        out.push_str("flags(");
        if mask.is_some() {
            out.push_str(&format_flags_masked(
                &TUN_FLAG_NAMES,
                flags,
                mask_flags & 0xf,
                0xf,
            ));
        } else {
            out.push_str(&format_flags(&TUN_FLAG_NAMES, flags, '|'));
        }
        out.push_str("),");
    }
    chomp(out, ',');
}

fn format_geneve(out: &mut String, opts: &[u8], mask: Option<&[u8]>, verbose: bool) {
    if let Some(m) = mask.filter(|m| m.len() != opts.len()) {
        out.push_str(&format!(
            "value len {} different from mask len {}",
            opts.len(),
            m.len()
        ));
        return;
    }
    let mut at = 0;
    while at < opts.len() {
        let rest = &opts[at..];
        if rest.len() < 4 {
            out.push_str(&format!("opt len {} less than minimum 4", rest.len()));
            return;
        }
        let data_len = (rest[3] & 0x1f) as usize * 4;
        let len = 4 + data_len;
        if len > rest.len() {
            out.push_str(&format!(
                "opt len {len} greater than remaining {}",
                rest.len()
            ));
            return;
        }
        let m = mask.map(|m| &m[at..at + len]);
        out.push('{');
        format_field(
            out,
            &field("class", Kind::Be16x),
            &rest[..2],
            m.map(|m| &m[..2]),
            verbose,
        );
        format_field(
            out,
            &field("type", Kind::U8x),
            &rest[2..3],
            m.map(|m| &m[2..3]),
            verbose,
        );
        let lm = m.map(|m| {
            if m[3] & 0x1f == 0x1f {
                0xff
            } else {
                m[3] & 0x1f
            }
        });
        format_field(
            out,
            &field("len", Kind::U8),
            &[data_len as u8],
            lm.as_ref().map(std::slice::from_ref),
            verbose,
        );
        let data = &rest[4..len];
        let dm = m.map(|m| &m[4..len]);
        if data_len > 0 && (verbose || dm.map_or(true, |d| !all(d, 0))) {
            out.push_str(&put_hex(data));
            if let Some(d) = dm.filter(|d| !all(d, 0xff)) {
                out.push('/');
                out.push_str(&put_hex(d));
            }
        } else {
            chomp(out, ',');
        }
        out.push('}');
        at += len;
    }
}
