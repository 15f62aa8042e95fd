//! Action lists in odp-util's syntax parsed into `OVS_ACTION_ATTR_*`
//! attributes (`odp_actions_from_string`).

use super::attrs::*;
use super::fields::Kind;
use super::key_parse::{parse_key_attr, parse_mpls, parse_value, PortNumbers};
use super::lex::*;
use genl::Writer;

/// The size of OVS's `struct user_action_cookie`: `userspace(pid=N)`
/// without `userdata(...)` carries a zeroed cookie of this size, as
/// ovs-dpctl sends it.
pub const USER_COOKIE_LEN: usize = 48;

/// Parses an action list (`drop` or an empty string: no actions).
pub fn parse_actions(s: &str, ports: Option<&PortNumbers>) -> Result<Vec<u8>, ParseError> {
    let mut w = Writer::new();
    let s = s.trim();
    if s != "drop" {
        parse_into(s, ports, &mut w)?;
    }
    Ok(w.take())
}

fn kv<'a>(item: &'a str, what: &str) -> Result<(&'a str, &'a str), ParseError> {
    item.split_once('=')
        .ok_or_else(|| ParseError(format!("{what}: \"{item}\" is not field=value")))
}

fn push_vlan(w: &mut Writer, args: &str) -> Result<(), ParseError> {
    let (mut tpid, mut vid, mut pcp, mut cfi) = (0x8100u16, 0u16, 0u16, 1u16);
    for item in split_top(args)?.into_iter().filter(|i| !i.is_empty()) {
        let (k, v) = kv(item, "push_vlan")?;
        match k {
            "tpid" => tpid = num_max(v, 0xffff, "push_vlan(tpid)")? as u16,
            "vid" => vid = num_max(v, 0xfff, "push_vlan(vid)")? as u16,
            "pcp" => pcp = num_max(v, 7, "push_vlan(pcp)")? as u16,
            "cfi" => cfi = num_max(v, 1, "push_vlan(cfi)")? as u16,
            _ => return err(format!("push_vlan: unknown field \"{k}\"")),
        }
    }
    let tci = vid | pcp << 13 | cfi << 12;
    let mut b = tpid.to_be_bytes().to_vec();
    b.extend_from_slice(&tci.to_be_bytes());
    w.attr(ACT_PUSH_VLAN, &b);
    Ok(())
}

fn mpls_push(w: &mut Writer, kind: u16, name: &str, args: &str) -> Result<(), ParseError> {
    let (rest, eth) = match args.rsplit_once(",eth_type=") {
        Some((r, e)) => (r, num_max(e, 0xffff, &format!("{name}(eth_type)"))? as u16),
        None => return err(format!("{name}: missing eth_type")),
    };
    let (lse, _) = parse_mpls(rest).map_err(|e| ParseError(format!("{name}: {e}")))?;
    let mut b = lse.to_be_bytes().to_vec();
    b.extend_from_slice(&eth.to_be_bytes());
    b.extend_from_slice(&[0, 0]);
    w.attr(kind, &b);
    Ok(())
}

fn userspace(w: &mut Writer, args: &str, ports: Option<&PortNumbers>) -> Result<(), ParseError> {
    let n = w.nest_noflag(ACT_USERSPACE);
    let mut pid = None;
    let mut userdata = None;
    let mut actions = false;
    let mut tun = None;
    for item in split_top(args)?.into_iter().filter(|i| !i.is_empty()) {
        if item == "actions" {
            actions = true;
            continue;
        }
        if let ("userdata", Some(hex)) = call(item)? {
            userdata =
                Some(hex_bytes(hex).ok_or_else(|| {
                    ParseError(format!("userspace(userdata): bad hex \"{hex}\""))
                })?);
            continue;
        }
        let (k, v) = kv(item, "userspace")?;
        match k {
            "pid" => pid = Some(num_max(v, u32::MAX as u64, "userspace(pid)")? as u32),
            "tunnel_out_port" => {
                tun = Some(match num(v) {
                    Some(p) if p <= u32::MAX as u64 => p as u32,
                    _ => port_number(v, ports)?,
                })
            }
            _ => return err(format!("userspace: unknown field \"{k}\"")),
        }
    }
    let Some(pid) = pid else {
        return err("userspace: missing pid");
    };
    w.attr_u32(1, pid);
    let mut data = userdata.unwrap_or_else(|| vec![0; USER_COOKIE_LEN]);
    if data.len() < 8 {
        data.resize(8, 0);
    }
    w.attr(2, &data);
    if let Some(t) = tun {
        w.attr_u32(3, t);
    }
    if actions {
        w.attr_flag(4);
    }
    w.nest_end(n);
    Ok(())
}

