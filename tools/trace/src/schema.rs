//! What the tool knows about the families' messages: canonical family ids,
//! command and attribute names, which attributes nest, and which values are
//! run-dependent (and therefore mapped by the normalizer).

/// Canonical ids the normalizer gives the families, by name.
pub const FAMILIES: &[(&str, u16)] = &[
    ("nlctrl", 16),
    ("ovs_datapath", 0x100),
    ("ovs_vport", 0x101),
    ("ovs_flow", 0x102),
    ("ovs_packet", 0x103),
    ("ovs_meter", 0x104),
    ("ovs_ct_limit", 0x105),
];

/// The canonical id of a family name.
pub fn canonical_id(name: &str) -> Option<u16> {
    FAMILIES.iter().find(|f| f.0 == name).map(|f| f.1)
}

/// The family name of a canonical id.
pub fn family_name(id: u16) -> Option<&'static str> {
    FAMILIES.iter().find(|f| f.1 == id).map(|f| f.0)
}

/// An attribute space: how to read the attributes of one nesting level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Space {
    /// `CTRL_ATTR_*`.
    Ctrl,
    /// An array whose elements are nested `Space`s (ops, groups).
    CtrlOps,
    /// One op of `CTRL_ATTR_OPS`.
    CtrlOp,
    /// An array of multicast groups.
    CtrlGroups,
    /// One multicast group.
    CtrlGroup,
    /// `OVS_DP_ATTR_*`.
    Datapath,
    /// `OVS_VPORT_ATTR_*`.
    Vport,
    /// `OVS_FLOW_ATTR_*`.
    Flow,
    /// `OVS_PACKET_ATTR_*`.
    Packet,
    /// `OVS_KEY_ATTR_*` (keys and masks).
    Key,
    /// `OVS_TUNNEL_KEY_ATTR_*`.
    Tunnel,
    /// `OVS_ACTION_ATTR_*`.
    Action,
    /// `OVS_USERSPACE_ATTR_*`.
    Userspace,
    /// `OVS_SAMPLE_ATTR_*`.
    Sample,
    /// Vport options (`OVS_TUNNEL_ATTR_*`).
    VportOptions,
    /// `NLMSGERR_ATTR_*` (extended ACK).
    ExtAck,
    /// Anything else: nested only where `NLA_F_NESTED` says so.
    Opaque,
}

/// What a value is, for mapping and display.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Bytes shown as hex.
    Bytes,
    /// A NUL-terminated string.
    Str,
    /// A little-endian number (width from the payload).
    Num,
    /// A netlink port id (mapped).
    Pid,
    /// An array of port ids (mapped).
    Pids,
    /// An ifindex (mapped).
    Ifindex,
    /// A family id (mapped to the canonical id).
    FamilyId,
    /// A multicast group id (mapped).
    GroupId,
    /// A timestamp (mapped).
    Time,
    /// A packet hash (mapped).
    Hash,
    /// A packet starting with an Ethernet header (its MACs are mapped).
    Frame,
    /// Two MAC addresses (src, dst), mapped when random.
    Macs,
    /// Nested attributes of the given space.
    Nested(Space),
}

