//! `ovs_datapath` commands: `ovs_dp_cmd_new/del/get/set/dump`.

use super::fill;
use super::state::{Datapath, DpCounters, DpEntry, DpState, Vport};
use super::{dp_ifindex, notify, unicast, Ovs};
use crate::core::dispatch::Request;
use crate::core::{Core, Outbox, Socket};
use genl::ovs::datapath::*;
use genl::ovs::vport::OVS_VPORT_TYPE_INTERNAL;
use genl::policy::Attrs;
use genl::{Errno, Writer};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use vport::PortNumbers;

/// `OVS_DP_VER_FEATURES`: requests older than this reset features on EEXIST.
const OVS_DP_VER_FEATURES: u8 = 2;
/// Default size of the per-CPU mask cache.
const DEFAULT_MASKS_CACHE_SIZE: u32 = 256;
/// Feature bits the kernel accepts. `TC_RECIRC_SHARING` needs
/// `CONFIG_NET_TC_SKB_EXT`, which Debian's 6.1 and 6.12 kernels lack: both
/// answer `EOPNOTSUPP` to it (dpctl-replay trace, req 9), so ovsd does too.
const KNOWN_FEATURES: u32 =
    OVS_DP_F_VPORT_PIDS | OVS_DP_F_UNALIGNED | OVS_DP_F_DISPATCH_UPCALL_PER_CPU;

/// A u32 array attribute (`UPCALL_PID`, `PER_CPU_PIDS`): non-empty and a
/// multiple of 4 bytes, else `EINVAL` (`ovs_vport_set_upcall_portids`,
/// `ovs_dp_set_upcall_portids`).
pub(super) fn pid_array(p: &[u8]) -> Result<Vec<u32>, Errno> {
    pid_array_max(p, usize::MAX)
}

/// A vport's `UPCALL_PID` array (`ovs_vport_set_upcall_portids`): as
/// [`pid_array`], and no more pids than CPUs.
pub(super) fn vport_pids(p: &[u8], nr_cpu_ids: usize) -> Result<Vec<u32>, Errno> {
    pid_array_max(p, nr_cpu_ids)
}

fn pid_array_max(p: &[u8], max: usize) -> Result<Vec<u32>, Errno> {
    if p.is_empty() || !p.len().is_multiple_of(4) || p.len() / 4 > max {
        return Err(Errno::EINVAL);
    }
    Ok(p.chunks_exact(4)
        .map(|c| u32::from_ne_bytes([c[0], c[1], c[2], c[3]]))
        .collect())
}

/// `ovs_dp_change`: features (unknown bits `EOPNOTSUPP`; absent = 0), mask
/// cache size (`EINVAL` unless 0 or a power of two), per-CPU pids (only with
/// `DISPATCH_UPCALL_PER_CPU`). Like the kernel, a failure after the features
/// were assigned leaves them assigned.
fn change(dp: &Datapath, a: &Attrs<'_>) -> Result<(), Errno> {
    let mut features = 0;
    if let Some(f) = a.get(OVS_DP_ATTR_USER_FEATURES) {
        features = f.u32().unwrap_or(0);
        if features & !KNOWN_FEATURES != 0 {
            return Err(Errno::EOPNOTSUPP);
        }
    }
    if let Some(c) = a.get(OVS_DP_ATTR_MASKS_CACHE_SIZE) {
        // ovs_flow_tbl_masks_cache_resize
        let size = c.u32().unwrap_or(0);
        if size != dp.masks_cache_size.load(Ordering::Relaxed) {
            if (size != 0 && !size.is_power_of_two()) || size as u64 * 8 > 32 * 1024 {
                return Err(Errno::EINVAL);
            }
            dp.masks_cache_size.store(size, Ordering::Relaxed);
            if let Some(t) = dp.table.load_full() {
                t.set_masks_cache_size(size);
            }
        }
    }
    dp.user_features.store(features, Ordering::Relaxed);
    if features & OVS_DP_F_DISPATCH_UPCALL_PER_CPU != 0 {
        if let Some(p) = a.get(OVS_DP_ATTR_PER_CPU_PIDS) {
            let pids = pid_array(p.payload)?;
            *dp.per_cpu_pids.lock().unwrap_or_else(|e| e.into_inner()) = pids;
        }
    }
    Ok(())
}

