//! The stored form of actions (`struct sw_flow_actions`), as Rust values.
//!
//! Each variant keeps what the data plane needs to run the action and what
//! [`put_actions`](super::put_actions) needs to reproduce the kernel's output
//! byte for byte. Actions the kernel copies verbatim (`copy_action`) and
//! whose payload is not fully described by typed fields keep their payload
//! as received. Multi-byte fields follow [`FlowKey`](crate::FlowKey)'s rule:
//! `[u8; N]` fields keep wire order, plain integers are host values.

use crate::key::TunnelKey;

use super::ct::CtInfo;

/// A flow's validated actions (`struct sw_flow_actions`).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Actions {
    /// The top-level action list, in order.
    pub list: Vec<Action>,
    /// `orig_len`: payload length of the request's ACTIONS attribute (the
    /// kernel sizes flow replies with it, `ovs_flow_cmd_msg_size`).
    pub orig_len: usize,
}

/// One stored action.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// `OUTPUT`: datapath port.
    Output(u32),
    /// `USERSPACE`.
    Userspace(Userspace),
    /// `SET(TUNNEL)`, stored as tunnel info (`OVS_KEY_ATTR_TUNNEL_INFO`).
    SetTunnel(Box<TunnelInfo>),
    /// A plain `SET` of a non-tunnel field, stored as a masked set with an
    /// all-ones mask (`OVS_ACTION_ATTR_SET_TO_MASKED`); re-emitted as `SET`.
    Set(MaskedSet),
    /// `SET_MASKED`, re-emitted verbatim.
    SetMasked(MaskedSet),
    /// `PUSH_VLAN`.
    PushVlan {
        /// be16 TPID.
        tpid: [u8; 2],
        /// be16 TCI (with the 0x1000 "present" bit).
        tci: [u8; 2],
    },
    /// `POP_VLAN`.
    PopVlan,
    /// `SAMPLE`.
    Sample(Sample),
    /// `RECIRC`: recirculation id.
    Recirc(u32),
    /// `HASH`.
    Hash {
        /// `OVS_HASH_ALG_*`.
        alg: u32,
        /// Hash basis.
        basis: u32,
    },
    /// `PUSH_MPLS`.
    PushMpls {
        /// be32 label stack entry.
        lse: [u8; 4],
        /// be16 MPLS EtherType.
        ethertype: [u8; 2],
        /// The struct's two padding bytes, echoed as received.
        pad: [u8; 2],
    },
    /// `POP_MPLS`: be16 EtherType of what follows.
    PopMpls([u8; 2]),
    /// `CT`.
    Ct(Box<CtInfo>),
    /// `TRUNC`: maximum length.
    Trunc(u32),
    /// `PUSH_ETH`.
    PushEth {
        /// Source address.
        src: [u8; 6],
        /// Destination address.
        dst: [u8; 6],
    },
    /// `POP_ETH`.
    PopEth,
    /// `CT_CLEAR`.
    CtClear,
    /// `PUSH_NSH`.
    PushNsh(PushNsh),
    /// `POP_NSH`.
    PopNsh,
    /// `METER`: meter id.
    Meter(u32),
    /// `CLONE`.
    Clone(CloneAction),
    /// `CHECK_PKT_LEN`.
    CheckPktLen(CheckPktLen),
    /// `ADD_MPLS`.
    AddMpls {
        /// be32 label stack entry.
        lse: [u8; 4],
        /// be16 MPLS EtherType.
        ethertype: [u8; 2],
        /// Host-order flags (`OVS_MPLS_L3_TUNNEL_FLAG_MASK`).
        tun_flags: u16,
    },
    /// `DEC_TTL`: the actions run when the TTL expires.
    DecTtl(Vec<Action>),
    /// `DROP`: error code.
    Drop(u32),
    /// `PSAMPLE`.
    Psample(Psample),
}

