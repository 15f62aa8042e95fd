//! Flow keys in odp-util's syntax parsed into `OVS_KEY_ATTR_*` key and
//! mask attributes (`odp_flow_from_string`): omitted fields are wildcarded,
//! fields without `/mask` are exact.

use super::attrs::*;
use super::fields::{fields, Field, Kind};
use super::lex::*;
use super::tunnel_parse::parse_tunnel;
use genl::Writer;
use std::net::{Ipv4Addr, Ipv6Addr};

/// Port name → number, for `in_port(NAME)`.
pub type PortNumbers = [(String, u32)];

/// Parses a field value (and mask) of `kind` into bytes.
pub fn parse_value(kind: Kind, s: &str, what: &str) -> Result<Vec<u8>, ParseError> {
    let bad = || ParseError(format!("{what}: bad value \"{s}\""));
    Ok(match kind {
        Kind::Eth => {
            let b: Vec<u8> = s
                .split(':')
                .map(|x| u8::from_str_radix(x, 16).map_err(|_| bad()))
                .collect::<Result<_, _>>()?;
            if b.len() != 6 {
                return Err(bad());
            }
            b
        }
        Kind::Ip4 => s.parse::<Ipv4Addr>().map_err(|_| bad())?.octets().to_vec(),
        Kind::Ip6 => s.parse::<Ipv6Addr>().map_err(|_| bad())?.octets().to_vec(),
        Kind::U8 | Kind::U8x => vec![num_max(s, 0xff, what)? as u8],
        Kind::Be16 | Kind::Be16x => (num_max(s, 0xffff, what)? as u16).to_be_bytes().to_vec(),
        Kind::Label => (num_max(s, 0xffff_ffff, what)? as u32)
            .to_be_bytes()
            .to_vec(),
        Kind::Frag => vec![match s {
            "no" => 0,
            "first" => 1,
            "later" => 2,
            _ => return Err(bad()),
        }],
    })
}

/// A prefix-length mask (`/24`) for an address field, if `m` is one.
fn prefix_mask(kind: Kind, m: &str) -> Option<Vec<u8>> {
    let bits = match kind {
        Kind::Ip4 => 32,
        Kind::Ip6 => 128,
        _ => return None,
    };
    let n: u32 = m.parse().ok().filter(|n| *n <= bits)?;
    let width = (bits / 8) as usize;
    Some(
        (0..width)
            .map(|i| {
                let have = n.saturating_sub(i as u32 * 8).min(8);
                (0xffu16 << (8 - have)) as u8
            })
            .collect(),
    )
}

/// Parses `field=value[/mask],...` of a struct attribute into key and mask.
pub fn parse_fields(
    name: &str,
    fs: &[Field],
    len: usize,
    args: &str,
) -> Result<(Vec<u8>, Vec<u8>), ParseError> {
    let mut key = vec![0u8; len];
    let mut mask = vec![0u8; len];
    for item in split_top(args)?
        .into_iter()
        .filter(|i| !i.trim().is_empty())
    {
        let Some((fname, val)) = item.split_once('=') else {
            return err(format!("{name}: \"{item}\" is not field=value"));
        };
        let Some(f) = fs.iter().find(|f| f.name == fname.trim()) else {
            return err(format!("{name}: unknown field \"{}\"", fname.trim()));
        };
        let what = format!("{name}({})", f.name);
        let (v, m) = value_mask(val.trim());
        let w = f.kind.width();
        key[f.off..f.off + w].copy_from_slice(&parse_value(f.kind, v, &what)?);
        let mb = match m {
            None => vec![0xff; w],
            Some(m) => match prefix_mask(f.kind, m) {
                Some(p) if !m.contains('.') && !m.contains(':') => p,
                _ => parse_value(f.kind, m, &format!("{what} mask"))?,
            },
        };
        mask[f.off..f.off + w].copy_from_slice(&mb);
    }
    Ok((key, mask))
}

/// A u32 (or smaller) `value[/mask]` in native byte order.
fn ne_value(name: &str, args: &str, width: usize) -> Result<(Vec<u8>, Vec<u8>), ParseError> {
    let max = if width == 2 { 0xffff } else { 0xffff_ffff };
    let (v, m) = value_mask(args.trim());
    let v = num_max(v, max, name)?;
    let m = match m {
        Some(m) => num_max(m, max, &format!("{name} mask"))?,
        None => max,
    };
    let b = |x: u64| {
        if width == 2 {
            (x as u16).to_ne_bytes().to_vec()
        } else {
            (x as u32).to_ne_bytes().to_vec()
        }
    };
    Ok((b(v), b(m)))
}