fn name_attr<'a>(req: &Request<'a>) -> Option<&'a [u8]> {
    req.attrs.get(OVS_DP_ATTR_NAME).map(|a| a.c_str())
}

fn fill_dp(
    w: &mut Writer,
    req: &Request<'_>,
    dp: &Datapath,
    nr_cpu_ids: usize,
    portid: u32,
    cmd: u8,
) {
    let hdr = fill::Hdr {
        portid,
        seq: req.msg.seq(),
        flags: 0,
        cmd,
    };
    let (flows, masks) = dp.table_counts();
    fill::datapath(w, req.family, dp, flows, masks, nr_cpu_ids, hdr);
}

/// `ovs_dp_cmd_new`.
pub(super) fn new(
    core: &Core,
    sock: &Socket,
    req: &Request<'_>,
    out: &mut Outbox,
) -> Result<(), Errno> {
    let a = &req.attrs;
    let (Some(name), Some(pids)) = (a.get(OVS_DP_ATTR_NAME), a.get(OVS_DP_ATTR_UPCALL_PID)) else {
        return Err(Errno::EINVAL);
    };
    let name = name.c_str();
    let desired_ifindex = a
        .get(OVS_DP_ATTR_IFINDEX)
        .and_then(|i| i.u32())
        .unwrap_or(0) as i32;
    let ovs = &core.ovs;
    let mut st = ovs.lock_for(core, req);

    let mut dp = Datapath {
        name: name.into(),
        ifindex: 0,
        user_features: AtomicU32::new(0),
        masks_cache_size: AtomicU32::new(DEFAULT_MASKS_CACHE_SIZE),
        per_cpu_pids: Mutex::new(Vec::new()),
        stats: DpCounters::default(),
        table: arc_swap::ArcSwapOption::from_pointee(super::flow_cmds::Table::new()),
    };
    change(&dp, a)?;

    // new_vport(local port): ovs_vport_alloc checks the pids, then the
    // internal device is registered under RTNL
    let pids = vport_pids(pids.payload, ovs.nr_cpu_ids)?;
    let dev = match super::vport_cmds::create_device(
        ovs,
        &st,
        OVS_VPORT_TYPE_INTERNAL,
        name,
        desired_ifindex,
        None,
    ) {
        Ok(dev) => dev,
        Err(e) if e == Errno::EEXIST || e == Errno::EBUSY => {
            if req.genl.version < OVS_DP_VER_FEATURES {
                // ovs_dp_reset_user_features
                if let Some(i) = st.lookup_datapath(name_attr(req), dp_ifindex(req)) {
                    st.dps[i].dp.user_features.store(0, Ordering::Relaxed);
                }
            }
            return Err(Errno::EEXIST);
        }
        Err(e) => return Err(e),
    };
    dp.ifindex = dev.ifindex();
    let seq = st.next_seq;
    st.next_seq += 1;
    let local = Arc::new(Vport {
        port_no: 0,
        vtype: OVS_VPORT_TYPE_INTERNAL,
        name: name.into(),
        ifindex: dp.ifindex,
        dev: Mutex::new(Some(dev)),
        upcall_pids: Mutex::new(pids),
        upcall_success: AtomicU64::new(0),
        upcall_fail: AtomicU64::new(0),
        options: None,
        seq,
        rx: Mutex::new(None),
    });
    let dp = Arc::new(dp);
    let mut numbers = PortNumbers::new();
    numbers
        .reserve_local()
        .expect("a new datapath has port 0 free");
    let mut ports = BTreeMap::new();
    ports.insert(0, local.clone());
    st.dps.push(DpEntry {
        dp: dp.clone(),
        ports,
        numbers,
    });
    let mut w = Writer::new();
    fill_dp(
        &mut w,
        req,
        &dp,
        core.ovs.nr_cpu_ids,
        sock.portid(),
        OVS_DP_CMD_NEW,
    );
    ovs.publish(&st);
    super::rx::start(core, dp.ifindex, &local);
    drop(st);
    notify(core, sock, req, w.as_bytes(), out);
    Ok(())
}

