//! `ovs_nla_copy_actions` / `__ovs_nla_copy_actions`: walks an action list
//! in order, tracking what the packet looks like after each action
//! (EtherType, VLAN, MPLS depth, L2 header), validating each action against
//! that state and the flow's key, and building the stored form.

use genl::{Attr, Errno};

use crate::FlowKey;

use super::consts::{
    act, eth_p, DP_MAX_PORTS, ETH_HLEN, HASH_ALG_L4, HASH_ALG_SYM_L4, MAC_PROTO_ETHERNET,
    MAC_PROTO_NONE, MAX_DEPTH, MPLS_L3_TUNNEL_FLAG, SW_FLOW_KEY_INVALID, VLAN_CFI_MASK,
};
use super::ct::copy_ct;
use super::nested::{copy_check_pkt_len, copy_clone, copy_dec_ttl, copy_sample};
use super::nla::Walk;
use super::nsh::copy_push_nsh;
use super::psample::copy_psample;
use super::set::copy_set;
use super::types::{Action, Actions};
use super::userspace::copy_userspace;

/// What the packet looks like at a point of the action list; nested lists
/// start from (a copy of) their parent's state.
#[derive(Clone, Copy, Debug)]
pub struct State {
    /// Current EtherType (0 once the last MPLS label is popped).
    pub eth_type: u16,
    /// Current outer VLAN TCI.
    pub vlan_tci: u16,
    /// MPLS labels on the packet.
    pub mpls_label_count: u32,
    /// What the emulated kernel's action validation knows.
    pub dialect: Dialect,
}

/// The actions a kernel version knows: newer kernels added DROP (24),
/// PSAMPLE (25) and the symmetric L4 hash.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Dialect {
    /// `OVS_ACTION_ATTR_MAX` (type numbers above it are `EINVAL`).
    pub max_action: u16,
    /// `OVS_HASH_ALG_SYM_L4` is accepted.
    pub sym_l4_hash: bool,
}

impl Dialect {
    /// Debian's 6.12: every action this crate knows.
    pub const V6_12: Dialect = Dialect {
        max_action: act::MAX,
        sym_l4_hash: true,
    };
    /// Debian's 6.1: up to `OVS_ACTION_ATTR_DEC_TTL` (23), `L4` hash only
    /// (recorded: tests/traces/6.1/actions.trace).
    pub const V6_1: Dialect = Dialect {
        max_action: 23,
        sym_l4_hash: false,
    };
}

/// `ovs_nla_copy_actions`: validates the action list `attr` (the payload of
/// `OVS_FLOW_ATTR_ACTIONS` / `OVS_PACKET_ATTR_ACTIONS`) against the flow's
/// masked key and returns its stored form.
pub fn copy_actions(attr: &[u8], key: &FlowKey, log: bool) -> Result<Actions, Errno> {
    copy_actions_for(attr, key, log, Dialect::V6_12)
}

/// [`copy_actions`] as a given kernel version validates them.
pub fn copy_actions_for(
    attr: &[u8],
    key: &FlowKey,
    _log: bool,
    dialect: Dialect,
) -> Result<Actions, Errno> {
    let eth_type = key.eth_type();
    let mpls_label_count = if eth_p::is_mpls(eth_type) {
        u32::from_ne_bytes(key.mpls_num_labels_mask).count_ones()
    } else {
        0
    };
    let st = State {
        eth_type,
        vlan_tci: u16::from_be_bytes(key.vlan_tci),
        mpls_label_count,
        dialect,
    };
    Ok(Actions {
        list: copy_list(attr, key, st, 0)?,
        orig_len: attr.len(),
    })
}