/// Name and kind of attribute `ty` in `space`.
pub fn attr(space: Space, ty: u16) -> (&'static str, Kind) {
    use Kind::*;
    use Space as S;
    let (name, kind): (&str, Kind) = match (space, ty) {
        (S::Ctrl, 1) => ("FAMILY_ID", FamilyId),
        (S::Ctrl, 2) => ("FAMILY_NAME", Str),
        (S::Ctrl, 3) => ("VERSION", Num),
        (S::Ctrl, 4) => ("HDRSIZE", Num),
        (S::Ctrl, 5) => ("MAXATTR", Num),
        (S::Ctrl, 6) => ("OPS", Nested(S::CtrlOps)),
        (S::Ctrl, 7) => ("MCAST_GROUPS", Nested(S::CtrlGroups)),
        (S::Ctrl, 10) => ("OP", Num),
        (S::CtrlOps, _) => ("", Nested(S::CtrlOp)),
        (S::CtrlOp, 1) => ("ID", Num),
        (S::CtrlOp, 2) => ("FLAGS", Num),
        (S::CtrlGroups, _) => ("", Nested(S::CtrlGroup)),
        (S::CtrlGroup, 1) => ("NAME", Str),
        (S::CtrlGroup, 2) => ("ID", GroupId),
        (S::Datapath, 1) => ("NAME", Str),
        (S::Datapath, 2) => ("UPCALL_PID", Pid),
        (S::Datapath, 3) => ("STATS", Bytes),
        (S::Datapath, 4) => ("MEGAFLOW_STATS", Bytes),
        (S::Datapath, 5) => ("USER_FEATURES", Num),
        (S::Datapath, 7) => ("MASKS_CACHE_SIZE", Num),
        (S::Datapath, 8) => ("PER_CPU_PIDS", Pids),
        (S::Datapath, 9) => ("IFINDEX", Ifindex),
        (S::Vport, 1) => ("PORT_NO", Num),
        (S::Vport, 2) => ("TYPE", Num),
        (S::Vport, 3) => ("NAME", Str),
        (S::Vport, 4) => ("OPTIONS", Nested(S::VportOptions)),
        (S::Vport, 5) => ("UPCALL_PID", Pids),
        (S::Vport, 6) => ("STATS", Bytes),
        (S::Vport, 8) => ("IFINDEX", Ifindex),
        (S::Vport, 9) => ("NETNSID", Num),
        (S::Vport, 10) => ("UPCALL_STATS", Nested(S::Opaque)),
        (S::VportOptions, 1) => ("DST_PORT", Num),
        (S::VportOptions, 2) => ("EXTENSION", Nested(S::Opaque)),
        (S::Flow, 1) => ("KEY", Nested(S::Key)),
        (S::Flow, 2) => ("ACTIONS", Nested(S::Action)),
        (S::Flow, 3) => ("STATS", Bytes),
        (S::Flow, 4) => ("TCP_FLAGS", Num),
        (S::Flow, 5) => ("USED", Time),
        (S::Flow, 6) => ("CLEAR", Bytes),
        (S::Flow, 7) => ("MASK", Nested(S::Key)),
        (S::Flow, 8) => ("PROBE", Bytes),
        (S::Flow, 9) => ("UFID", Bytes),
        (S::Flow, 10) => ("UFID_FLAGS", Num),
        (S::Packet, 1) => ("PACKET", Frame),
        (S::Packet, 2) => ("KEY", Nested(S::Key)),
        (S::Packet, 3) => ("ACTIONS", Nested(S::Action)),
        (S::Packet, 4) => ("USERDATA", Bytes),
        (S::Packet, 5) => ("EGRESS_TUN_KEY", Nested(S::Tunnel)),
        (S::Packet, 8) => ("PROBE", Bytes),
        (S::Packet, 9) => ("MRU", Num),
        (S::Packet, 10) => ("LEN", Num),
        (S::Packet, 11) => ("HASH", Hash),
        (S::Packet, 12) => ("UPCALL_PID", Pid),
        (S::Key, t) => return key_attr(t),
        (S::Tunnel, t) => (TUNNEL.get(t as usize).copied().unwrap_or(""), Bytes),
        (S::Action, t) => return action_attr(t),
        (S::Userspace, 1) => ("PID", Pid),
        (S::Userspace, 2) => ("USERDATA", Bytes),
        (S::Userspace, 3) => ("EGRESS_TUN_PORT", Num),
        (S::Userspace, 4) => ("ACTIONS", Bytes),
        (S::Sample, 1) => ("PROBABILITY", Num),
        (S::Sample, 2) => ("ACTIONS", Nested(S::Action)),
        (S::ExtAck, 1) => ("MSG", Str),
        (S::ExtAck, 2) => ("OFFS", Num),
        (S::ExtAck, 3) => ("COOKIE", Bytes),
        (S::ExtAck, 4) => ("POLICY", Nested(S::Opaque)),
        (S::ExtAck, 5) => ("MISS_TYPE", Num),
        (S::ExtAck, 6) => ("MISS_NEST", Num),
        _ => ("", Bytes),
    };
    (name, kind)
}

const TUNNEL: &[&str] = &[
    "",
    "ID",
    "IPV4_SRC",
    "IPV4_DST",
    "TOS",
    "TTL",
    "DONT_FRAGMENT",
    "CSUM",
    "OAM",
    "GENEVE_OPTS",
    "TP_SRC",
    "TP_DST",
    "VXLAN_OPTS",
    "IPV6_SRC",
    "IPV6_DST",
    "PAD",
    "ERSPAN_OPTS",
    "IPV4_INFO_BRIDGE",
];