/// `+a-b` / `a|b` / number[/mask] flag syntax.
pub fn parse_flags(
    name: &str,
    args: &str,
    names: &[&str],
    max: u32,
) -> Result<(u32, u32), ParseError> {
    let s = args.trim();
    if s.starts_with('+') || s.starts_with('-') {
        let (mut v, mut m) = (0u32, 0u32);
        let mut rest = s;
        while !rest.is_empty() {
            let sign = rest.as_bytes()[0];
            if sign != b'+' && sign != b'-' {
                return err(format!("{name}: bad flags \"{s}\""));
            }
            rest = &rest[1..];
            let end = rest.find(['+', '-']).unwrap_or(rest.len());
            let word = &rest[..end];
            let Some(bit) = names.iter().position(|n| *n == word) else {
                return err(format!("{name}: unknown flag \"{word}\""));
            };
            m |= 1 << bit;
            if sign == b'+' {
                v |= 1 << bit;
            }
            rest = &rest[end..];
        }
        return Ok((v, m));
    }
    let (v, m) = value_mask(s);
    let v = match num(v) {
        Some(n) => n as u32,
        None => {
            let mut acc = 0u32;
            for word in v.split('|') {
                let Some(bit) = names.iter().position(|n| *n == word) else {
                    return err(format!("{name}: unknown flag \"{word}\""));
                };
                acc |= 1 << bit;
            }
            acc
        }
    };
    let m = match m {
        Some(m) => num_max(m, max as u64, &format!("{name} mask"))? as u32,
        None => max,
    };
    Ok((v, m))
}

const TCP_FLAG_NAMES: [&str; 9] = ["fin", "syn", "rst", "psh", "ack", "urg", "ece", "cwr", "ns"];
const CT_STATE_NAMES: [&str; 8] = ["new", "est", "rel", "rpl", "inv", "trk", "snat", "dnat"];

fn parse_vlan(args: &str) -> Result<(Vec<u8>, Vec<u8>), ParseError> {
    let (mut tci, mut mask) = (0x1000u16, 0x1000u16);
    for item in split_top(args)?.into_iter().filter(|i| !i.is_empty()) {
        let Some((k, v)) = item.split_once('=') else {
            return err(format!("vlan: \"{item}\" is not field=value"));
        };
        let (v, m) = value_mask(v);
        let (shift, width) = match k {
            "vid" => (0, 0xfff),
            "pcp" => (13, 7),
            "cfi" => (12, 1),
            _ => return err(format!("vlan: unknown field \"{k}\"")),
        };
        let v = num_max(v, width, &format!("vlan({k})"))? as u16;
        let m = match m {
            Some(m) => num_max(m, width, &format!("vlan({k}) mask"))? as u16,
            None => width as u16,
        };
        tci = (tci & !((width as u16) << shift)) | v << shift;
        mask = (mask & !((width as u16) << shift)) | m << shift;
    }
    Ok((tci.to_be_bytes().to_vec(), mask.to_be_bytes().to_vec()))
}

/// Parses an MPLS label stack entry list `label=..,tc=..,ttl=..,bos=..`
/// into the LSE and its mask.
pub fn parse_mpls(args: &str) -> Result<(u32, u32), ParseError> {
    let (mut lse, mut mask) = (0u32, 0u32);
    for item in split_top(args)?.into_iter().filter(|i| !i.is_empty()) {
        let Some((k, v)) = item.split_once('=') else {
            return err(format!("mpls: \"{item}\" is not field=value"));
        };
        let (v, m) = value_mask(v);
        let (shift, width) = match k {
            "label" => (12, 0xfffff),
            "tc" => (9, 7),
            "ttl" => (0, 0xff),
            "bos" => (8, 1),
            _ => return err(format!("mpls: unknown field \"{k}\"")),
        };
        let v = num_max(v, width, &format!("mpls({k})"))? as u32;
        let m = match m {
            Some(m) => num_max(m, width, &format!("mpls({k}) mask"))? as u32,
            None => width as u32,
        };
        lse |= v << shift;
        mask |= m << shift;
    }
    Ok((lse, mask))
}

fn u128_value(name: &str, s: &str) -> Result<Vec<u8>, ParseError> {
    let s = s.trim();
    let v = if let Some(h) = s.strip_prefix("0x") {
        u128::from_str_radix(h, 16).map_err(|_| ParseError(format!("{name}: bad value \"{s}\"")))?
    } else {
        s.parse::<u128>()
            .map_err(|_| ParseError(format!("{name}: bad value \"{s}\"")))?
    };
    Ok(v.to_le_bytes().to_vec())
}

