//! Request datagrams as ovs-vswitchd and ovs-dpctl build them: datapath and
//! internal vport NEW/DEL, flow NEW/DEL by UFID batched several per datagram
//! (no ACK, no ECHO), flow dumps.

use genl::nlmsg::{NLM_F_ACK, NLM_F_DUMP, NLM_F_ECHO, NLM_F_REQUEST};
use genl::ovs::datapath::*;
use genl::ovs::flow::*;
use genl::ovs::vport::*;
use genl::Writer;
use ovsd::core::Core;
use std::ops::Range;

/// `OVS_UFID_F_OMIT_KEY | OMIT_MASK | OMIT_ACTIONS` (terse replies).
pub const UFID_TERSE: u32 = 7;
/// How many distinct masks [`FlowSpec::masks`] can cycle through.
pub const MAX_MASKS: u32 = 16;

/// The family ids of one ovsd.
#[derive(Clone, Copy, Debug)]
pub struct Families {
    /// `ovs_datapath`.
    pub dp: u16,
    /// `ovs_vport`.
    pub vport: u16,
    /// `ovs_flow`.
    pub flow: u16,
}

impl Families {
    /// Reads them from the core's registry (as a GETFAMILY would).
    pub fn of(core: &Core) -> Families {
        let id = |n: &str| {
            core.registry()
                .by_name(n.as_bytes())
                .expect("the OVS families are registered")
                .id
        };
        Families {
            dp: id("ovs_datapath"),
            vport: id("ovs_vport"),
            flow: id("ovs_flow"),
        }
    }
}

/// `OVS_DP_CMD_NEW` of `name` with ECHO and ACK.
pub fn datapath_new(f: &Families, name: &str) -> Vec<u8> {
    let mut w = Writer::new();
    let m = w.begin_msg(f.dp, NLM_F_REQUEST | NLM_F_ACK | NLM_F_ECHO, 1, 0);
    w.genl_hdr(OVS_DP_CMD_NEW, 2);
    w.put_u32(0);
    w.attr_str(OVS_DP_ATTR_NAME, name.as_bytes());
    w.attr_u32(OVS_DP_ATTR_UPCALL_PID, 0);
    w.end_msg(m);
    w.take()
}

/// `OVS_VPORT_CMD_NEW` (internal port `name`, ACK) or, with `new` false,
/// `OVS_VPORT_CMD_DEL` of `name` (ACK).
pub fn vport(f: &Families, dp_ifindex: i32, name: &str, new: bool) -> Vec<u8> {
    let mut w = Writer::new();
    let m = w.begin_msg(f.vport, NLM_F_REQUEST | NLM_F_ACK, 1, 0);
    w.genl_hdr(
        if new {
            OVS_VPORT_CMD_NEW
        } else {
            OVS_VPORT_CMD_DEL
        },
        2,
    );
    w.put_u32(dp_ifindex as u32);
    w.attr_str(OVS_VPORT_ATTR_NAME, name.as_bytes());
    if new {
        w.attr_u32(OVS_VPORT_ATTR_TYPE, OVS_VPORT_TYPE_INTERNAL);
        w.attr_u32(OVS_VPORT_ATTR_UPCALL_PID, 0);
    }
    w.end_msg(m);
    w.take()
}

/// `OVS_FLOW_CMD_GET` dump of every flow with `ufid_flags`.
pub fn flow_dump(f: &Families, dp_ifindex: i32, ufid_flags: u32) -> Vec<u8> {
    let mut w = Writer::new();
    let m = w.begin_msg(f.flow, NLM_F_REQUEST | NLM_F_DUMP, 1, 0);
    w.genl_hdr(OVS_FLOW_CMD_GET, 1);
    w.put_u32(dp_ifindex as u32);
    w.attr_u32(OVS_FLOW_ATTR_UFID_FLAGS, ufid_flags);
    w.end_msg(m);
    w.take()
}

