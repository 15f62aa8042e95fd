//! `CT` (`ovs_ct_copy_action` / `parse_ct` / `parse_nat` and
//! `ovs_ct_action_to_attr` in conntrack.c). Debian's 6.12 build has
//! conntrack zones, marks, labels, timeouts and NAT all enabled, so every
//! `OVS_CT_ATTR_*` is understood.

use genl::{Attr, AttrIter, Errno, Writer};

use crate::FlowKey;

use super::consts::{act, ct, eth_p, nat, NFPROTO_IPV4, NFPROTO_IPV6};

/// `OVS_CT_NAT`: NAT for committed connections.
pub const CT_NAT: u8 = 1 << 0;
/// `OVS_CT_SRC_NAT`.
pub const CT_SRC_NAT: u8 = 1 << 1;
/// `OVS_CT_DST_NAT`.
pub const CT_DST_NAT: u8 = 1 << 2;

/// `NF_NAT_RANGE_MAP_IPS`.
pub const RANGE_MAP_IPS: u32 = 1 << 0;
/// `NF_NAT_RANGE_PROTO_SPECIFIED`.
pub const RANGE_PROTO_SPECIFIED: u32 = 1 << 1;
/// `NF_NAT_RANGE_PROTO_RANDOM`.
pub const RANGE_PROTO_RANDOM: u32 = 1 << 2;
/// `NF_NAT_RANGE_PERSISTENT`.
pub const RANGE_PERSISTENT: u32 = 1 << 3;
/// `NF_NAT_RANGE_PROTO_RANDOM_FULLY`.
pub const RANGE_PROTO_RANDOM_FULLY: u32 = 1 << 4;

/// `NF_CT_HELPER_NAME_LEN`.
const HELPER_NAME_LEN: usize = 16;
/// `CTNL_TIMEOUT_NAME_MAX`.
const TIMEOUT_NAME_MAX: usize = 32;

/// `struct ovs_conntrack_info`: a validated CT action.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct CtInfo {
    /// `NFPROTO_IPV4` or `NFPROTO_IPV6`, from the flow's EtherType.
    pub family: u8,
    /// Conntrack zone.
    pub zone: u16,
    /// `COMMIT` or `FORCE_COMMIT` given.
    pub commit: bool,
    /// `FORCE_COMMIT` given.
    pub force: bool,
    /// [`CT_NAT`] | [`CT_SRC_NAT`] | [`CT_DST_NAT`]; 0 without NAT.
    pub nat: u8,
    /// `EVENTMASK` given.
    pub have_eventmask: bool,
    /// Mask of `1 << IPCT_*`.
    pub eventmask: u32,
    /// Mark value to write (host order).
    pub mark: u32,
    /// Mark bits to write (0: none).
    pub mark_mask: u32,
    /// Labels value.
    pub labels: [u8; 16],
    /// Labels bits to write (all zero: none).
    pub labels_mask: [u8; 16],
    /// The conntrack helper (ALG) by its registered name.
    pub helper: Option<&'static str>,
    /// Timeout policy name (without its NUL; empty: none).
    pub timeout: Vec<u8>,
    /// NAT range (`struct nf_nat_range2`).
    pub range: NatRange,
}

/// `struct nf_nat_range2`, as far as OVS fills it.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct NatRange {
    /// `NF_NAT_RANGE_*` flags.
    pub flags: u32,
    /// Lowest address (IPv4 in the first 4 bytes).
    pub min_addr: [u8; 16],
    /// Highest address.
    pub max_addr: [u8; 16],
    /// Lowest port (host order).
    pub min_proto: u16,
    /// Highest port (host order).
    pub max_proto: u16,
}

/// A conntrack helper the Debian kernel can load: name, address family
/// (`None`: any), IP protocol, and whether a NAT helper module exists.
struct Helper {
    name: &'static str,
    family: Option<u8>,
    proto: u8,
    nat: bool,
}