const KEYS: &[&str] = &[
    "",
    "ENCAP",
    "PRIORITY",
    "IN_PORT",
    "ETHERNET",
    "VLAN",
    "ETHERTYPE",
    "IPV4",
    "IPV6",
    "TCP",
    "UDP",
    "ICMP",
    "ICMPV6",
    "ARP",
    "ND",
    "SKB_MARK",
    "TUNNEL",
    "SCTP",
    "TCP_FLAGS",
    "DP_HASH",
    "RECIRC_ID",
    "MPLS",
    "CT_STATE",
    "CT_ZONE",
    "CT_MARK",
    "CT_LABELS",
    "CT_ORIG_TUPLE_IPV4",
    "CT_ORIG_TUPLE_IPV6",
    "NSH",
    "PACKET_TYPE",
    "ND_EXTENSIONS",
    "TUNNEL_INFO",
    "IPV6_EXTHDRS",
];

fn key_attr(t: u16) -> (&'static str, Kind) {
    let name = KEYS.get(t as usize).copied().unwrap_or("");
    let kind = match t {
        1 => Kind::Nested(Space::Key),
        16 => Kind::Nested(Space::Tunnel),
        28 => Kind::Nested(Space::Opaque),
        _ => Kind::Bytes,
    };
    (name, kind)
}

const ACTIONS: &[&str] = &[
    "",
    "OUTPUT",
    "USERSPACE",
    "SET",
    "PUSH_VLAN",
    "POP_VLAN",
    "SAMPLE",
    "RECIRC",
    "HASH",
    "PUSH_MPLS",
    "POP_MPLS",
    "SET_MASKED",
    "CT",
    "TRUNC",
    "PUSH_ETH",
    "POP_ETH",
    "CT_CLEAR",
    "PUSH_NSH",
    "POP_NSH",
    "METER",
    "CLONE",
    "CHECK_PKT_LEN",
    "ADD_MPLS",
    "DEC_TTL",
    "DROP",
    "PSAMPLE",
];

fn action_attr(t: u16) -> (&'static str, Kind) {
    let name = ACTIONS.get(t as usize).copied().unwrap_or("");
    let kind = match t {
        2 => Kind::Nested(Space::Userspace),
        3 | 11 => Kind::Nested(Space::Key),
        6 => Kind::Nested(Space::Sample),
        20 => Kind::Nested(Space::Action),
        12 | 21 | 23 | 25 => Kind::Nested(Space::Opaque),
        _ => Kind::Bytes,
    };
    (name, kind)
}

/// The attribute space of a family's messages, and whether they carry the
/// 4-byte `ovs_header`.
pub fn family_space(canonical: u16) -> Option<(Space, bool)> {
    Some(match family_name(canonical)? {
        "nlctrl" => (Space::Ctrl, false),
        "ovs_datapath" => (Space::Datapath, true),
        "ovs_vport" => (Space::Vport, true),
        "ovs_flow" => (Space::Flow, true),
        "ovs_packet" => (Space::Packet, true),
        _ => (Space::Opaque, true),
    })
}

/// Command names of a family (by canonical id).
pub fn command(canonical: u16, cmd: u8) -> String {
    let name = match (family_name(canonical), cmd) {
        (Some("nlctrl"), 1) => "NEWFAMILY",
        (Some("nlctrl"), 3) => "GETFAMILY",
        (Some("nlctrl"), 10) => "GETPOLICY",
        (Some("ovs_packet"), 1) => "MISS",
        (Some("ovs_packet"), 2) => "ACTION",
        (Some("ovs_packet"), 3) => "EXECUTE",
        (Some(f), 1) if f.starts_with("ovs_") => "NEW",
        (Some(f), 2) if f.starts_with("ovs_") => "DEL",
        (Some(f), 3) if f.starts_with("ovs_") => "GET",
        (Some(f), 4) if f.starts_with("ovs_") => "SET",
        _ => "",
    };
    if name.is_empty() {
        format!("cmd{cmd}")
    } else {
        name.to_string()
    }
}

/// `nlmsg_flags` as names joined by `|` (requests and replies name the
/// high bits differently).
pub fn flags(f: u16, is_request: bool) -> String {
    let mut names = Vec::new();
    let mut rest = f;
    let mut take = |bit: u16, n: &str, names: &mut Vec<String>| {
        if rest & bit == bit {
            names.push(n.to_string());
            rest &= !bit;
        }
    };
    for (bit, n) in [
        (1, "REQUEST"),
        (2, "MULTI"),
        (4, "ACK"),
        (8, "ECHO"),
        (16, "DUMP_INTR"),
    ] {
        take(bit, n, &mut names);
    }
    if is_request {
        take(0x300, "DUMP", &mut names);
    } else {
        take(0x100, "CAPPED", &mut names);
        take(0x200, "ACK_TLVS", &mut names);
    }
    if rest != 0 {
        names.push(format!("{rest:#x}"));
    }
    if names.is_empty() {
        "0".into()
    } else {
        names.join("|")
    }
}
