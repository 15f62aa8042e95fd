//! Action lists (`OVS_ACTION_ATTR_*`) printed as odp-util's
//! `format_odp_actions` prints them.

use super::attrs::*;
use super::key_format::{chomp, format_key_attr, mpls_lse, vlan_tci, PortNames};
use super::util::*;
use genl::AttrIter;

fn port(p: u32, names: Option<&PortNames>) -> String {
    match names.and_then(|n| n.iter().find(|(no, _)| *no == p)) {
        Some((_, name)) => name.clone(),
        None => p.to_string(),
    }
}

fn generic(kind: u16, payload: &[u8]) -> String {
    let mut s = format!("action{kind}");
    if !payload.is_empty() {
        s.push('(');
        s.push_str(
            &payload
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<String>(),
        );
        s.push(')');
    }
    s
}

fn userspace(p: &[u8], names: Option<&PortNames>) -> String {
    let mut s = String::from("userspace(");
    let mut pid = 0;
    let mut userdata = None;
    let mut actions = false;
    let mut tun_port = None;
    for a in AttrIter::new(p) {
        match a.kind {
            1 => pid = a.u32().unwrap_or(0),
            2 => userdata = Some(a.payload),
            3 => tun_port = a.u32(),
            4 => actions = true,
            _ => {}
        }
    }
    s.push_str(&format!("pid={pid}"));
    if let Some(u) = userdata {
        s.push_str(&format!(
            ",userdata({})",
            u.iter().map(|b| format!("{b:02x}")).collect::<String>()
        ));
    }
    if actions {
        s.push_str(",actions");
    }
    if let Some(t) = tun_port {
        s.push_str(&format!(",tunnel_out_port={}", port(t, names)));
    }
    s.push(')');
    s
}

fn nat(p: &[u8]) -> String {
    let (mut src, mut dst, mut persistent, mut hash, mut random) =
        (false, false, false, false, false);
    let (mut ip_min, mut ip_max, mut pmin, mut pmax) = (None, None, None, None);
    for a in AttrIter::new(p) {
        match a.kind {
            1 => src = true,
            2 => dst = true,
            3 => ip_min = Some(a.payload),
            4 => ip_max = Some(a.payload),
            5 => pmin = a.u16(),
            6 => pmax = a.u16(),
            7 => persistent = true,
            8 => hash = true,
            9 => random = true,
            _ => {}
        }
    }
    let ip = |b: &[u8]| {
        if b.len() == 4 {
            ip4(b)
        } else if b.len() == 16 {
            format!("[{}]", ip6(b))
        } else {
            "?".into()
        }
    };
    let mut s = String::from("nat");
    if src || dst {
        s.push('(');
        s.push_str(if src { "src" } else { "dst" });
        if let Some(min) = ip_min {
            s.push('=');
            s.push_str(&ip(min));
            if let Some(max) = ip_max.filter(|m| *m != min) {
                s.push('-');
                s.push_str(&ip(max));
            }
            if let Some(pm) = pmin {
                s.push_str(&format!(":{pm}"));
                if let Some(px) = pmax.filter(|x| *x != pm) {
                    s.push_str(&format!("-{px}"));
                }
            }
        }
        s.push(',');
        if persistent {
            s.push_str("persistent,");
        }
        if hash {
            s.push_str("hash,");
        }
        if random {
            s.push_str("random,");
        }
        chomp(&mut s, ',');
        s.push(')');
    }
    s
}

fn ct(p: &[u8]) -> String {
    let mut parts = Vec::new();
    let mut nat_s = None;
    let (mut commit, mut force, mut zone, mut mark, mut label, mut helper, mut timeout) =
        (false, false, 0u16, None, None, None, None);
    for a in AttrIter::new(p) {
        match a.kind {
            1 => commit = true,
            2 => zone = a.u16().unwrap_or(0),
            3 if a.payload.len() >= 8 => mark = Some((ne32(a.payload, 0), ne32(a.payload, 4))),
            4 if a.payload.len() >= 32 => label = Some(a.payload),
            5 => helper = Some(String::from_utf8_lossy(a.c_str()).into_owned()),
            6 => nat_s = Some(nat(a.payload)),
            7 => force = true,
            9 => timeout = Some(String::from_utf8_lossy(a.c_str()).into_owned()),
            _ => {}
        }
    }
    if commit {
        parts.push("commit".to_string());
    }
    if force {
        parts.push("force_commit".to_string());
    }
    if zone != 0 {
        parts.push(format!("zone={zone}"));
    }
    if let Some((v, m)) = mark {
        parts.push(format!("mark={}/{}", hx(v as u64), hx(m as u64)));
    }
    if let Some(l) = label {
        let be = |b: &[u8]| {
            let mut a = [0u8; 16];
            a.copy_from_slice(&b[..16]);
            u128::from_le_bytes(a).to_be_bytes()
        };
        let (v, m) = (be(&l[..16]), be(&l[16..32]));
        let mut s = format!("label={}", put_hex(&v));
        if !all(&m, 0xff) {
            s.push('/');
            s.push_str(&put_hex(&m));
        }
        parts.push(s);
    }
    if let Some(h) = helper {
        parts.push(format!("helper={h}"));
    }
    if let Some(t) = timeout {
        parts.push(format!("timeout={t}"));
    }
    if let Some(n) = nat_s {
        parts.push(n);
    }
    if parts.is_empty() {
        "ct".into()
    } else {
        format!("ct({})", parts.join(","))
    }
}

