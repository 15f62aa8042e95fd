//! Reply messages of the datapath and vport families, attribute for
//! attribute in the kernel's order (`ovs_dp_cmd_fill_info`,
//! `ovs_vport_cmd_fill_info`).

use super::state::{Datapath, Vport};
use genl::ctrl::Family;
use genl::ovs::datapath::*;
use genl::ovs::vport::*;
use genl::Writer;
use std::sync::atomic::Ordering;

/// This machine's possible CPUs: the emulated kernel's `nr_cpu_ids` unless
/// configured otherwise.
pub(crate) fn host_cpus() -> usize {
    // SAFETY: sysconf has no preconditions.
    let n = unsafe { libc::sysconf(libc::_SC_NPROCESSORS_CONF) };
    if n > 0 {
        n as usize
    } else {
        1
    }
}

/// The header fields of a reply message.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Hdr {
    /// `nlmsg_pid`: the requester's port id.
    pub portid: u32,
    /// `nlmsg_seq`: the request's sequence number.
    pub seq: u32,
    /// `nlmsg_flags` (`NLM_F_MULTI` in dumps).
    pub flags: u16,
    /// The generic netlink command.
    pub cmd: u8,
}

/// `ovs_dp_cmd_fill_info`: NAME, STATS, MEGAFLOW_STATS, USER_FEATURES,
/// MASKS_CACHE_SIZE, [PER_CPU_PIDS].
pub(crate) fn datapath(
    w: &mut Writer,
    fam: &Family,
    dp: &Datapath,
    n_flows: u64,
    n_masks: u32,
    nr_cpu_ids: usize,
    hdr: Hdr,
) {
    let m = w.begin_msg(fam.id, hdr.flags, hdr.seq, hdr.portid);
    w.genl_hdr(hdr.cmd, fam.spec.version as u8);
    w.put_u32(dp.ifindex as u32);
    w.attr_str(OVS_DP_ATTR_NAME, &dp.name);
    let s = &dp.stats;
    let mut stats = [0u8; 32];
    for (i, v) in [
        s.n_hit.load(Ordering::Relaxed),
        s.n_missed.load(Ordering::Relaxed),
        s.n_lost.load(Ordering::Relaxed),
        n_flows,
    ]
    .iter()
    .enumerate()
    {
        stats[i * 8..i * 8 + 8].copy_from_slice(&v.to_ne_bytes());
    }
    w.attr(OVS_DP_ATTR_STATS, &stats);
    let mut mega = [0u8; 32];
    mega[..8].copy_from_slice(&s.n_mask_hit.load(Ordering::Relaxed).to_ne_bytes());
    mega[8..12].copy_from_slice(&n_masks.to_ne_bytes());
    mega[16..24].copy_from_slice(&s.n_cache_hit.load(Ordering::Relaxed).to_ne_bytes());
    w.attr(OVS_DP_ATTR_MEGAFLOW_STATS, &mega);
    let features = dp.features();
    w.attr_u32(OVS_DP_ATTR_USER_FEATURES, features);
    w.attr_u32(
        OVS_DP_ATTR_MASKS_CACHE_SIZE,
        dp.masks_cache_size.load(Ordering::Relaxed),
    );
    if features & OVS_DP_F_DISPATCH_UPCALL_PER_CPU != 0 {
        let pids = dp.per_cpu_pids.lock().unwrap_or_else(|p| p.into_inner());
        if !pids.is_empty() {
            let n = pids.len().min(nr_cpu_ids);
            let bytes: Vec<u8> = pids[..n].iter().flat_map(|p| p.to_ne_bytes()).collect();
            w.attr(OVS_DP_ATTR_PER_CPU_PIDS, &bytes);
        }
    }
    w.end_msg(m);
}

/// `OVS_TUNNEL_ATTR_DST_PORT`.
pub(crate) const OVS_TUNNEL_ATTR_DST_PORT: u16 = 1;
/// `OVS_TUNNEL_ATTR_EXTENSION`.
pub(crate) const OVS_TUNNEL_ATTR_EXTENSION: u16 = 2;
/// `OVS_VXLAN_EXT_GBP`.
pub(crate) const OVS_VXLAN_EXT_GBP: u16 = 1;

/// `ovs_vport_cmd_fill_info`: PORT_NO, TYPE, NAME, IFINDEX, STATS,
/// [UPCALL_STATS on kernels whose maxattr has it], UPCALL_PID, [OPTIONS].
pub(crate) fn vport(w: &mut Writer, fam: &Family, dp: &Datapath, v: &Vport, hdr: Hdr) {
    let m = w.begin_msg(fam.id, hdr.flags, hdr.seq, hdr.portid);
    w.genl_hdr(hdr.cmd, fam.spec.version as u8);
    w.put_u32(dp.ifindex as u32);
    w.attr_u32(OVS_VPORT_ATTR_PORT_NO, v.port_no);
    w.attr_u32(OVS_VPORT_ATTR_TYPE, v.vtype);
    w.attr_str(OVS_VPORT_ATTR_NAME, &v.name);
    w.attr_u32(OVS_VPORT_ATTR_IFINDEX, v.ifindex as u32);
    let s = v.stats();
    let mut stats = [0u8; 64];
    for (i, x) in [
        s.rx_packets,
        s.tx_packets,
        s.rx_bytes,
        s.tx_bytes,
        s.rx_errors,
        s.tx_errors,
        s.rx_dropped,
        s.tx_dropped,
    ]
    .iter()
    .enumerate()
    {
        stats[i * 8..i * 8 + 8].copy_from_slice(&x.to_ne_bytes());
    }
    w.attr(OVS_VPORT_ATTR_STATS, &stats);
    if fam.maxattr >= OVS_VPORT_ATTR_UPCALL_STATS as u32 {
        // ovs_vport_get_upcall_stats: a nest without NLA_F_NESTED, types 0/1
        let n = w.nest_noflag(OVS_VPORT_ATTR_UPCALL_STATS);
        w.attr_u64(0, v.upcall_success.load(Ordering::Relaxed));
        w.attr_u64(1, v.upcall_fail.load(Ordering::Relaxed));
        w.nest_end(n);
    }
    let pids = v.pids();
    if dp.features() & OVS_DP_F_VPORT_PIDS != 0 {
        let bytes: Vec<u8> = pids.iter().flat_map(|p| p.to_ne_bytes()).collect();
        w.attr(OVS_VPORT_ATTR_UPCALL_PID, &bytes);
    } else {
        w.attr_u32(
            OVS_VPORT_ATTR_UPCALL_PID,
            pids.first().copied().unwrap_or(0),
        );
    }
    if let Some(o) = v.options {
        // vxlan_get_options / geneve_get_options: nests without NLA_F_NESTED
        let n = w.nest_noflag(OVS_VPORT_ATTR_OPTIONS);
        w.attr_u16(OVS_TUNNEL_ATTR_DST_PORT, o.dst_port);
        if o.gbp {
            let e = w.nest_noflag(OVS_TUNNEL_ATTR_EXTENSION);
            w.attr_flag(OVS_VXLAN_EXT_GBP);
            w.nest_end(e);
        }
        w.nest_end(n);
    }
    w.end_msg(m);
}
