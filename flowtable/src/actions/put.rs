//! `ovs_nla_put_actions`: the stored actions back as attributes, in the
//! kernel's canonical form. Attribute types lose their flag bits, nests are
//! started without `NLA_F_NESTED`, verbatim payloads are re-padded with
//! zeroes.

use genl::Writer;

use super::consts::{act, cpl, dec_ttl, sample};
use super::ct::put_ct;
use super::tunnel::put_set_tunnel;
use super::types::{Action, Actions};

/// `ovs_nla_put_actions`: appends the canonical attribute list (the caller
/// wraps it in the `OVS_FLOW_ATTR_ACTIONS` nest). Like the kernel's
/// `nla_nest_end`, a nest longer than 65535 bytes gets a truncated length;
/// callers that must bound the output can measure it with [`put_len`].
pub fn put_actions(w: &mut Writer, acts: &Actions) {
    put_list(w, &acts.list);
}

/// Bytes [`put_actions`] appends for `acts`.
pub fn put_len(acts: &Actions) -> usize {
    let mut w = Writer::new();
    put_actions(&mut w, acts);
    w.len()
}

/// One action list (`ovs_nla_put_actions` over a nested list, as an
/// upcall's `OVS_PACKET_ATTR_ACTIONS` carries the list being executed).
pub fn put_list(w: &mut Writer, list: &[Action]) {
    for a in list {
        put_one(w, a);
    }
}

/// One action (the switch in `ovs_nla_put_actions`).
fn put_one(w: &mut Writer, a: &Action) {
    match a {
        Action::Output(p) => w.attr_u32(act::OUTPUT, *p),
        Action::Userspace(u) => w.attr(act::USERSPACE, &u.payload),
        Action::SetTunnel(t) => put_set_tunnel(w, act::SET, t),
        // masked_set_action_to_set_action_attr
        Action::Set(s) => {
            let n = w.nest_noflag(act::SET);
            w.attr(s.key_type, &s.value);
            w.nest_end(n);
        }
        Action::SetMasked(s) => w.attr(act::SET_MASKED, &s.raw),
        Action::PushVlan { tpid, tci } => {
            w.attr(act::PUSH_VLAN, &[tpid[0], tpid[1], tci[0], tci[1]])
        }
        Action::PopVlan => w.attr_flag(act::POP_VLAN),
        // sample_action_to_attr
        Action::Sample(s) => {
            let n = w.nest_noflag(act::SAMPLE);
            w.attr_u32(sample::PROBABILITY, s.probability);
            let l = w.nest_noflag(sample::ACTIONS);
            put_list(w, &s.actions);
            w.nest_end(l);
            w.nest_end(n);
        }
        Action::Recirc(id) => w.attr_u32(act::RECIRC, *id),
        Action::Hash { alg, basis } => {
            let mut b = [0u8; 8];
            b[..4].copy_from_slice(&alg.to_ne_bytes());
            b[4..].copy_from_slice(&basis.to_ne_bytes());
            w.attr(act::HASH, &b);
        }
        Action::PushMpls {
            lse,
            ethertype,
            pad,
        } => {
            let b = [
                lse[0],
                lse[1],
                lse[2],
                lse[3],
                ethertype[0],
                ethertype[1],
                pad[0],
                pad[1],
            ];
            w.attr(act::PUSH_MPLS, &b);
        }
        Action::PopMpls(t) => w.attr(act::POP_MPLS, t),
        Action::Ct(c) => put_ct(w, c),
        Action::Trunc(n) => w.attr_u32(act::TRUNC, *n),
        Action::PushEth { src, dst } => {
            let mut b = [0u8; 12];
            b[..6].copy_from_slice(src);
            b[6..].copy_from_slice(dst);
            w.attr(act::PUSH_ETH, &b);
        }
        Action::PopEth => w.attr_flag(act::POP_ETH),
        Action::CtClear => w.attr_flag(act::CT_CLEAR),
        Action::PushNsh(n) => w.attr(act::PUSH_NSH, &n.payload),
        Action::PopNsh => w.attr_flag(act::POP_NSH),
        Action::Meter(m) => w.attr_u32(act::METER, *m),
        // clone_action_to_attr: the EXEC marker is not emitted
        Action::Clone(c) => {
            let n = w.nest_noflag(act::CLONE);
            put_list(w, &c.actions);
            w.nest_end(n);
        }
        // check_pkt_len_action_to_attr
        Action::CheckPktLen(c) => {
            let n = w.nest_noflag(act::CHECK_PKT_LEN);
            w.attr_u16(cpl::PKT_LEN, c.pkt_len);
            let l = w.nest_noflag(cpl::ACTIONS_IF_LESS_EQUAL);
            put_list(w, &c.le);
            w.nest_end(l);
            let g = w.nest_noflag(cpl::ACTIONS_IF_GREATER);
            put_list(w, &c.gt);
            w.nest_end(g);
            w.nest_end(n);
        }
        Action::AddMpls {
            lse,
            ethertype,
            tun_flags,
        } => {
            let f = tun_flags.to_ne_bytes();
            let b = [
                lse[0],
                lse[1],
                lse[2],
                lse[3],
                ethertype[0],
                ethertype[1],
                f[0],
                f[1],
            ];
            w.attr(act::ADD_MPLS, &b);
        }
        // dec_ttl_action_to_attr
        Action::DecTtl(l) => {
            let n = w.nest_noflag(act::DEC_TTL);
            let a = w.nest_noflag(dec_ttl::ACTION);
            put_list(w, l);
            w.nest_end(a);
            w.nest_end(n);
        }
        Action::Drop(e) => w.attr_u32(act::DROP, *e),
        Action::Psample(p) => w.attr(act::PSAMPLE, &p.payload),
    }
}