/// The helpers registered by Debian 6.12's `nf_conntrack_*` modules
/// (`request_module("nfct-helper-%s")` loads them on demand).
const HELPERS: &[Helper] = &[
    Helper {
        name: "ftp",
        family: Some(NFPROTO_IPV4),
        proto: 6,
        nat: true,
    },
    Helper {
        name: "ftp",
        family: Some(NFPROTO_IPV6),
        proto: 6,
        nat: true,
    },
    Helper {
        name: "tftp",
        family: Some(NFPROTO_IPV4),
        proto: 17,
        nat: true,
    },
    Helper {
        name: "tftp",
        family: Some(NFPROTO_IPV6),
        proto: 17,
        nat: true,
    },
    Helper {
        name: "irc",
        family: Some(NFPROTO_IPV4),
        proto: 6,
        nat: true,
    },
    Helper {
        name: "sip",
        family: Some(NFPROTO_IPV4),
        proto: 17,
        nat: true,
    },
    Helper {
        name: "sip",
        family: Some(NFPROTO_IPV4),
        proto: 6,
        nat: true,
    },
    Helper {
        name: "sip",
        family: Some(NFPROTO_IPV6),
        proto: 17,
        nat: true,
    },
    Helper {
        name: "sip",
        family: Some(NFPROTO_IPV6),
        proto: 6,
        nat: true,
    },
    Helper {
        name: "amanda",
        family: Some(NFPROTO_IPV4),
        proto: 17,
        nat: true,
    },
    Helper {
        name: "amanda",
        family: Some(NFPROTO_IPV6),
        proto: 17,
        nat: true,
    },
    Helper {
        name: "Q.931",
        family: Some(NFPROTO_IPV4),
        proto: 6,
        nat: false,
    },
    Helper {
        name: "Q.931",
        family: Some(NFPROTO_IPV6),
        proto: 6,
        nat: false,
    },
    Helper {
        name: "RAS",
        family: Some(NFPROTO_IPV4),
        proto: 17,
        nat: false,
    },
    Helper {
        name: "RAS",
        family: Some(NFPROTO_IPV6),
        proto: 17,
        nat: false,
    },
    Helper {
        name: "H.245",
        family: None,
        proto: 17,
        nat: false,
    },
    Helper {
        name: "pptp",
        family: Some(NFPROTO_IPV4),
        proto: 6,
        nat: false,
    },
    Helper {
        name: "sane",
        family: Some(NFPROTO_IPV4),
        proto: 6,
        nat: false,
    },
    Helper {
        name: "sane",
        family: Some(NFPROTO_IPV6),
        proto: 6,
        nat: false,
    },
    Helper {
        name: "snmp",
        family: Some(NFPROTO_IPV4),
        proto: 17,
        nat: false,
    },
    Helper {
        name: "netbios-ns",
        family: Some(NFPROTO_IPV4),
        proto: 17,
        nat: false,
    },
];

/// `ovs_ct_attr_lens`: (min, max) payload length per type.
fn attr_lens(t: u16) -> (usize, usize) {
    match t {
        ct::ZONE => (2, 2),
        ct::MARK => (8, 8),
        ct::LABELS => (32, 32),
        ct::HELPER => (1, HELPER_NAME_LEN),
        ct::NAT => (0, usize::MAX),
        ct::EVENTMASK => (4, 4),
        ct::TIMEOUT => (1, TIMEOUT_NAME_MAX),
        // COMMIT, FORCE_COMMIT, and the unused type 0
        _ => (0, 0),
    }
}

/// The bytes of a C string up to its NUL, or `None` if there is none
/// (`string_is_terminated`).
fn c_str(p: &[u8]) -> Option<&[u8]> {
    p.iter().position(|&b| b == 0).map(|n| &p[..n])
}

/// `ovs_ct_copy_action`: `a` is the CT action, `key` the flow's key.
pub fn copy_ct(a: &Attr<'_>, key: &FlowKey) -> Result<CtInfo, Errno> {
    // key_to_nfproto
    let family = match key.eth_type() {
        eth_p::IP => NFPROTO_IPV4,
        eth_p::IPV6 => NFPROTO_IPV6,
        _ => return Err(Errno::EINVAL),
    };
    let mut info = CtInfo {
        family,
        ..CtInfo::default()
    };
    let helper = parse_ct(a.payload, &mut info)?;
    if let Some(name) = helper {
        info.helper = Some(add_helper(name, family, key.ip_proto, info.nat != 0)?);
    }
    Ok(info)
}

