//! `dump-flows filter=…`: OpenFlow match syntax as ovs-dpctl reads it
//! (`parse_ofp_exact_flow`): `field=value` pairs (also `field:value` and
//! `field(value)`) and protocol shorthands, every value exact, each field
//! only after its prerequisites (`tcp,tcp_dst=80`; `ip,nw_dst=10.0.0.1`).
//! A dumped flow passes when it agrees with the filter on every bit both
//! match on: a field the flow wildcards never excludes it.

pub mod fields;
pub mod view;

#[cfg(test)]
mod tests;

use crate::flows::FlowInfo;
use crate::odp::key_parse::parse_flags;
use crate::odp::lex::num;
use fields::{field, protocol, Field, Prereq, Syntax};
use std::collections::HashMap;
use std::net::{Ipv4Addr, Ipv6Addr};
use view::Fid;

/// A parsed filter: per flow field, value and mask.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    fields: HashMap<Fid, (u128, u128)>,
}

/// Splits the next `key[=:(]value` pair off `s` (`ofputil_parse_key_value`).
fn next_pair(s: &str) -> Option<(&str, &str, &str)> {
    let s = s.trim_start_matches([',', ' ', '\t', '\r', '\n']);
    if s.is_empty() {
        return None;
    }
    let klen = s
        .find([':', '=', '(', ',', ' ', '\t', '\r', '\n'])
        .unwrap_or(s.len());
    let key = &s[..klen];
    let delim = s[klen..].chars().next();
    let rest = &s[(klen + delim.map_or(0, char::len_utf8)).min(s.len())..];
    let ends: &[char] = match delim {
        Some(':') | Some('=') => &[',', ' ', '\t', '\r', '\n'],
        Some('(') => &[')'],
        _ => return Some((key, "", rest)),
    };
    let mut depth = 0usize;
    let mut vlen = rest.len();
    for (i, c) in rest.char_indices() {
        if depth == 0 && ends.contains(&c) {
            vlen = i;
            break;
        }
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    let value = &rest[..vlen];
    let after = &rest[vlen..];
    let after = after
        .strip_prefix(')')
        .filter(|_| delim == Some('('))
        .unwrap_or(after);
    Some((key, value, after))
}

/// A field value and its mask, as bytes of the field's width.
fn parse_value(f: &Field, s: &str, ports: &[(String, u32)]) -> Result<u128, String> {
    let all = if f.width >= 16 {
        u128::MAX
    } else {
        (1u128 << (f.width * 8)) - 1
    };
    let exact = |m: u128| -> Result<(), String> {
        if m & all == all {
            Ok(())
        } else {
            Err(format!("{s}: wildcards not allowed here"))
        }
    };
    let (v, m) = match s.split_once('/') {
        Some((v, m)) => (v, Some(m)),
        None => (s, None),
    };
    match f.syntax {
        Syntax::Int => {
            let int = |x: &str, what: &str| -> Result<u128, String> {
                let n = num(x).ok_or_else(|| format!("{s}: bad syntax for {} {what}", f.name))?;
                if n as u128 > all {
                    return Err(format!(
                        "{s}: {what} too large for {}-byte field {}",
                        f.width, f.name
                    ));
                }
                Ok(n as u128)
            };
            let val = int(v, "value")?;
            if let Some(m) = m {
                exact(int(m, "mask")?)?;
            }
            Ok(val)
        }
        Syntax::Ip4 => {
            let ip = |x: &str| x.parse::<Ipv4Addr>().map(|a| u32::from(a) as u128);
            let val = ip(v).map_err(|_| format!("{s}: invalid IP address"))?;
            if let Some(m) = m {
                let mv = match m.parse::<u32>() {
                    Ok(32) => all,
                    Ok(_) => 0,
                    Err(_) => ip(m).map_err(|_| format!("{s}: invalid IP address"))?,
                };
                exact(mv)?;
            }
            Ok(val)
        }
        Syntax::Ip6 => {
            let ip = |x: &str| x.parse::<Ipv6Addr>().map(u128::from);
            let val = ip(v).map_err(|_| format!("{s}: invalid IPv6 address"))?;
            if let Some(m) = m {
                let mv = match m.parse::<u32>() {
                    Ok(128) => all,
                    Ok(_) => 0,
                    Err(_) => ip(m).map_err(|_| format!("{s}: invalid IPv6 address"))?,
                };
                exact(mv)?;
            }
            Ok(val)
        }
        Syntax::Mac => {
            let mac = |x: &str| -> Option<u128> {
                let b: Vec<u8> = x
                    .split(':')
                    .map(|p| u8::from_str_radix(p, 16).ok())
                    .collect::<Option<_>>()?;
                (b.len() == 6).then(|| b.iter().fold(0u128, |a, &x| a << 8 | x as u128))
            };
            let val = mac(v).ok_or_else(|| format!("{s}: invalid Ethernet address"))?;
            if let Some(m) = m {
                exact(mac(m).ok_or_else(|| format!("{s}: invalid Ethernet address"))?)?;
            }
            Ok(val)
        }
        Syntax::Port => match num(s) {
            Some(n) if n <= 0xffff => Ok(n as u128),
            Some(_) => Err(format!("{s}: port value out of range for {}", f.name)),
            None => ports
                .iter()
                .find(|(name, _)| name == s)
                .map(|(_, no)| *no as u128)
                .ok_or_else(|| format!("{s}: invalid or unknown port for {}", f.name)),
        },
        Syntax::CtState | Syntax::TcpFlags => {
            let (names, max): (&[&str], u32) = if f.syntax == Syntax::CtState {
                (
                    &["new", "est", "rel", "rpl", "inv", "trk", "snat", "dnat"],
                    0xff,
                )
            } else {
                (
                    &["fin", "syn", "rst", "psh", "ack", "urg", "ece", "cwr", "ns"],
                    0x0fff,
                )
            };
            let (v, m) = parse_flags(f.name, s, names, max).map_err(|e| format!("{s}: {e}"))?;
            if m & max != max {
                return Err(format!("{s}: wildcards not allowed here"));
            }
            Ok(v as u128)
        }
    }
}

impl Filter {
    fn get(&self, fid: Fid) -> u128 {
        self.fields.get(&fid).map_or(0, |x| x.0)
    }

    /// `mf_are_prereqs_ok` on the filter built so far.
    fn prereq_ok(&self, p: Prereq) -> bool {
        let dl = self.get(Fid::DlType);
        let proto = self.get(Fid::NwProto);
        let ip = dl == 0x0800 || dl == 0x86dd;
        let nd = dl == 0x86dd
            && proto == 58
            && self.get(Fid::TpDst) == 0
            && matches!(self.get(Fid::TpSrc), 135 | 136);
        match p {
            Prereq::None => true,
            Prereq::Vlan => self.get(Fid::VlanTci) & 0x1000 != 0,
            Prereq::Mpls => dl == 0x8847 || dl == 0x8848,
            Prereq::Ip4 => dl == 0x0800,
            Prereq::Ip6 => dl == 0x86dd,
            Prereq::IpAny => ip,
            Prereq::Arp => dl == 0x0806 || dl == 0x8035,
            Prereq::Tcp => ip && proto == 6,
            Prereq::Udp => ip && proto == 17,
            Prereq::Sctp => ip && proto == 132,
            Prereq::Icmp4 => dl == 0x0800 && proto == 1,
            Prereq::Icmp6 => dl == 0x86dd && proto == 58,
            Prereq::Nd => nd,
            Prereq::NdSolicit => nd && self.get(Fid::TpSrc) == 135,
            Prereq::NdAdvert => nd && self.get(Fid::TpSrc) == 136,
        }
    }

    fn set(&mut self, f: &Field, value: u128) {
        let e = self.fields.entry(f.fid).or_insert((0, 0));
        let v = (value << f.shift) & f.bits;
        e.0 = (e.0 & !(f.bits | f.fixed)) | v | f.fixed;
        e.1 |= f.bits | f.fixed;
    }

    /// Parses filter `s`; `ports` name the datapath's ports for `in_port`.
    /// Errors read as ovs-dpctl's (`FILTER: unknown field foo`).
    pub fn parse(s: &str, ports: &[(String, u32)]) -> Result<Filter, String> {
        let mut f = Filter::default();
        let mut rest = s;
        while let Some((key, value, after)) = next_pair(rest) {
            rest = after;
            if let Some((dl_type, proto)) = protocol(key) {
                if f.get(Fid::DlType) != 0 {
                    return Err(format!("{s}: Ethernet type set multiple times"));
                }
                f.fields.insert(Fid::DlType, (dl_type as u128, 0xffff));
                if proto != 0 {
                    if f.get(Fid::NwProto) != 0 {
                        return Err(format!("{s}: network protocol set multiple times"));
                    }
                    f.fields.insert(Fid::NwProto, (proto as u128, 0xff));
                }
                continue;
            }
            let Some(fd) = field(key) else {
                return Err(format!("{s}: unknown field {key}"));
            };
            if !f.prereq_ok(fd.prereq) {
                return Err(format!("{s}: prerequisites not met for setting {key}"));
            }
            if f.get(fd.fid) & fd.bits != 0 {
                return Err(format!("{s}: field {key} set multiple times"));
            }
            let v = parse_value(fd, value, ports)
                .map_err(|e| format!("{s}: bad value for {key} ({e})"))?;
            f.set(fd, v);
        }
        Ok(f)
    }

    /// True when the flow agrees with the filter on every bit both match.
    pub fn matches(&self, flow: &FlowInfo) -> bool {
        let v = view::view(&flow.key, flow.mask.as_deref());
        self.fields.iter().all(|(fid, (fv, fm))| {
            let (x, m) = v.get(fid).copied().unwrap_or((0, 0));
            (x ^ fv) & m & fm == 0
        })
    }
}