fn port_number(v: &str, ports: Option<&PortNumbers>) -> Result<u32, ParseError> {
    ports
        .and_then(|p| p.iter().find(|(n, _)| n == v))
        .map(|(_, no)| *no)
        .ok_or_else(|| ParseError(format!("unknown action or port \"{v}\"")))
}

fn nat(w: &mut Writer, args: Option<&str>) -> Result<(), ParseError> {
    let n = w.nest_noflag(6);
    for item in split_top(args.unwrap_or(""))?
        .into_iter()
        .filter(|i| !i.is_empty())
    {
        match item {
            "persistent" => w.attr_flag(7),
            "hash" => w.attr_flag(8),
            "random" => w.attr_flag(9),
            "src" => w.attr_flag(1),
            "dst" => w.attr_flag(2),
            _ => {
                let (k, v) = kv(item, "nat")?;
                match k {
                    "src" => w.attr_flag(1),
                    "dst" => w.attr_flag(2),
                    _ => return err(format!("nat: unknown field \"{k}\"")),
                }
                let (ips, ports) = match v.rsplit_once(':') {
                    Some((i, p)) if !i.contains(':') || i.ends_with(']') => (i, Some(p)),
                    _ => (v, None),
                };
                let (lo, hi) = ips
                    .split_once('-')
                    .map_or((ips, None), |(a, b)| (a, Some(b)));
                let ip = |s: &str| -> Result<Vec<u8>, ParseError> {
                    let s = s.trim_start_matches('[').trim_end_matches(']');
                    if s.contains(':') {
                        parse_value(Kind::Ip6, s, "nat address")
                    } else {
                        parse_value(Kind::Ip4, s, "nat address")
                    }
                };
                w.attr(3, &ip(lo)?);
                if let Some(hi) = hi {
                    w.attr(4, &ip(hi)?);
                }
                if let Some(p) = ports {
                    let (plo, phi) = p.split_once('-').map_or((p, None), |(a, b)| (a, Some(b)));
                    w.attr_u16(5, num_max(plo, 0xffff, "nat port")? as u16);
                    if let Some(phi) = phi {
                        w.attr_u16(6, num_max(phi, 0xffff, "nat port")? as u16);
                    }
                }
            }
        }
    }
    w.nest_end(n);
    Ok(())
}

