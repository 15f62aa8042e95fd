//! `OVS_PACKET_CMD_EXECUTE` (`ovs_packet_cmd_execute`): run actions on a
//! packet userspace hands in. RCU only, never `ovs_mutex`; no reply besides
//! the ACK, and the action result is the command's result.

use super::dp_ifindex;
use super::flow_cmds::dialect;
use super::packet_path::DpEnv;
use crate::core::dispatch::Request;
use crate::core::{Core, Outbox, Socket};
use flowtable::actions::copy_actions_for;
use flowtable::matching::attrs::{
    OVS_KEY_ATTR_CT_ORIG_TUPLE_IPV4, OVS_KEY_ATTR_CT_ORIG_TUPLE_IPV6,
};
use flowtable::matching::parse_metadata;
use flowtable::Packet;
use genl::ovs::packet::*;
use genl::Errno;

/// `OVS_PACKET_HASH_SW_BIT`.
const HASH_SW_BIT: u64 = 1 << 32;
/// `OVS_PACKET_HASH_L4_BIT`.
const HASH_L4_BIT: u64 = 1 << 33;

/// `ovs_packet_cmd_execute`.
pub(super) fn execute(
    core: &Core,
    _sock: &Socket,
    req: &Request<'_>,
    _out: &mut Outbox,
) -> Result<(), Errno> {
    let a = &req.attrs;
    let (Some(frame), Some(key_attr), Some(acts_attr)) = (
        a.get(OVS_PACKET_ATTR_PACKET),
        a.get(OVS_PACKET_ATTR_KEY),
        a.get(OVS_PACKET_ATTR_ACTIONS),
    ) else {
        return Err(Errno::EINVAL);
    };
    let log = !a.has(OVS_PACKET_ATTR_PROBE);
    let mut pkt = Packet::from_frame(frame.payload);
    if let Some(mru) = a.get(OVS_PACKET_ATTR_MRU).and_then(|m| m.u16()) {
        pkt.mru = mru;
    }
    if let Some(hash) = a.get(OVS_PACKET_ATTR_HASH).and_then(|h| h.u64()) {
        // __skb_set_hash
        pkt.hash = hash as u32;
        pkt.sw_hash = hash & HASH_SW_BIT != 0;
        pkt.l4_hash = hash & HASH_L4_BIT != 0;
    }
    // ovs_flow_key_extract_userspace
    let (mut key, attrs) = parse_metadata(key_attr.payload)?;
    pkt.protocol = key.eth_type();
    flowtable::extract::key_extract(&mut pkt, &mut key)?;
    if attrs & (1 << OVS_KEY_ATTR_CT_ORIG_TUPLE_IPV4) != 0 && key.eth_type() != 0x0800 {
        return Err(Errno::EINVAL);
    }
    if attrs & (1 << OVS_KEY_ATTR_CT_ORIG_TUPLE_IPV6) != 0
        && (key.eth_type() != 0x86dd || is_nd(&key))
    {
        return Err(Errno::EINVAL);
    }
    let acts = copy_actions_for(acts_attr.payload, &key, log, dialect(core))?;
    pkt.priority = u32::from_ne_bytes(key.priority);
    pkt.mark = u32::from_ne_bytes(key.skb_mark);

    let snap = core.ovs.published.load();
    let (dp, ports) = snap.dp_by_ifindex(dp_ifindex(req)).ok_or(Errno::ENODEV)?;
    let in_port = u32::from(key.in_port());
    let input = ports
        .iter()
        .find(|v| v.port_no == in_port)
        .or_else(|| ports.iter().find(|v| v.port_no == 0))
        .ok_or(Errno::ENODEV)?;
    pkt.in_port = input.port_no as u16;
    let mut env = DpEnv::new(core, dp, ports, Some(input));
    dataplane::execute_actions(&mut env, pkt, &mut key, &acts.list)
}

/// `sw_flow_key_is_nd`: an ICMPv6 neighbour solicitation or advertisement.
fn is_nd(key: &flowtable::FlowKey) -> bool {
    key.eth_type() == 0x86dd
        && key.ip_proto == 58
        && key.tp_dst == [0, 0]
        && matches!(u16::from_be_bytes(key.tp_src), 135 | 136)
}