/// Parses one key item into its key and mask attribute payloads.
pub fn parse_key_attr(
    name: &str,
    args: &str,
    ports: Option<&PortNumbers>,
) -> Result<(u16, Vec<u8>, Vec<u8>), ParseError> {
    let kind = match name {
        "skb_priority" => KEY_PRIORITY,
        "in_port" => KEY_IN_PORT,
        "skb_mark" => KEY_SKB_MARK,
        "dp_hash" => KEY_DP_HASH,
        "recirc_id" => KEY_RECIRC_ID,
        "eth_type" => KEY_ETHERTYPE,
        "vlan" => KEY_VLAN,
        "mpls" => KEY_MPLS,
        "tcp_flags" => KEY_TCP_FLAGS,
        "ct_state" => KEY_CT_STATE,
        "ct_zone" => KEY_CT_ZONE,
        "ct_mark" => KEY_CT_MARK,
        "ct_label" => KEY_CT_LABELS,
        "eth" => KEY_ETHERNET,
        "ipv4" => KEY_IPV4,
        "ipv6" => KEY_IPV6,
        "tcp" => KEY_TCP,
        "udp" => KEY_UDP,
        "sctp" => KEY_SCTP,
        "icmp" => KEY_ICMP,
        "icmpv6" => KEY_ICMPV6,
        "arp" => KEY_ARP,
        "nd" => KEY_ND,
        "ct_tuple4" => KEY_CT_ORIG_TUPLE_IPV4,
        "ct_tuple6" => KEY_CT_ORIG_TUPLE_IPV6,
        "tunnel" => KEY_TUNNEL,
        n => match n.strip_prefix("key").and_then(|k| k.parse::<u16>().ok()) {
            Some(k) if k > 0 && k < 0x4000 => k,
            _ => return err(format!("unknown key field \"{n}\"")),
        },
    };
    let (k, m) = match kind {
        KEY_IN_PORT => {
            let (v, m) = value_mask(args.trim());
            let port = match num(v) {
                Some(n) if n <= u32::MAX as u64 => n as u32,
                _ => match ports.and_then(|p| p.iter().find(|(n, _)| n == v)) {
                    Some((_, no)) => *no,
                    None => return err(format!("in_port: unknown port \"{v}\"")),
                },
            };
            let m = match m {
                Some(m) => num_max(m, u32::MAX as u64, "in_port mask")? as u32,
                None => u32::MAX,
            };
            (port.to_ne_bytes().to_vec(), m.to_ne_bytes().to_vec())
        }
        KEY_PRIORITY | KEY_SKB_MARK | KEY_DP_HASH | KEY_RECIRC_ID | KEY_CT_MARK => {
            ne_value(name, args, 4)?
        }
        KEY_CT_ZONE => ne_value(name, args, 2)?,
        KEY_ETHERTYPE => {
            let (v, m) = value_mask(args.trim());
            let v = num_max(v, 0xffff, name)? as u16;
            let m = match m {
                Some(m) => num_max(m, 0xffff, "eth_type mask")? as u16,
                None => 0xffff,
            };
            (v.to_be_bytes().to_vec(), m.to_be_bytes().to_vec())
        }
        KEY_VLAN => parse_vlan(args)?,
        KEY_MPLS => {
            let (l, m) = parse_mpls(args)?;
            (l.to_be_bytes().to_vec(), m.to_be_bytes().to_vec())
        }
        KEY_TCP_FLAGS => {
            let (v, m) = parse_flags(name, args, &TCP_FLAG_NAMES, 0x0fff)?;
            (
                (v as u16).to_be_bytes().to_vec(),
                (m as u16).to_be_bytes().to_vec(),
            )
        }
        KEY_CT_STATE => {
            let (v, m) = parse_flags(name, args, &CT_STATE_NAMES, u32::MAX)?;
            (v.to_ne_bytes().to_vec(), m.to_ne_bytes().to_vec())
        }
        KEY_CT_LABELS => {
            let (v, m) = value_mask(args.trim());
            let v = u128_value(name, v)?;
            let m = match m {
                Some(m) => u128_value("ct_label mask", m)?,
                None => vec![0xff; 16],
            };
            (v, m)
        }
        KEY_TUNNEL => parse_tunnel(args)?,
        _ => match (fields(kind), key_len(kind)) {
            (Some(fs), Some(len)) => parse_fields(name, fs, len, args)?,
            _ => {
                let (v, m) = value_mask(args);
                let v =
                    hex_bytes(v).ok_or_else(|| ParseError(format!("{name}: bad hex \"{v}\"")))?;
                let m = match m {
                    Some(m) => hex_bytes(m)
                        .ok_or_else(|| ParseError(format!("{name}: bad hex mask \"{m}\"")))?,
                    None => vec![0xff; v.len()],
                };
                (v, m)
            }
        },
    };
    Ok((kind, k, m))
}