fn ct(w: &mut Writer, args: Option<&str>) -> Result<(), ParseError> {
    let n = w.nest_noflag(ACT_CT);
    for item in split_top(args.unwrap_or(""))?
        .into_iter()
        .filter(|i| !i.is_empty())
    {
        match call(item)? {
            ("commit", None) => w.attr_flag(1),
            ("force_commit", None) => w.attr_flag(7),
            ("nat", a) => nat(w, a)?,
            _ => {
                let (k, v) = kv(item, "ct")?;
                match k {
                    "zone" => w.attr_u16(2, num_max(v, 0xffff, "ct(zone)")? as u16),
                    "mark" => {
                        let (v, m) = value_mask(v);
                        let mut b = (num_max(v, u32::MAX as u64, "ct(mark)")? as u32)
                            .to_ne_bytes()
                            .to_vec();
                        let m = m.map_or(Ok(u32::MAX as u64), |m| {
                            num_max(m, u32::MAX as u64, "ct(mark) mask")
                        })?;
                        b.extend_from_slice(&(m as u32).to_ne_bytes());
                        w.attr(3, &b);
                    }
                    "label" => {
                        let (v, m) = value_mask(v);
                        let p = |s: &str| -> Result<u128, ParseError> {
                            let r = match s.strip_prefix("0x") {
                                Some(h) => u128::from_str_radix(h, 16),
                                None => s.parse(),
                            };
                            r.map_err(|_| ParseError(format!("ct(label): bad value \"{s}\"")))
                        };
                        let mut b = p(v)?.to_le_bytes().to_vec();
                        b.extend_from_slice(&m.map_or(Ok(u128::MAX), p)?.to_le_bytes());
                        w.attr(4, &b);
                    }
                    "helper" => w.attr_str(5, v.as_bytes()),
                    "timeout" => w.attr_str(9, v.as_bytes()),
                    _ => return err(format!("ct: unknown field \"{k}\"")),
                }
            }
        }
    }
    w.nest_end(n);
    Ok(())
}

fn set(w: &mut Writer, args: &str, ports: Option<&PortNumbers>) -> Result<(), ParseError> {
    let (name, inner) = call(args)?;
    let Some(inner) = inner else {
        return err(format!("set: expected set(FIELD(...)), got \"{args}\""));
    };
    let (kind, key, mask) =
        parse_key_attr(name, inner, ports).map_err(|e| ParseError(format!("set: {e}")))?;
    if kind == KEY_TUNNEL || mask.iter().all(|&b| b == 0xff) {
        let n = w.nest_noflag(ACT_SET);
        w.attr(kind, &key);
        w.nest_end(n);
    } else {
        let n = w.nest_noflag(ACT_SET_MASKED);
        let mut b = key;
        b.extend_from_slice(&mask);
        w.attr(kind, &b);
        w.nest_end(n);
    }
    Ok(())
}

fn nested_actions(
    w: &mut Writer,
    kind: u16,
    args: &str,
    ports: Option<&PortNumbers>,
) -> Result<(), ParseError> {
    let n = w.nest_noflag(kind);
    parse_into(args, ports, w)?;
    w.nest_end(n);
    Ok(())
}

