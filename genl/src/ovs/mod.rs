//! The Open vSwitch uAPI (`include/uapi/linux/openvswitch.h`): one module per
//! family with its commands, attribute numbers and request policies, and the
//! family registrations of the kernels ovsd emulates.

pub mod datapath;
pub mod flow;
pub mod packet;
pub mod vport;

use crate::ctrl::{
    Family, FamilySpec, Op, OpValidate, Registry, GENL_UNS_ADMIN_PERM, NLCTRL_FAMILY,
};
use crate::policy::PolicyTable;

/// Size of `struct ovs_header` (`int dp_ifindex`): every OVS family's hdrsize.
pub const OVS_HEADER_LEN: u32 = 4;
/// `IFNAMSIZ`.
pub const IFNAMSIZ: u16 = 16;

/// The four ops of the datapath, vport and flow families, in the kernel's
/// array order: NEW, DEL, GET (do and dump), SET; writes need
/// `GENL_UNS_ADMIN_PERM`.
pub const fn crud_ops(policy: &'static PolicyTable) -> [Op; 4] {
    const fn op(cmd: u8, dumpit: bool, perm: u32, policy: &'static PolicyTable) -> Op {
        Op {
            cmd,
            doit: true,
            dumpit,
            perm,
            validate: OpValidate::LEGACY,
            policy: Some(policy),
        }
    }
    [
        op(1, false, GENL_UNS_ADMIN_PERM, policy),
        op(2, false, GENL_UNS_ADMIN_PERM, policy),
        op(3, true, 0, policy),
        op(4, false, GENL_UNS_ADMIN_PERM, policy),
    ]
}

/// Which kernel's registrations to reproduce (ids, group ids, maxattr).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum KernelVersion {
    /// Debian's 6.1 (`linux-image-6.1.0-*-amd64`).
    V6_1,
    /// Debian's 6.12 (`linux-image-6.12.*+deb12-amd64`): the default.
    #[default]
    V6_12,
}

impl KernelVersion {
    /// The families a kernel with `openvswitch.ko` loaded registers, as
    /// recorded in `../shared/traces/<kernel>/basic.trace`: nlctrl plus the
    /// four OVS families ovsd serves. (`ovs_meter` and `ovs_ct_limit` are not
    /// served, so they are not advertised.)
    pub fn registry(self) -> Registry {
        let (first_id, groups, vport_maxattr) = match self {
            KernelVersion::V6_1 => (32, [9, 10, 11], 9),
            KernelVersion::V6_12 => (36, [15, 21, 22], 10),
        };
        let fam = |spec: &'static FamilySpec, n: u16, maxattr: u32, grp: u32| Family {
            spec,
            id: first_id + n,
            maxattr,
            mcgrp_offset: grp,
        };
        Registry::new(vec![
            NLCTRL_FAMILY,
            fam(
                &datapath::FAMILY,
                0,
                datapath::OVS_DP_ATTR_MAX as u32,
                groups[0],
            ),
            fam(&vport::FAMILY, 1, vport_maxattr, groups[1]),
            fam(&flow::FAMILY, 2, flow::OVS_FLOW_ATTR_MAX as u32, groups[2]),
            fam(&packet::FAMILY, 3, packet::OVS_PACKET_ATTR_MAX as u32, 0),
        ])
    }
}