/// Parses a flow key (without its `ufid:` prefix) into key and mask
/// attribute streams.
pub fn parse_flow(s: &str, ports: Option<&PortNumbers>) -> Result<(Vec<u8>, Vec<u8>), ParseError> {
    let mut key = Writer::new();
    let mut mask = Writer::new();
    // odp_flow_from_string's "syntax error at REST", followed by what is
    // wrong there.
    parse_into(s, ports, &mut key, &mut mask).map_err(|(at, e)| {
        let rest = s.get(offset_in(s, at)..).unwrap_or(s);
        ParseError(format!("syntax error at {rest}: {e}"))
    })?;
    Ok((key.take(), mask.take()))
}

/// Byte offset of `part` (a subslice of `whole`) in `whole`.
fn offset_in(whole: &str, part: &str) -> usize {
    (part.as_ptr() as usize).saturating_sub(whole.as_ptr() as usize)
}

/// Parses the items of `s`; a failure carries the (innermost) item that
/// failed, a subslice of `s`.
fn parse_into<'a>(
    s: &'a str,
    ports: Option<&PortNumbers>,
    key: &mut Writer,
    mask: &mut Writer,
) -> Result<(), (&'a str, ParseError)> {
    for item in split_top(s).map_err(|e| (s, e))? {
        let item = item.trim();
        if item.is_empty() {
            continue;
        }
        let at = item;
        let (name, args) = call(item).map_err(|e| (at, e))?;
        let Some(args) = args else {
            return Err((at, ParseError(format!("\"{name}\": expected {name}(...)"))));
        };
        if name == "encap" {
            let k = key.nest_noflag(KEY_ENCAP);
            let m = mask.nest_noflag(KEY_ENCAP);
            parse_into(args, ports, key, mask)?;
            key.nest_end(k);
            mask.nest_end(m);
            continue;
        }
        let (kind, k, m) = parse_key_attr(name, args, ports).map_err(|e| (at, e))?;
        key.attr(kind, &k);
        mask.attr(kind, &m);
    }
    Ok(())
}

/// Splits an optional `ufid:UUID` prefix (and its comma) off a flow string.
pub fn split_ufid(s: &str) -> Result<(Option<[u8; 16]>, &str), ParseError> {
    let Some(rest) = s.strip_prefix("ufid:") else {
        return Ok((None, s));
    };
    let uuid = rest
        .get(..36)
        .ok_or_else(|| ParseError("ufid: too short".into()))?;
    let hex: String = uuid.chars().filter(|c| *c != '-').collect();
    let valid = uuid.char_indices().all(|(i, c)| {
        if [8, 13, 18, 23].contains(&i) {
            c == '-'
        } else {
            c.is_ascii_hexdigit()
        }
    });
    let bytes = hex_bytes(&hex)
        .filter(|b| b.len() == 16 && valid)
        .ok_or_else(|| ParseError(format!("ufid: bad UUID \"{uuid}\"")))?;
    let mut u = [0u8; 16];
    // OVS stores a UUID as four 32-bit words in host order.
    for i in 0..4 {
        let w = u32::from_be_bytes([
            bytes[i * 4],
            bytes[i * 4 + 1],
            bytes[i * 4 + 2],
            bytes[i * 4 + 3],
        ]);
        u[i * 4..i * 4 + 4].copy_from_slice(&w.to_ne_bytes());
    }
    let rest = &rest[36..];
    Ok((Some(u), rest.strip_prefix(',').unwrap_or(rest).trim_start()))
}

/// Formats a UFID as OVS does (`ufid:xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`).
pub fn format_ufid(u: &[u8]) -> String {
    let mut w = [0u32; 4];
    for (i, x) in w.iter_mut().enumerate() {
        *x = u
            .get(i * 4..i * 4 + 4)
            .map_or(0, |b| u32::from_ne_bytes([b[0], b[1], b[2], b[3]]));
    }
    format!(
        "ufid:{:08x}-{:04x}-{:04x}-{:04x}-{:04x}{:08x}",
        w[0],
        w[1] >> 16,
        w[1] & 0xffff,
        w[2] >> 16,
        w[2] & 0xffff,
        w[3]
    )
}