fn parse_into(s: &str, ports: Option<&PortNumbers>, w: &mut Writer) -> Result<(), ParseError> {
    for item in split_top(s)? {
        let item = item.trim();
        if item.is_empty() {
            continue;
        }
        if let Some(p) = num(item) {
            if p > u32::MAX as u64 {
                return err(format!("output: port {item} is out of range"));
            }
            w.attr_u32(ACT_OUTPUT, p as u32);
            continue;
        }
        let (name, args) = call(item)?;
        match (name, args) {
            ("drop", None) => {}
            ("pop_vlan", None) => w.attr(ACT_POP_VLAN, &[]),
            ("ct_clear", None) => w.attr(ACT_CT_CLEAR, &[]),
            ("pop_eth", None) => w.attr(ACT_POP_ETH, &[]),
            ("ct", a) => ct(w, a)?,
            ("drop", Some(a)) => w.attr_u32(ACT_DROP, num_max(a, u32::MAX as u64, "drop")? as u32),
            ("push_vlan", Some(a)) => push_vlan(w, a)?,
            ("userspace", Some(a)) => userspace(w, a, ports)?,
            ("set", Some(a)) => set(w, a, ports)?,
            ("recirc", Some(a)) => {
                w.attr_u32(ACT_RECIRC, num_max(a, u32::MAX as u64, "recirc")? as u32)
            }
            ("meter", Some(a)) => {
                w.attr_u32(ACT_METER, num_max(a, u32::MAX as u64, "meter")? as u32)
            }
            ("trunc", Some(a)) => {
                w.attr_u32(ACT_TRUNC, num_max(a, u32::MAX as u64, "trunc")? as u32)
            }
            ("pop_mpls", Some(a)) => {
                let v = a
                    .strip_prefix("eth_type=")
                    .ok_or_else(|| ParseError("pop_mpls: expected eth_type=".into()))?;
                w.attr_u16(
                    ACT_POP_MPLS,
                    (num_max(v, 0xffff, "pop_mpls(eth_type)")? as u16).to_be(),
                );
            }
            ("push_mpls", Some(a)) => mpls_push(w, ACT_PUSH_MPLS, name, a)?,
            ("add_mpls", Some(a)) => mpls_push(w, ACT_ADD_MPLS, name, a)?,
            ("hash", Some(a)) => {
                let (alg, basis) = match call(a)? {
                    ("l4", Some(b)) => (0u32, b),
                    ("sym_l4", Some(b)) => (1u32, b),
                    _ => return err(format!("hash: unknown algorithm \"{a}\"")),
                };
                let mut b = alg.to_ne_bytes().to_vec();
                b.extend_from_slice(
                    &(num_max(basis, u32::MAX as u64, "hash basis")? as u32).to_ne_bytes(),
                );
                w.attr(ACT_HASH, &b);
            }
            ("push_eth", Some(a)) => {
                let mut b = vec![0u8; 12];
                for it in split_top(a)? {
                    let (k, v) = kv(it, "push_eth")?;
                    let off = match k {
                        "src" => 0,
                        "dst" => 6,
                        // odp-util's parser wants a type= it then ignores.
                        "type" => {
                            num_max(v, 0xffff, "push_eth(type)")?;
                            continue;
                        }
                        _ => return err(format!("push_eth: unknown field \"{k}\"")),
                    };
                    b[off..off + 6].copy_from_slice(&parse_value(Kind::Eth, v, "push_eth")?);
                }
                w.attr(ACT_PUSH_ETH, &b);
            }
            ("clone", Some(a)) => nested_actions(w, ACT_CLONE, a, ports)?,
            ("sample", Some(a)) => {
                let n = w.nest_noflag(ACT_SAMPLE);
                for part in split_top(a)? {
                    if let Some(p) = part.strip_prefix("sample=") {
                        let pct: f64 = p
                            .trim_end_matches('%')
                            .parse()
                            .ok()
                            .filter(|v: &f64| (0.0..=100.0).contains(v))
                            .ok_or_else(|| {
                                ParseError(format!("sample: bad probability \"{p}\""))
                            })?;
                        w.attr_u32(1, (pct / 100.0 * u32::MAX as f64).round() as u32);
                    } else if let ("actions", Some(acts)) = call(part)? {
                        nested_actions(w, 2, acts, ports)?;
                    } else {
                        return err(format!("sample: unknown field \"{part}\""));
                    }
                }
                w.nest_end(n);
            }
            ("check_pkt_len", Some(a)) => {
                let n = w.nest_noflag(ACT_CHECK_PKT_LEN);
                for part in split_top(a)? {
                    if let Some(v) = part.strip_prefix("size=") {
                        w.attr_u16(1, num_max(v, 0xffff, "check_pkt_len(size)")? as u16);
                    } else {
                        match call(part)? {
                            ("gt", Some(acts)) => nested_actions(w, 2, acts, ports)?,
                            ("le", Some(acts)) => nested_actions(w, 3, acts, ports)?,
                            _ => return err(format!("check_pkt_len: unknown field \"{part}\"")),
                        }
                    }
                }
                w.nest_end(n);
            }
            ("dec_ttl", Some(a)) => {
                let n = w.nest_noflag(ACT_DEC_TTL);
                let inner = match call(a)? {
                    ("le_1", Some(acts)) => acts,
                    _ => return err(format!("dec_ttl: expected le_1(...), got \"{a}\"")),
                };
                nested_actions(w, 1, inner, ports)?;
                w.nest_end(n);
            }
            (n, None) if !n.contains(['(', ')', '=']) => {
                w.attr_u32(ACT_OUTPUT, port_number(n, ports)?)
            }
            _ => return err(format!("unknown action \"{item}\"")),
        }
    }
    Ok(())
}
