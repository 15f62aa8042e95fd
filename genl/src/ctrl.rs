//! The generic netlink controller, `nlctrl`: family descriptions (what
//! `struct genl_family` and its ops say), the registry of families a peer
//! serves, and `CTRL_CMD_GETFAMILY` as `ctrl_getfamily` / `ctrl_fill_info` /
//! `ctrl_dumpfamily` answer it.

use crate::attr::Attr;
use crate::errno::Errno;
use crate::policy::{Attrs, Policy, PolicyTable};
use crate::writer::Writer;

/// `GENL_ID_CTRL`: nlctrl's fixed family id.
pub const GENL_ID_CTRL: u16 = 0x10;
/// `GENL_NAMSIZ`.
pub const GENL_NAMSIZ: usize = 16;

/// `CTRL_CMD_NEWFAMILY`: the command of GETFAMILY replies.
pub const CTRL_CMD_NEWFAMILY: u8 = 1;
/// `CTRL_CMD_GETFAMILY`.
pub const CTRL_CMD_GETFAMILY: u8 = 3;
/// `CTRL_CMD_GETPOLICY`.
pub const CTRL_CMD_GETPOLICY: u8 = 10;

/// `CTRL_ATTR_FAMILY_ID` (u16).
pub const CTRL_ATTR_FAMILY_ID: u16 = 1;
/// `CTRL_ATTR_FAMILY_NAME` (string).
pub const CTRL_ATTR_FAMILY_NAME: u16 = 2;
/// `CTRL_ATTR_VERSION` (u32).
pub const CTRL_ATTR_VERSION: u16 = 3;
/// `CTRL_ATTR_HDRSIZE` (u32).
pub const CTRL_ATTR_HDRSIZE: u16 = 4;
/// `CTRL_ATTR_MAXATTR` (u32).
pub const CTRL_ATTR_MAXATTR: u16 = 5;
/// `CTRL_ATTR_OPS` (array of nests).
pub const CTRL_ATTR_OPS: u16 = 6;
/// `CTRL_ATTR_MCAST_GROUPS` (array of nests).
pub const CTRL_ATTR_MCAST_GROUPS: u16 = 7;
/// `CTRL_ATTR_OP_ID` inside an OPS entry.
pub const CTRL_ATTR_OP_ID: u16 = 1;
/// `CTRL_ATTR_OP_FLAGS` inside an OPS entry.
pub const CTRL_ATTR_OP_FLAGS: u16 = 2;
/// `CTRL_ATTR_MCAST_GRP_NAME` inside a MCAST_GROUPS entry.
pub const CTRL_ATTR_MCAST_GRP_NAME: u16 = 1;
/// `CTRL_ATTR_MCAST_GRP_ID` inside a MCAST_GROUPS entry.
pub const CTRL_ATTR_MCAST_GRP_ID: u16 = 2;

/// `GENL_ADMIN_PERM`.
pub const GENL_ADMIN_PERM: u32 = 0x01;
/// `GENL_CMD_CAP_DO`.
pub const GENL_CMD_CAP_DO: u32 = 0x02;
/// `GENL_CMD_CAP_DUMP`.
pub const GENL_CMD_CAP_DUMP: u32 = 0x04;
/// `GENL_CMD_CAP_HASPOL`.
pub const GENL_CMD_CAP_HASPOL: u32 = 0x08;
/// `GENL_UNS_ADMIN_PERM`.
pub const GENL_UNS_ADMIN_PERM: u32 = 0x10;

/// `ctrl_policy_family`: the GETFAMILY request policy (maxattr 2).
pub static CTRL_POLICY_FAMILY: PolicyTable = PolicyTable {
    maxattr: 2,
    entries: &[
        Policy::UNSPEC,
        Policy::U16,
        Policy::nul_string(GENL_NAMSIZ as u16 - 1),
    ],
};

/// How the generic netlink core validates a request for an op
/// (`GENL_DONT_VALIDATE_*`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OpValidate {
    /// `GENL_DONT_VALIDATE_STRICT`: `doit` requests are parsed liberally.
    pub dont_validate_strict: bool,
    /// `GENL_DONT_VALIDATE_DUMP`: dump requests are not parsed at all.
    pub dont_validate_dump: bool,
    /// `GENL_DONT_VALIDATE_DUMP_STRICT`: dump requests are parsed liberally.
    pub dont_validate_dump_strict: bool,
}

