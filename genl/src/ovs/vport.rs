//! `ovs_vport`: commands, attributes (`enum ovs_vport_attr`), vport types and
//! the request policy (`vport_policy`).

use super::{crud_ops, IFNAMSIZ};
use crate::ctrl::{FamilySpec, Op};
use crate::policy::{Policy, PolicyTable};

/// `OVS_VPORT_FAMILY`.
pub const NAME: &str = "ovs_vport";
/// `OVS_VPORT_MCGROUP`.
pub const MCGROUP: &str = "ovs_vport";
/// `OVS_VPORT_VERSION`.
pub const VERSION: u32 = 1;

/// `OVS_VPORT_CMD_NEW`.
pub const OVS_VPORT_CMD_NEW: u8 = 1;
/// `OVS_VPORT_CMD_DEL`.
pub const OVS_VPORT_CMD_DEL: u8 = 2;
/// `OVS_VPORT_CMD_GET`.
pub const OVS_VPORT_CMD_GET: u8 = 3;
/// `OVS_VPORT_CMD_SET`.
pub const OVS_VPORT_CMD_SET: u8 = 4;

/// `OVS_VPORT_ATTR_PORT_NO`.
pub const OVS_VPORT_ATTR_PORT_NO: u16 = 1;
/// `OVS_VPORT_ATTR_TYPE`.
pub const OVS_VPORT_ATTR_TYPE: u16 = 2;
/// `OVS_VPORT_ATTR_NAME`.
pub const OVS_VPORT_ATTR_NAME: u16 = 3;
/// `OVS_VPORT_ATTR_OPTIONS`.
pub const OVS_VPORT_ATTR_OPTIONS: u16 = 4;
/// `OVS_VPORT_ATTR_UPCALL_PID`.
pub const OVS_VPORT_ATTR_UPCALL_PID: u16 = 5;
/// `OVS_VPORT_ATTR_STATS`.
pub const OVS_VPORT_ATTR_STATS: u16 = 6;
/// `OVS_VPORT_ATTR_PAD`.
pub const OVS_VPORT_ATTR_PAD: u16 = 7;
/// `OVS_VPORT_ATTR_IFINDEX`.
pub const OVS_VPORT_ATTR_IFINDEX: u16 = 8;
/// `OVS_VPORT_ATTR_NETNSID`.
pub const OVS_VPORT_ATTR_NETNSID: u16 = 9;
/// `OVS_VPORT_ATTR_UPCALL_STATS`.
pub const OVS_VPORT_ATTR_UPCALL_STATS: u16 = 10;
/// `OVS_VPORT_ATTR_MAX`.
pub const OVS_VPORT_ATTR_MAX: u16 = 10;

/// `OVS_VPORT_TYPE_NETDEV`.
pub const OVS_VPORT_TYPE_NETDEV: u32 = 1;
/// `OVS_VPORT_TYPE_INTERNAL`.
pub const OVS_VPORT_TYPE_INTERNAL: u32 = 2;
/// `OVS_VPORT_TYPE_GRE`.
pub const OVS_VPORT_TYPE_GRE: u32 = 3;
/// `OVS_VPORT_TYPE_VXLAN`.
pub const OVS_VPORT_TYPE_VXLAN: u32 = 4;
/// `OVS_VPORT_TYPE_GENEVE`.
pub const OVS_VPORT_TYPE_GENEVE: u32 = 5;

/// `sizeof(struct ovs_vport_stats)`.
pub const VPORT_STATS_LEN: u16 = 64;

/// `vport_policy`.
pub static POLICY: PolicyTable = PolicyTable {
    maxattr: OVS_VPORT_ATTR_MAX,
    entries: &[
        Policy::UNSPEC,
        Policy::U32,                      // PORT_NO
        Policy::U32,                      // TYPE
        Policy::nul_string(IFNAMSIZ - 1), // NAME
        Policy::NESTED,                   // OPTIONS
        Policy::UNSPEC,                   // UPCALL_PID
        Policy::min_len(VPORT_STATS_LEN), // STATS
        Policy::UNSPEC,                   // PAD
        Policy::min_s32(0),               // IFINDEX
        Policy::S32,                      // NETNSID
        Policy::NESTED,                   // UPCALL_STATS
    ],
};

static OPS: [Op; 4] = crud_ops(&POLICY);

/// The `ovs_vport` family.
pub static FAMILY: FamilySpec = FamilySpec {
    name: NAME,
    version: VERSION,
    hdrsize: super::OVS_HEADER_LEN,
    resv_start_op: OVS_VPORT_CMD_SET + 1,
    ops: &OPS,
    groups: &[MCGROUP],
};
