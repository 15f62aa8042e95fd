//! `ovs_datapath`: commands, attributes (`enum ovs_datapath_attr`), feature
//! bits and the request policy (`datapath_policy`).

use super::{crud_ops, IFNAMSIZ};
use crate::ctrl::{FamilySpec, Op};
use crate::policy::{Kind, Policy, PolicyTable};

/// `OVS_DATAPATH_FAMILY`.
pub const NAME: &str = "ovs_datapath";
/// `OVS_DATAPATH_MCGROUP`.
pub const MCGROUP: &str = "ovs_datapath";
/// `OVS_DATAPATH_VERSION`.
pub const VERSION: u32 = 2;

/// `OVS_DP_CMD_NEW`.
pub const OVS_DP_CMD_NEW: u8 = 1;
/// `OVS_DP_CMD_DEL`.
pub const OVS_DP_CMD_DEL: u8 = 2;
/// `OVS_DP_CMD_GET`.
pub const OVS_DP_CMD_GET: u8 = 3;
/// `OVS_DP_CMD_SET`.
pub const OVS_DP_CMD_SET: u8 = 4;

/// `OVS_DP_ATTR_NAME`.
pub const OVS_DP_ATTR_NAME: u16 = 1;
/// `OVS_DP_ATTR_UPCALL_PID`.
pub const OVS_DP_ATTR_UPCALL_PID: u16 = 2;
/// `OVS_DP_ATTR_STATS`.
pub const OVS_DP_ATTR_STATS: u16 = 3;
/// `OVS_DP_ATTR_MEGAFLOW_STATS`.
pub const OVS_DP_ATTR_MEGAFLOW_STATS: u16 = 4;
/// `OVS_DP_ATTR_USER_FEATURES`.
pub const OVS_DP_ATTR_USER_FEATURES: u16 = 5;
/// `OVS_DP_ATTR_PAD`.
pub const OVS_DP_ATTR_PAD: u16 = 6;
/// `OVS_DP_ATTR_MASKS_CACHE_SIZE`.
pub const OVS_DP_ATTR_MASKS_CACHE_SIZE: u16 = 7;
/// `OVS_DP_ATTR_PER_CPU_PIDS`.
pub const OVS_DP_ATTR_PER_CPU_PIDS: u16 = 8;
/// `OVS_DP_ATTR_IFINDEX`.
pub const OVS_DP_ATTR_IFINDEX: u16 = 9;
/// `OVS_DP_ATTR_MAX`.
pub const OVS_DP_ATTR_MAX: u16 = 9;

/// `OVS_DP_F_UNALIGNED`.
pub const OVS_DP_F_UNALIGNED: u32 = 1 << 0;
/// `OVS_DP_F_VPORT_PIDS`.
pub const OVS_DP_F_VPORT_PIDS: u32 = 1 << 1;
/// `OVS_DP_F_TC_RECIRC_SHARING`.
pub const OVS_DP_F_TC_RECIRC_SHARING: u32 = 1 << 2;
/// `OVS_DP_F_DISPATCH_UPCALL_PER_CPU`.
pub const OVS_DP_F_DISPATCH_UPCALL_PER_CPU: u32 = 1 << 3;

/// `PCPU_MIN_UNIT_SIZE / sizeof(struct mask_cache_entry)`.
pub const MASKS_CACHE_SIZE_MAX: u64 = 32 * 1024 / 8;

/// `datapath_policy`.
pub static POLICY: PolicyTable = PolicyTable {
    maxattr: OVS_DP_ATTR_MAX,
    entries: &[
        Policy::UNSPEC,
        Policy::nul_string(IFNAMSIZ - 1),                    // NAME
        Policy::U32,                                         // UPCALL_PID
        Policy::UNSPEC,                                      // STATS
        Policy::UNSPEC,                                      // MEGAFLOW_STATS
        Policy::U32,                                         // USER_FEATURES
        Policy::UNSPEC,                                      // PAD
        Policy::range_u(Kind::U32, 0, MASKS_CACHE_SIZE_MAX), // MASKS_CACHE_SIZE
        Policy::UNSPEC,                                      // PER_CPU_PIDS
        Policy::min_s32(0),                                  // IFINDEX
    ],
};

static OPS: [Op; 4] = crud_ops(&POLICY);

/// The `ovs_datapath` family.
pub static FAMILY: FamilySpec = FamilySpec {
    name: NAME,
    version: VERSION,
    hdrsize: super::OVS_HEADER_LEN,
    resv_start_op: OVS_DP_CMD_SET + 1,
    ops: &OPS,
    groups: &[MCGROUP],
};