/// `USERSPACE` (validated by `validate_userspace`, stored verbatim).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Userspace {
    /// The attribute payload as received (re-emitted verbatim).
    pub payload: Vec<u8>,
    /// `OVS_USERSPACE_ATTR_PID` (non-zero).
    pub pid: u32,
    /// `OVS_USERSPACE_ATTR_USERDATA`.
    pub userdata: Option<Vec<u8>>,
    /// `OVS_USERSPACE_ATTR_EGRESS_TUN_PORT`.
    pub egress_tun_port: Option<u32>,
    /// `OVS_USERSPACE_ATTR_ACTIONS` present.
    pub actions: bool,
}

/// A masked set of one key attribute.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MaskedSet {
    /// `OVS_KEY_ATTR_*` type.
    pub key_type: u16,
    /// The new value (key-attribute layout).
    pub value: Vec<u8>,
    /// Which bits to write (same length as `value`).
    pub mask: Vec<u8>,
    /// For `SET_MASKED`: the action's payload as received (re-emitted
    /// verbatim, flag bits and odd trailing bytes included). Empty for `Set`.
    pub raw: Vec<u8>,
}

/// Tunnel metadata set by `SET(TUNNEL)` (`struct ip_tunnel_info`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TunnelInfo {
    /// The tunnel key; `flags` use [`crate::key::tun_flags`].
    pub key: TunnelKey,
    /// `IP_TUNNEL_INFO_*` mode bits ([`TunnelInfo::MODE_TX`], ...).
    pub mode: u8,
    /// Geneve TLVs, VXLAN GBP (host u32) or ERSPAN metadata.
    pub opts: Vec<u8>,
    /// A Geneve option had the critical bit (`IP_TUNNEL_CRIT_OPT_BIT`).
    pub crit_opt: bool,
}

impl TunnelInfo {
    /// `IP_TUNNEL_INFO_TX`.
    pub const MODE_TX: u8 = 0x01;
    /// `IP_TUNNEL_INFO_IPV6`.
    pub const MODE_IPV6: u8 = 0x02;
    /// `IP_TUNNEL_INFO_BRIDGE`.
    pub const MODE_BRIDGE: u8 = 0x04;
}

/// `SAMPLE` (`struct sample_arg` plus the nested list).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sample {
    /// Probability out of `u32::MAX`.
    pub probability: u32,
    /// The actions cannot change the flow key, or the sample is last: run
    /// in place instead of deferring.
    pub exec: bool,
    /// The sampled actions.
    pub actions: Vec<Action>,
}

/// `CLONE` (with its internal `OVS_CLONE_ATTR_EXEC` marker).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CloneAction {
    /// See [`Sample::exec`].
    pub exec: bool,
    /// The cloned actions.
    pub actions: Vec<Action>,
}

/// `CHECK_PKT_LEN` (`struct check_pkt_len_arg` plus both lists).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckPktLen {
    /// Length threshold (non-zero).
    pub pkt_len: u16,
    /// `exec_for_lesser_equal`.
    pub exec_le: bool,
    /// `exec_for_greater`.
    pub exec_gt: bool,
    /// Actions for packets up to `pkt_len`.
    pub le: Vec<Action>,
    /// Actions for longer packets.
    pub gt: Vec<Action>,
}

/// `PUSH_NSH` (validated by `validate_push_nsh`, stored verbatim).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PushNsh {
    /// The action's payload as received (re-emitted verbatim).
    pub payload: Vec<u8>,
    /// The last `OVS_NSH_KEY_ATTR_BASE` (`struct ovs_nsh_key_base`).
    pub base: [u8; 8],
    /// The last MD1 or MD2 context.
    pub md: Vec<u8>,
}

/// `PSAMPLE` (validated by `validate_psample`, stored verbatim).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Psample {
    /// The action's payload as received (re-emitted verbatim).
    pub payload: Vec<u8>,
    /// `OVS_PSAMPLE_ATTR_GROUP`.
    pub group: u32,
    /// `OVS_PSAMPLE_ATTR_COOKIE` (at most 16 bytes).
    pub cookie: Option<Vec<u8>>,
}