fn format_set(p: &[u8], masked: bool) -> String {
    let Some(a) = AttrIter::new(p).next() else {
        return "set()".into();
    };
    let mut s = String::from("set(");
    if masked {
        let half = a.payload.len() / 2;
        format_key_attr(
            &mut s,
            a.kind,
            &a.payload[..half],
            Some(&a.payload[half..half * 2]),
            None,
            false,
        );
    } else {
        format_key_attr(&mut s, a.kind, a.payload, None, None, true);
    }
    s.push(')');
    s
}

/// Formats one action.
pub fn format_action(a: &genl::Attr<'_>, names: Option<&PortNames>) -> String {
    let p = a.payload;
    let fixed = |n: usize| p.len() == n;
    match a.kind {
        ACT_OUTPUT if fixed(4) => port(ne32(p, 0), names),
        ACT_USERSPACE => userspace(p, names),
        ACT_SET => format_set(p, false),
        ACT_SET_MASKED => format_set(p, true),
        ACT_PUSH_VLAN if fixed(4) => {
            let tpid = be16(p, 0);
            let mut s = String::from("push_vlan(");
            if tpid != 0x8100 {
                s.push_str(&format!("tpid=0x{tpid:04x},"));
            }
            s.push_str(&vlan_tci(be16(p, 2)));
            s.push(')');
            s
        }
        ACT_POP_VLAN if fixed(0) => "pop_vlan".into(),
        ACT_SAMPLE => {
            let mut prob = 0u32;
            let mut acts: &[u8] = &[];
            for x in AttrIter::new(p) {
                match x.kind {
                    1 => prob = x.u32().unwrap_or(0),
                    2 => acts = x.payload,
                    _ => {}
                }
            }
            format!(
                "sample(sample={:.1}%,actions({}))",
                100.0 * prob as f64 / u32::MAX as f64,
                format_actions(acts, names)
            )
        }
        ACT_RECIRC if fixed(4) => format!("recirc({})", hx(ne32(p, 0) as u64)),
        ACT_HASH if fixed(8) => match ne32(p, 0) {
            0 => format!("hash(l4({}))", ne32(p, 4)),
            1 => format!("hash(sym_l4({}))", ne32(p, 4)),
            n => format!("hash(Unknown hash algorithm({n}))"),
        },
        ACT_PUSH_MPLS if fixed(8) => format!(
            "push_mpls({},eth_type=0x{:x})",
            mpls_lse(be32(p, 0)),
            be16(p, 4)
        ),
        ACT_ADD_MPLS if fixed(8) => format!(
            "add_mpls({},eth_type=0x{:x})",
            mpls_lse(be32(p, 0)),
            be16(p, 4)
        ),
        ACT_POP_MPLS if fixed(2) => format!("pop_mpls(eth_type=0x{:x})", be16(p, 0)),
        ACT_CT => ct(p),
        ACT_CT_CLEAR => "ct_clear".into(),
        ACT_TRUNC if fixed(4) => format!("trunc({})", ne32(p, 0)),
        ACT_PUSH_ETH if fixed(12) => format!("push_eth(src={},dst={})", mac(&p[..6]), mac(&p[6..])),
        ACT_POP_ETH => "pop_eth".into(),
        ACT_METER if fixed(4) => format!("meter({})", ne32(p, 0)),
        ACT_CLONE => format!("clone({})", format_actions(p, names)),
        ACT_CHECK_PKT_LEN => {
            let (mut size, mut gt, mut le): (u16, &[u8], &[u8]) = (0, &[], &[]);
            for x in AttrIter::new(p) {
                match x.kind {
                    1 => size = x.u16().unwrap_or(0),
                    2 => gt = x.payload,
                    3 => le = x.payload,
                    _ => {}
                }
            }
            format!(
                "check_pkt_len(size={size},gt({}),le({}))",
                format_actions(gt, names),
                format_actions(le, names)
            )
        }
        ACT_DEC_TTL => {
            let acts = AttrIter::new(p)
                .find(|x| x.kind == 1)
                .map_or(&[][..], |x| x.payload);
            format!("dec_ttl(le_1({}))", format_actions(acts, names))
        }
        ACT_DROP if fixed(4) => match ne32(p, 0) {
            0 => "drop(0)".into(),
            n => format!("drop({n})"),
        },
        k => generic(k, p),
    }
}

/// Formats an action list; an empty one is `drop`.
pub fn format_actions(actions: &[u8], names: Option<&PortNames>) -> String {
    if actions.is_empty() {
        return "drop".into();
    }
    let mut it = AttrIter::new(actions);
    let mut parts = Vec::new();
    for a in it.by_ref() {
        parts.push(format_action(&a, names));
    }
    let mut s = parts.join(",");
    let left = it.leftover();
    if left > 0 {
        if left == actions.len() {
            s.push_str("<empty>");
        }
        let tail = &actions[actions.len() - left..];
        s.push_str(&format!(
            ",***{left} leftover bytes*** ({})",
            tail.iter().map(|x| format!("{x:02x}")).collect::<String>()
        ));
    }
    s
}
