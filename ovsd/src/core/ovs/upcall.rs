//! Upcalls: `OVS_PACKET_CMD_MISS` and `OVS_PACKET_CMD_ACTION` messages built
//! as `queue_userspace_packet` builds them and sent as `ovs_dp_upcall` sends
//! them (unicast, `MSG_DONTWAIT`), with the datapath's and the input vport's
//! counters.

use super::state::{Datapath, Vport};
use crate::core::Core;
use flowtable::actions::{put_list, Action, TunnelInfo};
use flowtable::matching::put_key;
use flowtable::{FlowKey, Packet};
use genl::ovs::datapath::OVS_DP_F_UNALIGNED;
use genl::ovs::packet as pk;
use genl::{Errno, Writer};
use std::sync::atomic::Ordering;

/// `OVS_PACKET_HASH_SW_BIT`.
const HASH_SW_BIT: u64 = 1 << 32;
/// `OVS_PACKET_HASH_L4_BIT`.
const HASH_L4_BIT: u64 = 1 << 33;

/// What one upcall carries (`struct dp_upcall_info`).
#[derive(Debug)]
pub(crate) struct UpcallInfo<'a> {
    /// `OVS_PACKET_CMD_MISS` or `OVS_PACKET_CMD_ACTION`.
    pub cmd: u8,
    /// Destination port id (0: none, the upcall fails with `ENOTCONN`).
    pub portid: u32,
    /// `OVS_PACKET_ATTR_USERDATA`.
    pub userdata: Option<&'a [u8]>,
    /// `OVS_PACKET_ATTR_EGRESS_TUN_KEY`.
    pub egress_tun: Option<&'a TunnelInfo>,
    /// `OVS_PACKET_ATTR_ACTIONS`: the list being executed.
    pub actions: Option<&'a [Action]>,
    /// `OVS_PACKET_ATTR_MRU` when non-zero.
    pub mru: u16,
    /// Bytes of the packet to send (`min(skb->len, cutlen)`); a shorter
    /// packet adds `OVS_PACKET_ATTR_LEN` with the full length.
    pub max_len: usize,
}

/// `ovs_dp_upcall`: sends the upcall; on failure counts `n_lost` (and the
/// input vport's upcall failure unless the port id was 0, which fails before
/// the vport is charged). Returns the kernel's error.
pub(crate) fn send(
    core: &Core,
    dp: &Datapath,
    input: Option<&Vport>,
    pkt: &Packet,
    key: &FlowKey,
    info: &UpcallInfo<'_>,
    scratch: &mut Writer,
) -> Result<(), Errno> {
    let res = if info.portid == 0 {
        Err(Errno(libc::ENOTCONN))
    } else {
        let r = build(core, dp, pkt, key, info, scratch).and_then(|()| {
            if core.faults.drop_upcall(info.cmd) {
                // fault injection: lost in transit, the receiver not told
                return Err(Errno::EAGAIN);
            }
            core.sockets.unicast(info.portid, scratch.as_bytes())
        });
        // ovs_vport_update_upcall_stats
        if let Some(v) = input {
            let c = if r.is_ok() {
                &v.upcall_success
            } else {
                &v.upcall_fail
            };
            c.fetch_add(1, Ordering::Relaxed);
        }
        r
    };
    if res.is_err() {
        dp.stats.n_lost.fetch_add(1, Ordering::Relaxed);
    }
    res
}