/// Which flows a handler owns: flow `id` of handler `tag` is
/// `in_port(1),eth(…),ipv4(src=11.0.0.<tag>,dst=<id>,proto=17),udp(src=id%65536,dst=0x5678)`,
/// UFID `<id><tag>00…`, actions `output(0)`.
#[derive(Clone, Copy, Debug)]
pub struct FlowSpec {
    /// Family ids.
    pub fam: Families,
    /// The datapath.
    pub dp_ifindex: i32,
    /// Distinguishes handlers (their flows never collide).
    pub tag: u32,
    /// 0: exact-match flows (no MASK attribute); n: flow `id` uses mask
    /// `id % n`, all exact but for the low `id % n` bits of the UDP source
    /// port (at most [`MAX_MASKS`]).
    pub masks: u32,
}

impl FlowSpec {
    /// One datagram of flow NEWs (`OVS_FLOW_CMD_NEW`) or DELs by UFID
    /// (`OVS_FLOW_CMD_DEL`) for `ids`, without ACK or ECHO, terse.
    pub fn batch(&self, cmd: u8, ids: Range<u32>) -> Vec<u8> {
        let mut w = Writer::with_capacity(ids.len() * 200);
        for id in ids {
            self.put(&mut w, cmd, id);
        }
        w.take()
    }

    fn put(&self, w: &mut Writer, cmd: u8, id: u32) {
        let m = w.begin_msg(self.fam.flow, NLM_F_REQUEST, id, 0);
        w.genl_hdr(cmd, 1);
        w.put_u32(self.dp_ifindex as u32);
        let mut ufid = [0u8; 16];
        ufid[..4].copy_from_slice(&id.to_ne_bytes());
        ufid[4..8].copy_from_slice(&self.tag.to_ne_bytes());
        w.attr(OVS_FLOW_ATTR_UFID, &ufid);
        if cmd == OVS_FLOW_CMD_NEW {
            self.put_key(w, id, false);
            if self.masks > 0 {
                self.put_key(w, id, true);
            }
            let a = w.nest(OVS_FLOW_ATTR_ACTIONS);
            w.attr_u32(1, 0); // OVS_ACTION_ATTR_OUTPUT
            w.nest_end(a);
        }
        w.attr_u32(OVS_FLOW_ATTR_UFID_FLAGS, UFID_TERSE);
        w.end_msg(m);
    }

    /// The key (or, with `mask`, the mask) of flow `id`, nested.
    fn put_key(&self, w: &mut Writer, id: u32, mask: bool) {
        let k = w.nest(if mask {
            OVS_FLOW_ATTR_MASK
        } else {
            OVS_FLOW_ATTR_KEY
        });
        self.put_fields(w, id, mask);
        w.nest_end(k);
    }

    /// The payload of flow `id`'s `OVS_FLOW_ATTR_KEY` (or, with `mask`,
    /// `OVS_FLOW_ATTR_MASK`): its `OVS_KEY_ATTR_*` list.
    pub fn match_attrs(&self, id: u32, mask: bool) -> Vec<u8> {
        let mut w = Writer::new();
        self.put_fields(&mut w, id, mask);
        w.take()
    }

    fn put_fields(&self, w: &mut Writer, id: u32, mask: bool) {
        let src = 0x0b00_0000 | (self.tag & 0xff_ffff);
        let tp_src = (id & 0xffff) as u16;
        if mask {
            let wild = id % self.masks.clamp(1, MAX_MASKS);
            w.attr_u32(3, u32::MAX); // in_port
            w.attr(4, &[0xff; 12]); // ethernet
            w.attr(6, &[0xff, 0xff]); // eth_type
            w.attr(7, &[0xff; 12]); // ipv4
            let mut udp = [0xffu8; 4];
            udp[..2].copy_from_slice(&(0xffffu16 << wild).to_be_bytes());
            w.attr(10, &udp);
        } else {
            w.attr_u32(3, 1);
            w.attr(4, &[2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2]);
            w.attr(6, &0x0800u16.to_be_bytes());
            let mut ip = [0u8, 0, 0, 0, 0, 0, 0, 0, 17, 0, 64, 0];
            ip[..4].copy_from_slice(&src.to_be_bytes());
            ip[4..8].copy_from_slice(&id.to_be_bytes());
            w.attr(7, &ip);
            let mut udp = [0u8, 0, 0x56, 0x78];
            udp[..2].copy_from_slice(&tp_src.to_be_bytes());
            w.attr(10, &udp);
        }
    }
}