/// `nf_ct_add_helper`: an unknown helper is `-EINVAL`; asking for NAT with
/// a helper that has no NAT module is `-ENOENT`.
fn add_helper(name: &[u8], family: u8, proto: u8, with_nat: bool) -> Result<&'static str, Errno> {
    let h = HELPERS
        .iter()
        .find(|h| {
            h.name.as_bytes() == name && h.family.is_none_or(|f| f == family) && h.proto == proto
        })
        .ok_or(Errno::EINVAL)?;
    if with_nat && !h.nat {
        return Err(Errno::ENOENT);
    }
    Ok(h.name)
}

/// `parse_ct`: fills `info`, returns the helper name if one was given.
fn parse_ct<'a>(buf: &'a [u8], info: &mut CtInfo) -> Result<Option<&'a [u8]>, Errno> {
    let mut helper = None;
    let mut it = AttrIter::new(buf);
    for a in it.by_ref() {
        let p = a.payload;
        if a.kind > ct::MAX {
            return Err(Errno::EINVAL);
        }
        let (min, max) = attr_lens(a.kind);
        if p.len() < min || p.len() > max {
            return Err(Errno::EINVAL);
        }
        match a.kind {
            ct::FORCE_COMMIT => {
                info.force = true;
                info.commit = true;
            }
            ct::COMMIT => info.commit = true,
            ct::ZONE => info.zone = a.u16().unwrap_or(0),
            ct::MARK => {
                let mask = u32::from_ne_bytes([p[4], p[5], p[6], p[7]]);
                if mask == 0 {
                    return Err(Errno::EINVAL);
                }
                info.mark = u32::from_ne_bytes([p[0], p[1], p[2], p[3]]);
                info.mark_mask = mask;
            }
            ct::LABELS => {
                if p[16..].iter().all(|&b| b == 0) {
                    return Err(Errno::EINVAL);
                }
                info.labels.copy_from_slice(&p[..16]);
                info.labels_mask.copy_from_slice(&p[16..]);
            }
            ct::HELPER => helper = Some(c_str(p).ok_or(Errno::EINVAL)?),
            ct::NAT => parse_nat(p, info)?,
            ct::EVENTMASK => {
                info.have_eventmask = true;
                info.eventmask = a.u32().unwrap_or(0);
            }
            ct::TIMEOUT => info.timeout = c_str(p).ok_or(Errno::EINVAL)?.to_vec(),
            _ => return Err(Errno::EINVAL),
        }
    }
    if !info.commit && (info.mark_mask != 0 || info.labels_mask != [0; 16]) {
        return Err(Errno::EINVAL);
    }
    if it.leftover() > 0 {
        return Err(Errno::EINVAL);
    }
    Ok(helper)
}

