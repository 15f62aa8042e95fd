//! `ovs_packet`: commands, attributes (`enum ovs_packet_attr`) and the
//! EXECUTE request policy (`packet_policy`).

use crate::ctrl::{FamilySpec, Op, OpValidate, GENL_UNS_ADMIN_PERM};
use crate::policy::{Policy, PolicyTable};

/// `OVS_PACKET_FAMILY`.
pub const NAME: &str = "ovs_packet";
/// `OVS_PACKET_VERSION`.
pub const VERSION: u32 = 1;

/// `OVS_PACKET_CMD_MISS` (kernel to user).
pub const OVS_PACKET_CMD_MISS: u8 = 1;
/// `OVS_PACKET_CMD_ACTION` (kernel to user).
pub const OVS_PACKET_CMD_ACTION: u8 = 2;
/// `OVS_PACKET_CMD_EXECUTE`.
pub const OVS_PACKET_CMD_EXECUTE: u8 = 3;

/// `OVS_PACKET_ATTR_PACKET`.
pub const OVS_PACKET_ATTR_PACKET: u16 = 1;
/// `OVS_PACKET_ATTR_KEY`.
pub const OVS_PACKET_ATTR_KEY: u16 = 2;
/// `OVS_PACKET_ATTR_ACTIONS`.
pub const OVS_PACKET_ATTR_ACTIONS: u16 = 3;
/// `OVS_PACKET_ATTR_USERDATA`.
pub const OVS_PACKET_ATTR_USERDATA: u16 = 4;
/// `OVS_PACKET_ATTR_EGRESS_TUN_KEY`.
pub const OVS_PACKET_ATTR_EGRESS_TUN_KEY: u16 = 5;
/// `OVS_PACKET_ATTR_PROBE`.
pub const OVS_PACKET_ATTR_PROBE: u16 = 8;
/// `OVS_PACKET_ATTR_MRU`.
pub const OVS_PACKET_ATTR_MRU: u16 = 9;
/// `OVS_PACKET_ATTR_LEN`.
pub const OVS_PACKET_ATTR_LEN: u16 = 10;
/// `OVS_PACKET_ATTR_HASH`.
pub const OVS_PACKET_ATTR_HASH: u16 = 11;
/// `OVS_PACKET_ATTR_MAX` of the 6.1 and 6.12 kernels (newer mainline adds
/// `UPCALL_PID` = 12; both recorded kernels report maxattr 11).
pub const OVS_PACKET_ATTR_MAX: u16 = 11;

/// `ETH_HLEN`: the shortest frame EXECUTE accepts.
pub const ETH_HLEN: u16 = 14;

/// `packet_policy`.
pub static POLICY: PolicyTable = PolicyTable {
    maxattr: OVS_PACKET_ATTR_MAX,
    entries: &[
        Policy::UNSPEC,
        Policy::min_len(ETH_HLEN), // PACKET
        Policy::NESTED,            // KEY
        Policy::NESTED,            // ACTIONS
        Policy::UNSPEC,            // USERDATA
        Policy::UNSPEC,            // EGRESS_TUN_KEY
        Policy::UNSPEC,            // UNUSED1
        Policy::UNSPEC,            // UNUSED2
        Policy::FLAG,              // PROBE
        Policy::U16,               // MRU
        Policy::UNSPEC,            // LEN
        Policy::U64,               // HASH
    ],
};

static OPS: [Op; 1] = [Op {
    cmd: OVS_PACKET_CMD_EXECUTE,
    doit: true,
    dumpit: false,
    perm: GENL_UNS_ADMIN_PERM,
    validate: OpValidate::LEGACY,
    policy: Some(&POLICY),
}];

/// The `ovs_packet` family (no multicast groups).
pub static FAMILY: FamilySpec = FamilySpec {
    name: NAME,
    version: VERSION,
    hdrsize: super::OVS_HEADER_LEN,
    resv_start_op: OVS_PACKET_CMD_EXECUTE + 1,
    ops: &OPS,
    groups: &[],
};
