//! What Linux 6.12 reports for the OVS families (from the kernel trace
//! `shared/traces/6.12/basic.decoded.txt`). Family and group ids are
//! dynamic and deliberately absent.

/// `GENL_CMD_CAP_DO | GENL_CMD_CAP_HASPOL | GENL_UNS_ADMIN_PERM`: NEW, DEL,
/// SET and packet EXECUTE.
pub const FLAGS_ADMIN_DO: u32 = 0x1a;
/// `GENL_CMD_CAP_DO | GENL_CMD_CAP_DUMP | GENL_CMD_CAP_HASPOL`: GET.
pub const FLAGS_GET: u32 = 0x0e;

/// The kernel's dynamic family id range (`GENL_START_ALLOC` ..= `GENL_MAX_ID`).
pub const FAMILY_ID_RANGE: std::ops::RangeInclusive<u32> = 0x13..=1023;

/// One family as the kernel describes it in `NEWFAMILY`.
#[derive(Debug, Clone, Copy)]
pub struct OvsFamily {
    /// Family name.
    pub name: &'static str,
    /// `CTRL_ATTR_VERSION`.
    pub version: u32,
    /// `CTRL_ATTR_HDRSIZE` (`struct ovs_header`).
    pub hdrsize: u32,
    /// `CTRL_ATTR_MAXATTR`.
    pub maxattr: u32,
    /// `(op id, flags)` in the kernel's order.
    pub ops: &'static [(u32, u32)],
    /// The one multicast group, named like the family, if any.
    pub group: Option<&'static str>,
}

const DP_STYLE_OPS: &[(u32, u32)] = &[
    (1, FLAGS_ADMIN_DO),
    (2, FLAGS_ADMIN_DO),
    (3, FLAGS_GET),
    (4, FLAGS_ADMIN_DO),
];

/// `ovs_datapath`.
pub const OVS_DATAPATH: OvsFamily = OvsFamily {
    name: "ovs_datapath",
    version: 2,
    hdrsize: 4,
    maxattr: 9,
    ops: DP_STYLE_OPS,
    group: Some("ovs_datapath"),
};

/// `ovs_vport`.
pub const OVS_VPORT: OvsFamily = OvsFamily {
    name: "ovs_vport",
    version: 1,
    hdrsize: 4,
    maxattr: 10,
    ops: DP_STYLE_OPS,
    group: Some("ovs_vport"),
};

/// `ovs_flow`.
pub const OVS_FLOW: OvsFamily = OvsFamily {
    name: "ovs_flow",
    version: 1,
    hdrsize: 4,
    maxattr: 11,
    ops: DP_STYLE_OPS,
    group: Some("ovs_flow"),
};

/// `ovs_packet` (one op, EXECUTE = 3; no multicast group).
pub const OVS_PACKET: OvsFamily = OvsFamily {
    name: "ovs_packet",
    version: 1,
    hdrsize: 4,
    maxattr: 11,
    ops: &[(3, FLAGS_ADMIN_DO)],
    group: None,
};

/// The four families every OVS client resolves.
pub const OVS_FAMILIES: [OvsFamily; 4] = [OVS_DATAPATH, OVS_VPORT, OVS_FLOW, OVS_PACKET];