/// `parse_nat`: note it sees only the COMMIT flags that came before it.
fn parse_nat(buf: &[u8], info: &mut CtInfo) -> Result<(), Errno> {
    let v6 = info.family == NFPROTO_IPV6;
    let addr_len = if v6 { 16 } else { 4 };
    let (mut have_ip_max, mut have_proto_max) = (false, false);
    let r = &mut info.range;
    let mut it = AttrIter::new(buf);
    for a in it.by_ref() {
        let p = a.payload;
        if a.kind > nat::MAX {
            return Err(Errno::EINVAL);
        }
        let want = match a.kind {
            nat::IP_MIN | nat::IP_MAX => addr_len,
            nat::PROTO_MIN | nat::PROTO_MAX => 2,
            _ => 0,
        };
        if p.len() != want {
            return Err(Errno::EINVAL);
        }
        match a.kind {
            nat::SRC | nat::DST => {
                if info.nat != 0 {
                    return Err(Errno::ERANGE);
                }
                info.nat = CT_NAT
                    | if a.kind == nat::SRC {
                        CT_SRC_NAT
                    } else {
                        CT_DST_NAT
                    };
            }
            nat::IP_MIN => {
                r.min_addr = [0; 16];
                r.min_addr[..p.len()].copy_from_slice(p);
                r.flags |= RANGE_MAP_IPS;
            }
            nat::IP_MAX => {
                have_ip_max = true;
                r.max_addr = [0; 16];
                r.max_addr[..p.len()].copy_from_slice(p);
                r.flags |= RANGE_MAP_IPS;
            }
            nat::PROTO_MIN => {
                r.min_proto = a.u16().unwrap_or(0);
                r.flags |= RANGE_PROTO_SPECIFIED;
            }
            nat::PROTO_MAX => {
                have_proto_max = true;
                r.max_proto = a.u16().unwrap_or(0);
                r.flags |= RANGE_PROTO_SPECIFIED;
            }
            nat::PERSISTENT => r.flags |= RANGE_PERSISTENT,
            nat::PROTO_HASH => r.flags |= RANGE_PROTO_RANDOM,
            nat::PROTO_RANDOM => r.flags |= RANGE_PROTO_RANDOM_FULLY,
            _ => return Err(Errno::EINVAL),
        }
    }
    if it.leftover() > 0 {
        return Err(Errno::EINVAL);
    }
    if info.nat == 0 {
        if r.flags != 0 {
            return Err(Errno::EINVAL);
        }
        info.nat = CT_NAT;
    } else if !info.commit {
        return Err(Errno::EINVAL);
    }
    if r.flags & RANGE_MAP_IPS != 0 && !have_ip_max {
        r.max_addr = r.min_addr;
    }
    if r.flags & RANGE_PROTO_SPECIFIED != 0 && !have_proto_max {
        r.max_proto = r.min_proto;
    }
    Ok(())
}

/// `ovs_ct_action_to_attr`.
pub fn put_ct(w: &mut Writer, c: &CtInfo) {
    let start = w.nest_noflag(act::CT);
    if c.commit {
        w.attr_flag(if c.force {
            ct::FORCE_COMMIT
        } else {
            ct::COMMIT
        });
    }
    w.attr_u16(ct::ZONE, c.zone);
    if c.mark_mask != 0 {
        let mut m = [0u8; 8];
        m[..4].copy_from_slice(&c.mark.to_ne_bytes());
        m[4..].copy_from_slice(&c.mark_mask.to_ne_bytes());
        w.attr(ct::MARK, &m);
    }
    if c.labels_mask != [0; 16] {
        let mut l = [0u8; 32];
        l[..16].copy_from_slice(&c.labels);
        l[16..].copy_from_slice(&c.labels_mask);
        w.attr(ct::LABELS, &l);
    }
    if let Some(h) = c.helper {
        w.attr_str(ct::HELPER, h.as_bytes());
    }
    if c.have_eventmask {
        w.attr_u32(ct::EVENTMASK, c.eventmask);
    }
    if !c.timeout.is_empty() {
        w.attr_str(ct::TIMEOUT, &c.timeout);
    }
    if c.nat != 0 {
        put_nat(w, c);
    }
    w.nest_end(start);
}