impl OpValidate {
    /// `GENL_DONT_VALIDATE_STRICT | GENL_DONT_VALIDATE_DUMP`, what every OVS
    /// op and nlctrl's GETFAMILY use.
    pub const LEGACY: OpValidate = OpValidate {
        dont_validate_strict: true,
        dont_validate_dump: true,
        dont_validate_dump_strict: false,
    };
}

/// One command of a family (`struct genl_small_ops`).
#[derive(Debug)]
pub struct Op {
    /// The command number.
    pub cmd: u8,
    /// Has a `doit` handler.
    pub doit: bool,
    /// Has a `dumpit` handler.
    pub dumpit: bool,
    /// `GENL_ADMIN_PERM` / `GENL_UNS_ADMIN_PERM` bits.
    pub perm: u32,
    /// Validation flags.
    pub validate: OpValidate,
    /// The request policy (its `maxattr` is the op's).
    pub policy: Option<&'static PolicyTable>,
}

impl Op {
    /// The flags nlctrl reports for this op (`ctrl_fill_info`).
    pub fn reported_flags(&self) -> u32 {
        let mut f = self.perm;
        if self.doit {
            f |= GENL_CMD_CAP_DO;
        }
        if self.dumpit {
            f |= GENL_CMD_CAP_DUMP;
        }
        if self.policy.is_some() {
            f |= GENL_CMD_CAP_HASPOL;
        }
        f
    }
}

/// What a family is, independent of the ids a kernel gave it.
#[derive(Debug)]
pub struct FamilySpec {
    /// `name`.
    pub name: &'static str,
    /// `version`.
    pub version: u32,
    /// `hdrsize`: the family header after `genlmsghdr`.
    pub hdrsize: u32,
    /// `resv_start_op`: commands from this one on get the strict header check.
    pub resv_start_op: u8,
    /// Ops, in the kernel's array order.
    pub ops: &'static [Op],
    /// Multicast group names, in order.
    pub groups: &'static [&'static str],
}

impl FamilySpec {
    /// The op for `cmd` with the wanted capability (`genl_get_cmd_split`).
    pub fn op(&self, cmd: u8, dump: bool) -> Option<&'static Op> {
        self.ops
            .iter()
            .find(|o| o.cmd == cmd && if dump { o.dumpit } else { o.doit })
    }
}

/// A family as registered in one kernel: its id, `maxattr` and the id of its
/// first multicast group (`mcgrp_offset`).
#[derive(Debug, Clone, Copy)]
pub struct Family {
    /// The description.
    pub spec: &'static FamilySpec,
    /// The family id (`nlmsg_type`).
    pub id: u16,
    /// `maxattr` as nlctrl reports it.
    pub maxattr: u32,
    /// Id of the first multicast group; the others follow.
    pub mcgrp_offset: u32,
}

impl Family {
    /// The id of the multicast group named `name`.
    pub fn group_id(&self, name: &str) -> Option<u32> {
        let i = self.spec.groups.iter().position(|g| *g == name)?;
        Some(self.mcgrp_offset + i as u32)
    }
}

/// The families one peer serves, ordered by id (the kernel's idr order).
#[derive(Debug, Clone)]
pub struct Registry {
    families: Vec<Family>,
}

impl Registry {
    /// A registry of `families`; they are sorted by id.
    pub fn new(mut families: Vec<Family>) -> Self {
        families.sort_by_key(|f| f.id);
        Registry { families }
    }

    /// All families, by id.
    pub fn families(&self) -> &[Family] {
        &self.families
    }

    /// `genl_family_find_byid`.
    pub fn by_id(&self, id: u16) -> Option<&Family> {
        self.families.iter().find(|f| f.id == id)
    }

    /// `genl_family_find_byname` (exact comparison).
    pub fn by_name(&self, name: &[u8]) -> Option<&Family> {
        self.families
            .iter()
            .find(|f| f.spec.name.as_bytes() == name)
    }

    /// Which family owns multicast group `group`, and the group's name.
    pub fn group(&self, group: u32) -> Option<(&Family, &'static str)> {
        self.families.iter().find_map(|f| {
            let i = group.checked_sub(f.mcgrp_offset)? as usize;
            f.spec.groups.get(i).map(|n| (f, *n))
        })
    }
}