/// `queue_userspace_packet` up to the unicast: the message in `w`.
fn build(
    core: &Core,
    dp: &Datapath,
    pkt: &Packet,
    key: &FlowKey,
    info: &UpcallInfo<'_>,
    w: &mut Writer,
) -> Result<(), Errno> {
    if dp.ifindex == 0 {
        return Err(Errno::ENODEV);
    }
    let full = pkt.wire_len();
    let len = full.min(info.max_len);
    // nla_attr_size(skb_len) > USHRT_MAX
    if len + 4 > u16::MAX as usize {
        return Err(Errno::EFBIG);
    }
    let family = core
        .registry
        .by_name(pk::NAME.as_bytes())
        .map(|f| f.id)
        .ok_or(Errno::ENODEV)?;
    w.clear();
    let m = w.begin_msg(family, 0, 0, 0);
    w.genl_hdr(info.cmd, pk::VERSION as u8);
    w.put_u32(dp.ifindex as u32);
    put_key(w, key, key, pk::OVS_PACKET_ATTR_KEY, false);
    if let Some(u) = info.userdata {
        w.attr(pk::OVS_PACKET_ATTR_USERDATA, u);
    }
    if let Some(t) = info.egress_tun {
        let n = w.nest_noflag(pk::OVS_PACKET_ATTR_EGRESS_TUN_KEY);
        flowtable::actions::tunnel::put_tunnel_attrs(w, t);
        w.nest_end(n);
    }
    if let Some(list) = info.actions {
        let n = w.nest_noflag(pk::OVS_PACKET_ATTR_ACTIONS);
        put_list(w, list);
        w.nest_end(n);
    }
    if info.mru != 0 {
        w.attr_u16(pk::OVS_PACKET_ATTR_MRU, info.mru);
    }
    if len < full {
        w.attr_u32(pk::OVS_PACKET_ATTR_LEN, full as u32);
    }
    let mut hash = pkt.hash as u64;
    if pkt.sw_hash {
        hash |= HASH_SW_BIT;
    }
    if pkt.l4_hash {
        hash |= HASH_L4_BIT;
    }
    w.attr_u64(pk::OVS_PACKET_ATTR_HASH, hash);
    put_packet(w, pkt, len, dp.features() & OVS_DP_F_UNALIGNED != 0);
    // nlmsg_len = user_skb->len: unaligned when the packet was not padded
    w.end_msg(m);
    Ok(())
}

/// `OVS_PACKET_ATTR_PACKET`: the first `len` bytes of the frame with the
/// accelerated tag re-inserted (`__vlan_hwaccel_push_inside`); padded to 4
/// bytes unless the datapath is `UNALIGNED` (`pad_packet`).
fn put_packet(w: &mut Writer, pkt: &Packet, len: usize, unaligned: bool) {
    let hdr = (4 + len) as u16;
    w.put_raw(&hdr.to_ne_bytes());
    w.put_raw(&pk::OVS_PACKET_ATTR_PACKET.to_ne_bytes());
    let start = w.len();
    match pkt.vlan {
        Some(tag) if pkt.data.len() >= 12 => {
            let mut tagged = [0u8; 16];
            tagged[..12].copy_from_slice(&pkt.data[..12]);
            tagged[12..14].copy_from_slice(&tag.tpid.to_be_bytes());
            tagged[14..16].copy_from_slice(&tag.tci.to_be_bytes());
            w.put_raw(&tagged[..len.min(16)]);
            if len > 16 {
                w.put_raw(&pkt.data[12..12 + (len - 16)]);
            }
        }
        _ => w.put_raw(&pkt.data[..len]),
    }
    debug_assert_eq!(w.len() - start, len);
    if !unaligned {
        let pad = (4 - len % 4) % 4;
        w.put_raw(&[0u8; 3][..pad]);
    }
}

/// `ovs_vport_find_upcall_portid`: a MISS upcall's port id from the input
/// vport's pids, by the packet's hash when there are several.
pub(crate) fn vport_portid(v: &Vport, hash: u32) -> u32 {
    let pids = v.upcall_pids.lock().unwrap_or_else(|p| p.into_inner());
    match pids.len() {
        0 => 0,
        1 => pids[0],
        n => pids[(hash as usize) % n],
    }
}

/// `ovs_dp_get_upcall_portid`: the per-CPU port id for `cpu` (modulo the
/// table size when userspace gave fewer pids than CPUs; 0 with none).
pub(crate) fn cpu_portid(dp: &Datapath, cpu: usize) -> u32 {
    let pids = dp.per_cpu_pids.lock().unwrap_or_else(|p| p.into_inner());
    match pids.len() {
        0 => 0,
        n => pids[cpu % n],
    }
}

/// The CPU this thread runs on (`smp_processor_id`).
pub(crate) fn this_cpu() -> usize {
    // SAFETY: sched_getcpu has no preconditions.
    let c = unsafe { libc::sched_getcpu() };
    if c < 0 {
        0
    } else {
        c as usize
    }
}