/// `ovs_ct_nat_to_attr`.
fn put_nat(w: &mut Writer, c: &CtInfo) {
    let start = w.nest_noflag(ct::NAT);
    let r = &c.range;
    if c.nat & (CT_SRC_NAT | CT_DST_NAT) != 0 {
        w.attr_flag(if c.nat & CT_SRC_NAT != 0 {
            nat::SRC
        } else {
            nat::DST
        });
        if r.flags & RANGE_MAP_IPS != 0 {
            let n = if c.family == NFPROTO_IPV4 { 4 } else { 16 };
            w.attr(nat::IP_MIN, &r.min_addr[..n]);
            if r.max_addr[..n] != r.min_addr[..n] {
                w.attr(nat::IP_MAX, &r.max_addr[..n]);
            }
        }
        if r.flags & RANGE_PROTO_SPECIFIED != 0 {
            w.attr_u16(nat::PROTO_MIN, r.min_proto);
            if r.max_proto != r.min_proto {
                w.attr_u16(nat::PROTO_MAX, r.max_proto);
            }
        }
        if r.flags & RANGE_PERSISTENT != 0 {
            w.attr_flag(nat::PERSISTENT);
        }
        if r.flags & RANGE_PROTO_RANDOM != 0 {
            w.attr_flag(nat::PROTO_HASH);
        }
        if r.flags & RANGE_PROTO_RANDOM_FULLY != 0 {
            w.attr_flag(nat::PROTO_RANDOM);
        }
    }
    w.nest_end(start);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ct_attr(f: impl FnOnce(&mut Writer)) -> Vec<u8> {
        let mut w = Writer::new();
        let m = w.nest_noflag(act::CT);
        f(&mut w);
        w.nest_end(m);
        w.take()
    }

    fn key(eth: u16, proto: u8) -> FlowKey {
        FlowKey {
            eth_type: eth.to_be_bytes(),
            ip_proto: proto,
            ..FlowKey::default()
        }
    }

    fn run(b: &[u8], k: &FlowKey) -> Result<CtInfo, Errno> {
        copy_ct(&AttrIter::new(b).next().unwrap(), k)
    }

    fn put(c: &CtInfo) -> Vec<u8> {
        let mut w = Writer::new();
        put_ct(&mut w, c);
        w.take()
    }

    #[test]
    fn needs_ip_flow_and_always_reports_zone() {
        let b = ct_attr(|_| {});
        assert_eq!(run(&b, &key(0x0806, 0)).unwrap_err(), Errno::EINVAL);
        let c = run(&b, &key(0x0800, 6)).unwrap();
        assert_eq!(put(&c), ct_attr(|w| w.attr_u16(ct::ZONE, 0)));
    }

    #[test]
    fn canonical_order() {
        let k = key(0x0800, 6);
        let req = ct_attr(|w| {
            let n = w.nest_noflag(ct::NAT);
            w.nest_end(n);
            w.attr_str(ct::TIMEOUT, b"pol");
            w.attr_u32(ct::EVENTMASK, 3);
            w.attr_str(ct::HELPER, b"ftp");
            w.attr(ct::MARK, &[1, 0, 0, 0, 1, 0, 0, 0]);
            w.attr_u16(ct::ZONE, 5);
            w.attr_flag(ct::FORCE_COMMIT);
        });
        // NAT before COMMIT is fine when it names no type
        let c = run(&req, &k).unwrap();
        let want = ct_attr(|w| {
            w.attr_flag(ct::FORCE_COMMIT);
            w.attr_u16(ct::ZONE, 5);
            w.attr(ct::MARK, &[1, 0, 0, 0, 1, 0, 0, 0]);
            w.attr_str(ct::HELPER, b"ftp");
            w.attr_u32(ct::EVENTMASK, 3);
            w.attr_str(ct::TIMEOUT, b"pol");
            let n = w.nest_noflag(ct::NAT);
            w.nest_end(n);
        });
        assert_eq!(put(&c), want);
    }

    #[test]
    fn mark_and_labels_need_commit_and_mask() {
        let k = key(0x0800, 6);
        let b = ct_attr(|w| w.attr(ct::MARK, &[1, 0, 0, 0, 1, 0, 0, 0]));
        assert_eq!(run(&b, &k).unwrap_err(), Errno::EINVAL);
        let b = ct_attr(|w| {
            w.attr_flag(ct::COMMIT);
            w.attr(ct::MARK, &[1, 0, 0, 0, 0, 0, 0, 0]);
        });
        assert_eq!(run(&b, &k).unwrap_err(), Errno::EINVAL);
        let b = ct_attr(|w| {
            w.attr_flag(ct::COMMIT);
            w.attr(ct::LABELS, &[0; 32]);
        });
        assert_eq!(run(&b, &k).unwrap_err(), Errno::EINVAL);
    }

    #[test]
    fn nat_rules() {
        let k = key(0x0800, 17);
        // SNAT without a preceding COMMIT
        let b = ct_attr(|w| {
            let n = w.nest_noflag(ct::NAT);
            w.attr_flag(nat::SRC);
            w.nest_end(n);
            w.attr_flag(ct::COMMIT);
        });
        assert_eq!(run(&b, &k).unwrap_err(), Errno::EINVAL);
        // both SRC and DST
        let b = ct_attr(|w| {
            w.attr_flag(ct::COMMIT);
            let n = w.nest_noflag(ct::NAT);
            w.attr_flag(nat::SRC);
            w.attr_flag(nat::DST);
            w.nest_end(n);
        });
        assert_eq!(run(&b, &k).unwrap_err(), Errno::ERANGE);
        // flags without a type
        let b = ct_attr(|w| {
            let n = w.nest_noflag(ct::NAT);
            w.attr_flag(nat::PERSISTENT);
            w.nest_end(n);
        });
        assert_eq!(run(&b, &k).unwrap_err(), Errno::EINVAL);
        // a full range: missing maxima echo as absent
        let b = ct_attr(|w| {
            w.attr_flag(ct::COMMIT);
            let n = w.nest_noflag(ct::NAT);
            w.attr_flag(nat::PROTO_RANDOM);
            w.attr_u16(nat::PROTO_MIN, 1000);
            w.attr(nat::IP_MIN, &[10, 0, 0, 1]);
            w.attr_flag(nat::DST);
            w.nest_end(n);
        });
        let c = run(&b, &k).unwrap();
        let want = ct_attr(|w| {
            w.attr_flag(ct::COMMIT);
            w.attr_u16(ct::ZONE, 0);
            let n = w.nest_noflag(ct::NAT);
            w.attr_flag(nat::DST);
            w.attr(nat::IP_MIN, &[10, 0, 0, 1]);
            w.attr_u16(nat::PROTO_MIN, 1000);
            w.attr_flag(nat::PROTO_RANDOM);
            w.nest_end(n);
        });
        assert_eq!(put(&c), want);
        // IPv6 address length on an IPv4 flow
        let b = ct_attr(|w| {
            w.attr_flag(ct::COMMIT);
            let n = w.nest_noflag(ct::NAT);
            w.attr_flag(nat::SRC);
            w.attr(nat::IP_MIN, &[0; 16]);
            w.nest_end(n);
        });
        assert_eq!(run(&b, &k).unwrap_err(), Errno::EINVAL);
    }

    #[test]
    fn helpers() {
        let b = ct_attr(|w| w.attr_str(ct::HELPER, b"ftp"));
        assert!(run(&b, &key(0x86dd, 6)).is_ok());
        // wrong protocol for the helper
        assert_eq!(run(&b, &key(0x0800, 17)).unwrap_err(), Errno::EINVAL);
        let b = ct_attr(|w| w.attr_str(ct::HELPER, b"nope"));
        assert_eq!(run(&b, &key(0x0800, 6)).unwrap_err(), Errno::EINVAL);
        // NAT with a helper lacking a NAT module
        let b = ct_attr(|w| {
            w.attr_str(ct::HELPER, b"pptp");
            let n = w.nest_noflag(ct::NAT);
            w.nest_end(n);
        });
        assert_eq!(run(&b, &key(0x0800, 6)).unwrap_err(), Errno::ENOENT);
        // unterminated helper name; over-long timeout
        let b = ct_attr(|w| w.attr(ct::HELPER, b"ftp"));
        assert_eq!(run(&b, &key(0x0800, 6)).unwrap_err(), Errno::EINVAL);
        let b = ct_attr(|w| w.attr(ct::TIMEOUT, &[b'a'; 33]));
        assert_eq!(run(&b, &key(0x0800, 6)).unwrap_err(), Errno::EINVAL);
    }

    #[test]
    fn timeout_is_echoed_up_to_its_nul() {
        let b = ct_attr(|w| w.attr(ct::TIMEOUT, b"ab\0cd\0"));
        let c = run(&b, &key(0x0800, 6)).unwrap();
        let want = ct_attr(|w| {
            w.attr_u16(ct::ZONE, 0);
            w.attr_str(ct::TIMEOUT, b"ab");
        });
        assert_eq!(put(&c), want);
    }
}