/// `__ovs_nla_copy_actions`: one (possibly nested) action list at `depth`.
pub fn copy_list(
    buf: &[u8],
    key: &FlowKey,
    mut st: State,
    depth: u32,
) -> Result<Vec<Action>, Errno> {
    if depth > MAX_DEPTH {
        return Err(Errno::EOVERFLOW);
    }
    // the L2 state restarts from the key in every nested list
    let mut mac_proto = key.mac_proto & !SW_FLOW_KEY_INVALID;
    let mut out = Vec::new();
    let mut walk = Walk::new(buf);
    for (a, last) in walk.by_ref() {
        if a.kind > st.dialect.max_action || fixed_len(a.kind).is_some_and(|n| n != a.payload.len())
        {
            return Err(Errno::EINVAL);
        }
        let action = match a.kind {
            act::USERSPACE => Action::Userspace(copy_userspace(a.payload)?),
            act::OUTPUT => {
                let port = u32_of(&a);
                if port >= DP_MAX_PORTS {
                    return Err(Errno::EINVAL);
                }
                Action::Output(port)
            }
            act::TRUNC => {
                let max_len = u32_of(&a);
                if max_len < ETH_HLEN {
                    return Err(Errno::EINVAL);
                }
                Action::Trunc(max_len)
            }
            act::HASH => {
                let alg = u32_of(&a);
                if alg != HASH_ALG_L4 && !(alg == HASH_ALG_SYM_L4 && st.dialect.sym_l4_hash) {
                    return Err(Errno::EINVAL);
                }
                let b = &a.payload[4..8];
                Action::Hash {
                    alg,
                    basis: u32::from_ne_bytes([b[0], b[1], b[2], b[3]]),
                }
            }
            act::POP_VLAN => {
                if mac_proto != MAC_PROTO_ETHERNET {
                    return Err(Errno::EINVAL);
                }
                st.vlan_tci = 0;
                Action::PopVlan
            }
            act::PUSH_VLAN => {
                let p = a.payload;
                let tpid = u16::from_be_bytes([p[0], p[1]]);
                let tci = u16::from_be_bytes([p[2], p[3]]);
                if mac_proto != MAC_PROTO_ETHERNET
                    || (tpid != eth_p::VLAN_8021Q && tpid != eth_p::VLAN_8021AD)
                    || tci & VLAN_CFI_MASK == 0
                {
                    return Err(Errno::EINVAL);
                }
                st.vlan_tci = tci;
                Action::PushVlan {
                    tpid: [p[0], p[1]],
                    tci: [p[2], p[3]],
                }
            }
            act::RECIRC => Action::Recirc(u32_of(&a)),
            act::ADD_MPLS => add_mpls(&a, &mut st, &mut mac_proto)?,
            act::PUSH_MPLS => push_mpls(&a, &mut st)?,
            act::POP_MPLS => pop_mpls(&a, &mut st, mac_proto)?,
            act::SET => copy_set(&a, key, mac_proto, st.eth_type, false)?,
            act::SET_MASKED => copy_set(&a, key, mac_proto, st.eth_type, true)?,
            act::SAMPLE => Action::Sample(copy_sample(&a, key, st, last, depth)?),
            act::CT => Action::Ct(Box::new(copy_ct(&a, key)?)),
            act::CT_CLEAR => Action::CtClear,
            act::PUSH_ETH => {
                if mac_proto != MAC_PROTO_NONE {
                    return Err(Errno::EINVAL);
                }
                mac_proto = MAC_PROTO_ETHERNET;
                let p = a.payload;
                let mut src = [0u8; 6];
                let mut dst = [0u8; 6];
                src.copy_from_slice(&p[..6]);
                dst.copy_from_slice(&p[6..12]);
                Action::PushEth { src, dst }
            }
            act::POP_ETH => {
                if mac_proto != MAC_PROTO_ETHERNET || st.vlan_tci & VLAN_CFI_MASK != 0 {
                    return Err(Errno::EINVAL);
                }
                mac_proto = MAC_PROTO_NONE;
                Action::PopEth
            }
            act::PUSH_NSH => {
                // the L3 packet must have an NSH-encodable protocol
                if mac_proto != MAC_PROTO_ETHERNET && tun_p_from_eth_p(st.eth_type) == 0 {
                    return Err(Errno::EINVAL);
                }
                mac_proto = MAC_PROTO_NONE;
                Action::PushNsh(copy_push_nsh(&a)?)
            }
            act::POP_NSH => {
                let np = key.nsh.np;
                if st.eth_type != eth_p::NSH || tun_p_to_eth_p(np) == 0 {
                    return Err(Errno::EINVAL);
                }
                mac_proto = if np == TUN_P_ETHERNET {
                    MAC_PROTO_ETHERNET
                } else {
                    MAC_PROTO_NONE
                };
                Action::PopNsh
            }
            act::METER => Action::Meter(u32_of(&a)),
            act::CLONE => Action::Clone(copy_clone(&a, key, st, last, depth)?),
            act::CHECK_PKT_LEN => {
                Action::CheckPktLen(copy_check_pkt_len(&a, key, st, last, depth)?)
            }
            act::DEC_TTL => Action::DecTtl(copy_dec_ttl(&a, key, st, depth)?),
            act::DROP => {
                if !last {
                    return Err(Errno::EINVAL);
                }
                Action::Drop(u32_of(&a))
            }
            act::PSAMPLE => Action::Psample(copy_psample(&a)?),
            // OVS_ACTION_ATTR_UNSPEC
            _ => return Err(Errno::EINVAL),
        };
        out.push(action);
    }
    if walk.leftover() > 0 {
        return Err(Errno::EINVAL);
    }
    Ok(out)
}

