//! `tunnel(...)` keys parsed into nested `OVS_TUNNEL_KEY_ATTR_*` key and
//! mask attributes.

use super::attrs::*;
use super::fields::Kind;
use super::key_parse::{parse_flags, parse_value};
use super::lex::*;
use genl::Writer;

const TUN_FLAG_NAMES: [&str; 4] = ["oam", "df", "csum", "key"];

fn geneve(args: &str) -> Result<(Vec<u8>, Vec<u8>), ParseError> {
    let (mut key, mut mask) = (Vec::new(), Vec::new());
    let mut rest = args.trim();
    while !rest.is_empty() {
        let Some(body) = rest.strip_prefix('{') else {
            return err(format!("geneve: expected '{{' at \"{rest}\""));
        };
        let end = body
            .find('}')
            .ok_or_else(|| ParseError("geneve: missing '}'".into()))?;
        let opt = &body[..end];
        rest = body[end + 1..].trim_start_matches(',');
        let (mut class, mut mclass, mut typ, mut mtyp, mut len, mut mlen) =
            (0u16, 0u16, 0u8, 0u8, 0u8, 0u8);
        let (mut data, mut mdata) = (Vec::new(), Vec::new());
        for item in split_top(opt)?.into_iter().filter(|i| !i.is_empty()) {
            let (k, v) = match item.split_once('=') {
                Some((k, v)) => (k, v),
                None => ("", item),
            };
            let (v, m) = value_mask(v);
            match k {
                "class" => {
                    class = num_max(v, 0xffff, "geneve class")? as u16;
                    mclass =
                        m.map_or(Ok(0xffff), |m| num_max(m, 0xffff, "geneve class mask"))? as u16;
                }
                "type" => {
                    typ = num_max(v, 0xff, "geneve type")? as u8;
                    mtyp = m.map_or(Ok(0xff), |m| num_max(m, 0xff, "geneve type mask"))? as u8;
                }
                "len" => {
                    len = num_max(v, 124, "geneve len")? as u8;
                    if len % 4 != 0 {
                        return err("geneve len: not a multiple of 4");
                    }
                    mlen = m.map_or(Ok(0xff), |m| num_max(m, 0xff, "geneve len mask"))? as u8;
                }
                "" => {
                    let n = len as usize;
                    let be = |s: &str, what: &str| -> Result<Vec<u8>, ParseError> {
                        let h = s.strip_prefix("0x").unwrap_or(s);
                        let h = format!("{:0>w$}", h, w = n * 2);
                        hex_bytes(&h)
                            .filter(|b| b.len() == n)
                            .ok_or_else(|| ParseError(format!("geneve {what}: bad value \"{s}\"")))
                    };
                    data = be(v, "data")?;
                    mdata = match m {
                        Some(m) => be(m, "data mask")?,
                        None => vec![0xff; n],
                    };
                }
                _ => return err(format!("geneve: unknown field \"{k}\"")),
            }
        }
        data.resize(len as usize, 0);
        mdata.resize(len as usize, 0);
        key.extend_from_slice(&class.to_be_bytes());
        key.push(typ);
        key.push(len / 4);
        key.extend_from_slice(&data);
        mask.extend_from_slice(&mclass.to_be_bytes());
        mask.push(mtyp);
        mask.push(if mlen == 0xff { 0x1f } else { mlen & 0x1f });
        mask.extend_from_slice(&mdata);
    }
    Ok((key, mask))
}

/// Parses `tunnel(...)`'s arguments into nested key and mask payloads.
pub fn parse_tunnel(args: &str) -> Result<(Vec<u8>, Vec<u8>), ParseError> {
    let mut fields: Vec<(u16, Vec<u8>, Vec<u8>)> = Vec::new();
    let (mut flags, mut mflags) = (0u32, 0u32);
    for item in split_top(args)?
        .into_iter()
        .filter(|i| !i.trim().is_empty())
    {
        let item = item.trim();
        if let (name @ ("flags" | "geneve"), Some(inner)) = call(item)? {
            if name == "flags" {
                let (v, m) = parse_flags("tunnel flags", inner, &TUN_FLAG_NAMES, 0xf)?;
                flags = v;
                mflags = m;
            } else {
                let (k, m) = geneve(inner)?;
                fields.push((TUN_GENEVE_OPTS, k, m));
            }
            continue;
        }
        let Some((k, v)) = item.split_once('=') else {
            return err(format!("tunnel: \"{item}\" is not field=value"));
        };
        let (v, m) = value_mask(v);
        let (attr, kind) = match k {
            "tun_id" => {
                let val = num(v)
                    .ok_or_else(|| ParseError(format!("tunnel(tun_id): bad value \"{v}\"")))?;
                let mv = m
                    .map_or(Some(u64::MAX), num)
                    .ok_or_else(|| ParseError("tunnel(tun_id): bad mask".into()))?;
                fields.push((
                    TUN_ID,
                    val.to_be_bytes().to_vec(),
                    mv.to_be_bytes().to_vec(),
                ));
                continue;
            }
            "src" => (TUN_IPV4_SRC, Kind::Ip4),
            "dst" => (TUN_IPV4_DST, Kind::Ip4),
            "ipv6_src" => (TUN_IPV6_SRC, Kind::Ip6),
            "ipv6_dst" => (TUN_IPV6_DST, Kind::Ip6),
            "tos" => (TUN_TOS, Kind::U8x),
            "ttl" => (TUN_TTL, Kind::U8),
            "tp_src" => (TUN_TP_SRC, Kind::Be16),
            "tp_dst" => (TUN_TP_DST, Kind::Be16),
            _ => return err(format!("tunnel: unknown field \"{k}\"")),
        };
        let what = format!("tunnel({k})");
        let kv = parse_value(kind, v, &what)?;
        let mv = match m {
            Some(m) => parse_value(kind, m, &format!("{what} mask"))?,
            None => vec![0xff; kv.len()],
        };
        fields.push((attr, kv, mv));
    }
    for (bit, attr) in [(2, TUN_DONT_FRAGMENT), (4, TUN_CSUM), (1, TUN_OAM)] {
        if flags & bit != 0 || mflags & bit != 0 {
            fields.push((attr, Vec::new(), Vec::new()));
        }
    }
    // The kernel's order (ip_tun_to_nlattr), which is also the order its
    // replies print in: addresses, tos, ttl, flags, ports, OAM, options.
    const ORDER: [u16; 14] = [
        TUN_ID,
        TUN_IPV4_SRC,
        TUN_IPV4_DST,
        TUN_IPV6_SRC,
        TUN_IPV6_DST,
        TUN_TOS,
        TUN_TTL,
        TUN_DONT_FRAGMENT,
        TUN_CSUM,
        TUN_TP_SRC,
        TUN_TP_DST,
        TUN_OAM,
        TUN_GENEVE_OPTS,
        TUN_VXLAN_OPTS,
    ];
    fields.sort_by_key(|f| ORDER.iter().position(|&a| a == f.0).unwrap_or(ORDER.len()));
    let mut key = Writer::new();
    let mut mask = Writer::new();
    for (attr, k, m) in &fields {
        let is_flag = matches!(*attr, TUN_DONT_FRAGMENT | TUN_CSUM | TUN_OAM);
        let bit = match *attr {
            TUN_DONT_FRAGMENT => 2,
            TUN_CSUM => 4,
            TUN_OAM => 1,
            _ => 0,
        };
        if !is_flag || flags & bit != 0 {
            key.attr(*attr, k);
        }
        if !is_flag || mflags & bit != 0 {
            mask.attr(*attr, m);
        }
    }
    Ok((key.take(), mask.take()))
}