/// `ctrl_getfamily`: the family a GETFAMILY `doit` names. A name wins over an
/// id; nothing named is `EINVAL`; an unknown one `ENOENT`.
pub fn get_family<'r>(reg: &'r Registry, attrs: &Attrs<'_>) -> Result<&'r Family, Errno> {
    let mut res = Err(Errno::EINVAL);
    if let Some(id) = attrs.get(CTRL_ATTR_FAMILY_ID).and_then(|a| a.u16()) {
        res = reg.by_id(id).ok_or(Errno::ENOENT);
    }
    if let Some(name) = attrs.get(CTRL_ATTR_FAMILY_NAME) {
        res = reg.by_name(Attr::c_str(&name)).ok_or(Errno::ENOENT);
    }
    res
}

/// `ctrl_fill_info`: one NEWFAMILY message describing `f`.
pub fn fill_family(w: &mut Writer, f: &Family, portid: u32, seq: u32, flags: u16) {
    let m = w.begin_msg(GENL_ID_CTRL, flags, seq, portid);
    w.genl_hdr(CTRL_CMD_NEWFAMILY, NLCTRL.version as u8);
    w.attr_str(CTRL_ATTR_FAMILY_NAME, f.spec.name.as_bytes());
    w.attr_u16(CTRL_ATTR_FAMILY_ID, f.id);
    w.attr_u32(CTRL_ATTR_VERSION, f.spec.version);
    w.attr_u32(CTRL_ATTR_HDRSIZE, f.spec.hdrsize);
    w.attr_u32(CTRL_ATTR_MAXATTR, f.maxattr);
    if !f.spec.ops.is_empty() {
        let ops = w.nest_noflag(CTRL_ATTR_OPS);
        for (i, op) in f.spec.ops.iter().enumerate() {
            let e = w.nest_noflag(i as u16 + 1);
            w.attr_u32(CTRL_ATTR_OP_ID, op.cmd as u32);
            w.attr_u32(CTRL_ATTR_OP_FLAGS, op.reported_flags());
            w.nest_end(e);
        }
        w.nest_end(ops);
    }
    if !f.spec.groups.is_empty() {
        let grps = w.nest_noflag(CTRL_ATTR_MCAST_GROUPS);
        for (i, name) in f.spec.groups.iter().enumerate() {
            let e = w.nest_noflag(i as u16 + 1);
            w.attr_u32(CTRL_ATTR_MCAST_GRP_ID, f.mcgrp_offset + i as u32);
            w.attr_str(CTRL_ATTR_MCAST_GRP_NAME, name.as_bytes());
            w.nest_end(e);
        }
        w.nest_end(grps);
    }
    w.end_msg(m);
}

/// `ctrl_dumpfamily`: appends NEWFAMILY records (flags `NLM_F_MULTI`) from
/// family index `*cursor` while they fit in `limit` bytes of `w`; advances
/// the cursor. Returns whether anything was added (the kernel's
/// `skb->len != 0`).
pub fn dump_families(
    w: &mut Writer,
    reg: &Registry,
    portid: u32,
    seq: u32,
    cursor: &mut usize,
    limit: usize,
) -> bool {
    let start = w.len();
    for f in reg.families().iter().skip(*cursor) {
        let before = w.len();
        fill_family(w, f, portid, seq, crate::nlmsg::NLM_F_MULTI);
        if w.len() - start > limit && before > start {
            w.truncate(before);
            break;
        }
        *cursor += 1;
    }
    w.len() > start
}

/// nlctrl's own ops: GETFAMILY (do, and dump).
static NLCTRL_OPS: [Op; 1] = [Op {
    cmd: CTRL_CMD_GETFAMILY,
    doit: true,
    dumpit: true,
    perm: 0,
    validate: OpValidate::LEGACY,
    policy: Some(&CTRL_POLICY_FAMILY),
}];

/// The `nlctrl` family itself (version 2, no header, group `notify`).
pub static NLCTRL: FamilySpec = FamilySpec {
    name: "nlctrl",
    version: 2,
    hdrsize: 0,
    resv_start_op: CTRL_CMD_GETPOLICY + 1,
    ops: &NLCTRL_OPS,
    groups: &["notify"],
};

/// nlctrl as every kernel registers it: id 0x10, maxattr 0, group 0x10.
pub const NLCTRL_FAMILY: Family = Family {
    spec: &NLCTRL,
    id: GENL_ID_CTRL,
    maxattr: 0,
    mcgrp_offset: 0x10,
};
