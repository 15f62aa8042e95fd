//! `ovs_flow`: commands, attributes (`enum ovs_flow_attr`) and the request
//! policy (`flow_policy`).

use super::crud_ops;
use crate::ctrl::{FamilySpec, Op};
use crate::policy::{Policy, PolicyTable};

/// `OVS_FLOW_FAMILY`.
pub const NAME: &str = "ovs_flow";
/// `OVS_FLOW_MCGROUP`.
pub const MCGROUP: &str = "ovs_flow";
/// `OVS_FLOW_VERSION`.
pub const VERSION: u32 = 1;

/// `OVS_FLOW_CMD_NEW`.
pub const OVS_FLOW_CMD_NEW: u8 = 1;
/// `OVS_FLOW_CMD_DEL`.
pub const OVS_FLOW_CMD_DEL: u8 = 2;
/// `OVS_FLOW_CMD_GET`.
pub const OVS_FLOW_CMD_GET: u8 = 3;
/// `OVS_FLOW_CMD_SET`.
pub const OVS_FLOW_CMD_SET: u8 = 4;

/// `OVS_FLOW_ATTR_KEY`.
pub const OVS_FLOW_ATTR_KEY: u16 = 1;
/// `OVS_FLOW_ATTR_ACTIONS`.
pub const OVS_FLOW_ATTR_ACTIONS: u16 = 2;
/// `OVS_FLOW_ATTR_STATS`.
pub const OVS_FLOW_ATTR_STATS: u16 = 3;
/// `OVS_FLOW_ATTR_TCP_FLAGS`.
pub const OVS_FLOW_ATTR_TCP_FLAGS: u16 = 4;
/// `OVS_FLOW_ATTR_USED`.
pub const OVS_FLOW_ATTR_USED: u16 = 5;
/// `OVS_FLOW_ATTR_CLEAR`.
pub const OVS_FLOW_ATTR_CLEAR: u16 = 6;
/// `OVS_FLOW_ATTR_MASK`.
pub const OVS_FLOW_ATTR_MASK: u16 = 7;
/// `OVS_FLOW_ATTR_PROBE`.
pub const OVS_FLOW_ATTR_PROBE: u16 = 8;
/// `OVS_FLOW_ATTR_UFID`.
pub const OVS_FLOW_ATTR_UFID: u16 = 9;
/// `OVS_FLOW_ATTR_UFID_FLAGS`.
pub const OVS_FLOW_ATTR_UFID_FLAGS: u16 = 10;
/// `OVS_FLOW_ATTR_PAD`.
pub const OVS_FLOW_ATTR_PAD: u16 = 11;
/// `OVS_FLOW_ATTR_MAX`.
pub const OVS_FLOW_ATTR_MAX: u16 = 11;

/// `flow_policy`.
pub static POLICY: PolicyTable = PolicyTable {
    maxattr: OVS_FLOW_ATTR_MAX,
    entries: &[
        Policy::UNSPEC,
        Policy::NESTED,     // KEY
        Policy::NESTED,     // ACTIONS
        Policy::UNSPEC,     // STATS
        Policy::UNSPEC,     // TCP_FLAGS
        Policy::UNSPEC,     // USED
        Policy::FLAG,       // CLEAR
        Policy::NESTED,     // MASK
        Policy::FLAG,       // PROBE
        Policy::min_len(1), // UFID
        Policy::U32,        // UFID_FLAGS
        Policy::UNSPEC,     // PAD
    ],
};

static OPS: [Op; 4] = crud_ops(&POLICY);

/// The `ovs_flow` family.
pub static FAMILY: FamilySpec = FamilySpec {
    name: NAME,
    version: VERSION,
    hdrsize: super::OVS_HEADER_LEN,
    resv_start_op: OVS_FLOW_CMD_SET + 1,
    ops: &OPS,
    groups: &[MCGROUP],
};