/// `__dp_destroy`: every port detached (devices destroyed under RTNL), the
/// local port last.
pub(super) fn destroy(ovs: &Ovs, st: &mut DpState, i: usize) {
    let entry = st.dps.remove(i);
    // publish table = NULL; flow ops that pinned it may still finish
    entry.dp.table.store(None);
    let mut ports: Vec<Arc<Vport>> = entry.ports.into_values().collect();
    // non-local ports first, then the local port
    ports.rotate_left(1);
    for v in ports {
        super::vport_cmds::destroy_device(ovs, &v);
    }
}

/// `ovs_dp_cmd_del`.
pub(super) fn del(
    core: &Core,
    sock: &Socket,
    req: &Request<'_>,
    out: &mut Outbox,
) -> Result<(), Errno> {
    let ovs = &core.ovs;
    let mut st = ovs.lock_for(core, req);
    let i = st
        .lookup_datapath(name_attr(req), dp_ifindex(req))
        .ok_or(Errno::ENODEV)?;
    let mut w = Writer::new();
    fill_dp(
        &mut w,
        req,
        &st.dps[i].dp,
        core.ovs.nr_cpu_ids,
        sock.portid(),
        OVS_DP_CMD_DEL,
    );
    destroy(ovs, &mut st, i);
    ovs.publish(&st);
    drop(st);
    notify(core, sock, req, w.as_bytes(), out);
    Ok(())
}

/// `ovs_dp_cmd_get` (under `ovs_mutex`, answered by unicast).
pub(super) fn get(
    core: &Core,
    sock: &Socket,
    req: &Request<'_>,
    out: &mut Outbox,
) -> Result<(), Errno> {
    let st = core.ovs.lock_for(core, req);
    let i = st
        .lookup_datapath(name_attr(req), dp_ifindex(req))
        .ok_or(Errno::ENODEV)?;
    let mut w = Writer::new();
    fill_dp(
        &mut w,
        req,
        &st.dps[i].dp,
        core.ovs.nr_cpu_ids,
        sock.portid(),
        OVS_DP_CMD_GET,
    );
    drop(st);
    unicast(&w, out);
    Ok(())
}

/// `ovs_dp_cmd_set`.
pub(super) fn set(
    core: &Core,
    sock: &Socket,
    req: &Request<'_>,
    out: &mut Outbox,
) -> Result<(), Errno> {
    let ovs = &core.ovs;
    let st = ovs.lock_for(core, req);
    let i = st
        .lookup_datapath(name_attr(req), dp_ifindex(req))
        .ok_or(Errno::ENODEV)?;
    let dp = st.dps[i].dp.clone();
    change(&dp, &req.attrs)?;
    let mut w = Writer::new();
    fill_dp(
        &mut w,
        req,
        &dp,
        core.ovs.nr_cpu_ids,
        sock.portid(),
        OVS_DP_CMD_SET,
    );
    drop(st);
    notify(core, sock, req, w.as_bytes(), out);
    Ok(())
}

/// `ovs_dp_cmd_dump`: datapaths in creation order from `cursor`, under
/// `ovs_mutex`. Returns whether anything was added.
pub(crate) fn dump_datapaths(
    core: &Core,
    fam: &genl::ctrl::Family,
    w: &mut Writer,
    portid: u32,
    seq: u32,
    cursor: &mut usize,
    limit: usize,
) -> bool {
    let st = core.ovs.state.lock();
    let start = w.len();
    for e in st.dps.iter().skip(*cursor) {
        let before = w.len();
        let hdr = fill::Hdr {
            portid,
            seq,
            flags: genl::nlmsg::NLM_F_MULTI,
            cmd: OVS_DP_CMD_GET,
        };
        let (flows, masks) = e.dp.table_counts();
        fill::datapath(w, fam, &e.dp, flows, masks, core.ovs.nr_cpu_ids, hdr);
        if w.len() - start > limit && before > start {
            w.truncate(before);
            break;
        }
        *cursor += 1;
    }
    w.len() > start
}