/// `action_lens[]`: the exact payload length of fixed-size actions
/// (`None`: variable).
fn fixed_len(kind: u16) -> Option<usize> {
    match kind {
        act::OUTPUT | act::RECIRC | act::TRUNC | act::METER | act::DROP | act::PUSH_VLAN => Some(4),
        act::PUSH_MPLS | act::HASH | act::ADD_MPLS => Some(8),
        act::POP_MPLS => Some(2),
        act::PUSH_ETH => Some(12),
        act::USERSPACE
        | act::SET
        | act::SET_MASKED
        | act::SAMPLE
        | act::CT
        | act::PUSH_NSH
        | act::CLONE
        | act::CHECK_PKT_LEN
        | act::DEC_TTL
        | act::PSAMPLE => None,
        // POP_VLAN, CT_CLEAR, POP_ETH, POP_NSH and UNSPEC
        _ => Some(0),
    }
}

/// A fixed 4-byte payload as a host u32 (length already checked).
fn u32_of(a: &Attr<'_>) -> u32 {
    a.u32().unwrap_or(0)
}

/// The EtherTypes PUSH_MPLS / ADD_MPLS(L3) may be applied on.
fn mpls_pushable(st: &State) -> bool {
    st.vlan_tci & VLAN_CFI_MASK == 0
        && matches!(
            st.eth_type,
            eth_p::IP | eth_p::IPV6 | eth_p::ARP | eth_p::RARP | eth_p::MPLS_UC | eth_p::MPLS_MC
        )
}

/// `OVS_ACTION_ATTR_ADD_MPLS` in `__ovs_nla_copy_actions`.
fn add_mpls(a: &Attr<'_>, st: &mut State, mac_proto: &mut u8) -> Result<Action, Errno> {
    let p = a.payload;
    let ethertype = u16::from_be_bytes([p[4], p[5]]);
    let tun_flags = u16::from_ne_bytes([p[6], p[7]]);
    if !eth_p::is_mpls(ethertype) {
        return Err(Errno::EINVAL);
    }
    if tun_flags & MPLS_L3_TUNNEL_FLAG != 0 {
        if !mpls_pushable(st) {
            return Err(Errno::EINVAL);
        }
        st.mpls_label_count = st.mpls_label_count.wrapping_add(1);
    } else if *mac_proto == MAC_PROTO_ETHERNET {
        st.mpls_label_count = 1;
        *mac_proto = MAC_PROTO_NONE;
    } else {
        st.mpls_label_count = st.mpls_label_count.wrapping_add(1);
    }
    st.eth_type = ethertype;
    Ok(Action::AddMpls {
        lse: [p[0], p[1], p[2], p[3]],
        ethertype: [p[4], p[5]],
        tun_flags,
    })
}

/// `OVS_ACTION_ATTR_PUSH_MPLS` in `__ovs_nla_copy_actions`.
fn push_mpls(a: &Attr<'_>, st: &mut State) -> Result<Action, Errno> {
    let p = a.payload;
    let ethertype = u16::from_be_bytes([p[4], p[5]]);
    if !eth_p::is_mpls(ethertype) || !mpls_pushable(st) {
        return Err(Errno::EINVAL);
    }
    st.eth_type = ethertype;
    st.mpls_label_count = st.mpls_label_count.wrapping_add(1);
    Ok(Action::PushMpls {
        lse: [p[0], p[1], p[2], p[3]],
        ethertype: [p[4], p[5]],
        pad: [p[6], p[7]],
    })
}

/// `OVS_ACTION_ATTR_POP_MPLS` in `__ovs_nla_copy_actions`: after the last
/// label the EtherType becomes unknown (0), blocking further L3 sets.
fn pop_mpls(a: &Attr<'_>, st: &mut State, mac_proto: u8) -> Result<Action, Errno> {
    if st.vlan_tci & VLAN_CFI_MASK != 0 || !eth_p::is_mpls(st.eth_type) {
        return Err(Errno::EINVAL);
    }
    let p = a.payload;
    let proto = u16::from_be_bytes([p[0], p[1]]);
    if proto == eth_p::TEB && mac_proto != MAC_PROTO_NONE {
        return Err(Errno::EINVAL);
    }
    st.mpls_label_count = st.mpls_label_count.wrapping_sub(1);
    st.eth_type = if !eth_p::is_mpls(proto) || st.mpls_label_count == 0 {
        0
    } else {
        proto
    };
    Ok(Action::PopMpls([p[0], p[1]]))
}

/// `TUN_P_ETHERNET`.
const TUN_P_ETHERNET: u8 = 3;

/// `tun_p_to_eth_p`.
fn tun_p_to_eth_p(np: u8) -> u16 {
    match np {
        1 => eth_p::IP,
        2 => eth_p::IPV6,
        TUN_P_ETHERNET => eth_p::TEB,
        4 => eth_p::NSH,
        5 => eth_p::MPLS_UC,
        _ => 0,
    }
}

/// `tun_p_from_eth_p`.
fn tun_p_from_eth_p(t: u16) -> u8 {
    match t {
        eth_p::IP => 1,
        eth_p::IPV6 => 2,
        eth_p::TEB => TUN_P_ETHERNET,
        eth_p::NSH => 4,
        eth_p::MPLS_UC => 5,
        _ => 0,
    }
}
