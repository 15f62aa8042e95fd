//! `ovs_vport` commands: `ovs_vport_cmd_new/del/get/set/dump`, and the net
//! device side of vports (created and destroyed under the emulated RTNL).

use super::dp_cmds::vport_pids;
use super::state::{Datapath, DpState, Snapshot, TunnelOptions, Vport};
use super::{dp_ifindex, fill, notify, unicast, Ovs, DP_MAX_PORTS};
use crate::core::dispatch::Request;
use crate::core::{Core, Outbox, Socket};
use genl::ovs::vport::*;
use genl::{AttrIter, Errno, Writer};
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex};
use vport::Netdev;

/// The header of a reply to `req` with command `cmd`.
fn reply_hdr(sock: &Socket, req: &Request<'_>, cmd: u8) -> fill::Hdr {
    fill::Hdr {
        portid: sock.portid(),
        seq: req.msg.seq(),
        flags: 0,
        cmd,
    }
}

/// `dev_valid_name`.
fn dev_valid_name(name: &[u8]) -> bool {
    !name.is_empty()
        && name.len() < genl::ovs::IFNAMSIZ as usize
        && name != b"."
        && name != b".."
        && !name
            .iter()
            .any(|&c| c == b'/' || c == b':' || c.is_ascii_whitespace() || c == 0x0b)
}

/// Creates the net device of a new vport of type `vtype`, under RTNL (which
/// nests inside `ovs_mutex`, held by the caller).
pub(super) fn create_device(
    ovs: &Ovs,
    st: &DpState,
    vtype: u32,
    name: &[u8],
    desired_ifindex: i32,
    dp: Option<usize>,
) -> Result<Arc<dyn Netdev>, Errno> {
    let text = std::str::from_utf8(name).map_err(|_| Errno::EINVAL)?;
    if vtype == OVS_VPORT_TYPE_NETDEV {
        // ovs_netdev_link: OVS internal devices cannot be enslaved; a device
        // already in this datapath is EEXIST, in another one EBUSY
        if let Some((i, v)) = st.vport_by_name(name) {
            if v.vtype != OVS_VPORT_TYPE_NETDEV {
                return Err(Errno::EINVAL);
            }
            return Err(if Some(i) == dp {
                Errno::EEXIST
            } else {
                Errno::EBUSY
            });
        }
        // the backend does the RTNL work of a successful attach
        let g = ovs.rtnl.lock();
        return ovs.backend.attach(text, &g);
    }
    if !dev_valid_name(name) {
        return Err(Errno::EINVAL);
    }
    // register_netdevice: any existing net device of that name is EEXIST
    if st.vport_by_name(name).is_some() {
        return Err(Errno::EEXIST);
    }
    // register_netdevice under RTNL (the backend does the work)
    let g = ovs.rtnl.lock();
    if vtype == OVS_VPORT_TYPE_INTERNAL {
        ovs.backend.create_internal_at(text, desired_ifindex, &g)
    } else {
        ovs.backend.create_tunnel(text, &g)
    }
}

/// Detaches a vport's device and destroys it under RTNL.
pub(super) fn destroy_device(ovs: &Ovs, v: &Vport) {
    super::rx::stop(v);
    let dev = v.dev.lock().unwrap_or_else(|p| p.into_inner()).take();
    if let Some(dev) = dev {
        let g = ovs.rtnl.lock();
        g.device_work();
        drop(dev);
        drop(g);
    }
}

/// vxlan/geneve `*_tnl_create`: `OPTIONS` with a 2-byte `DST_PORT` is
/// required (`EINVAL`); vxlan may ask for the GBP extension.
fn tunnel_options(req: &Request<'_>, vtype: u32) -> Result<Option<TunnelOptions>, Errno> {
    if vtype != OVS_VPORT_TYPE_VXLAN && vtype != OVS_VPORT_TYPE_GENEVE {
        return Ok(None);
    }
    let opts = req.attrs.get(OVS_VPORT_ATTR_OPTIONS).ok_or(Errno::EINVAL)?;
    let mut dst_port = None;
    let mut gbp = false;
    for a in AttrIter::new(opts.payload) {
        match a.kind {
            fill::OVS_TUNNEL_ATTR_DST_PORT => {
                dst_port =
                    (a.payload.len() == 2).then(|| u16::from_ne_bytes([a.payload[0], a.payload[1]]))
            }
            fill::OVS_TUNNEL_ATTR_EXTENSION if vtype == OVS_VPORT_TYPE_VXLAN => {
                // vxlan_configure_exts
                if a.payload.len() < 4 {
                    return Err(Errno::EINVAL);
                }
                gbp = AttrIter::new(a.payload).any(|e| e.kind == fill::OVS_VXLAN_EXT_GBP);
            }
            _ => {}
        }
    }
    let dst_port = dst_port.ok_or(Errno::EINVAL)?;
    Ok(Some(TunnelOptions { dst_port, gbp }))
}

/// `ovs_vport_cmd_new`.
pub(super) fn new(
    core: &Core,
    sock: &Socket,
    req: &Request<'_>,
    out: &mut Outbox,
) -> Result<(), Errno> {
    let a = &req.attrs;
    let (Some(name), Some(vtype), Some(pids)) = (
        a.get(OVS_VPORT_ATTR_NAME),
        a.get(OVS_VPORT_ATTR_TYPE),
        a.get(OVS_VPORT_ATTR_UPCALL_PID),
    ) else {
        return Err(Errno::EINVAL);
    };
    let vtype = vtype.u32().unwrap_or(0);
    if a.has(OVS_VPORT_ATTR_IFINDEX) && vtype != OVS_VPORT_TYPE_INTERNAL {
        return Err(Errno::EOPNOTSUPP);
    }
    let requested = a
        .get(OVS_VPORT_ATTR_PORT_NO)
        .and_then(|p| p.u32())
        .unwrap_or(0);
    if requested >= DP_MAX_PORTS {
        return Err(Errno::EFBIG);
    }
    let name = name.c_str();

    let ovs = &core.ovs;
    let mut st = ovs.lock_for(core, req);
    let di = st.dp_by_ifindex(dp_ifindex(req)).ok_or(Errno::ENODEV)?;
    let port_no = st.dps[di]
        .numbers
        .alloc((requested != 0).then_some(requested))?;
    let built = build(ovs, &mut st, req, di, vtype, port_no, name, pids.payload);
    let v = match built {
        Ok(v) => v,
        Err(e) => {
            st.dps[di].numbers.free(port_no);
            return Err(e);
        }
    };
    let entry = &mut st.dps[di];
    entry.ports.insert(port_no, v.clone());
    let dp = entry.dp.clone();
    let mut w = Writer::new();
    fill::vport(
        &mut w,
        req.family,
        &dp,
        &v,
        reply_hdr(sock, req, OVS_VPORT_CMD_NEW),
    );
    ovs.publish(&st);
    super::rx::start(core, dp.ifindex, &v);
    drop(st);
    notify(core, sock, req, w.as_bytes(), out);
    Ok(())
}

/// `new_vport` after the port number is chosen: type lookup, pids, the
/// type's checks, the device.
#[allow(clippy::too_many_arguments)]
fn build(
    ovs: &Ovs,
    st: &mut DpState,
    req: &Request<'_>,
    di: usize,
    vtype: u32,
    port_no: u32,
    name: &[u8],
    pids: &[u8],
) -> Result<Arc<Vport>, Errno> {
    // ovs_vport_add: unknown types are EAFNOSUPPORT (no module to load)
    if !(OVS_VPORT_TYPE_NETDEV..=OVS_VPORT_TYPE_GENEVE).contains(&vtype) {
        return Err(Errno::EAFNOSUPPORT);
    }
    // ovs_vport_alloc checks the pids before the type's own checks
    let pids = vport_pids(pids, ovs.nr_cpu_ids)?;
    let options = tunnel_options(req, vtype)?;
    let desired_ifindex = req
        .attrs
        .get(OVS_VPORT_ATTR_IFINDEX)
        .and_then(|i| i.u32())
        .unwrap_or(0) as i32;
    let dev = create_device(ovs, st, vtype, name, desired_ifindex, Some(di))?;
    let seq = st.next_seq;
    st.next_seq += 1;
    Ok(Arc::new(Vport {
        port_no,
        vtype,
        name: name.into(),
        ifindex: dev.ifindex(),
        dev: Mutex::new(Some(dev)),
        upcall_pids: Mutex::new(pids),
        upcall_success: AtomicU64::new(0),
        upcall_fail: AtomicU64::new(0),
        options,
        seq,
        rx: Mutex::new(None),
    }))
}

/// The two views `lookup_vport` runs on: the writers' state (under
/// `ovs_mutex`) and the RCU snapshot.
trait VportView {
    /// `ovs_vport_locate`: a vport of any datapath by name.
    fn by_name(&self, name: &[u8]) -> Option<(Arc<Datapath>, Arc<Vport>)>;
    /// Port `port_no` of the datapath with `dp_ifindex` (`get_dp` then
    /// `ovs_vport_ovsl_rcu`); `ENODEV` for either missing.
    fn by_number(
        &self,
        dp_ifindex: i32,
        port_no: u32,
    ) -> Result<(Arc<Datapath>, Arc<Vport>), Errno>;
}

impl VportView for DpState {
    fn by_name(&self, name: &[u8]) -> Option<(Arc<Datapath>, Arc<Vport>)> {
        self.vport_by_name(name)
            .map(|(i, v)| (self.dps[i].dp.clone(), v.clone()))
    }

    fn by_number(
        &self,
        dp_ifindex: i32,
        port_no: u32,
    ) -> Result<(Arc<Datapath>, Arc<Vport>), Errno> {
        let e = &self.dps[self.dp_by_ifindex(dp_ifindex).ok_or(Errno::ENODEV)?];
        let v = e.ports.get(&port_no).ok_or(Errno::ENODEV)?;
        Ok((e.dp.clone(), v.clone()))
    }
}

impl VportView for Snapshot {
    fn by_name(&self, name: &[u8]) -> Option<(Arc<Datapath>, Arc<Vport>)> {
        self.vport_by_name(name)
            .map(|(dp, v)| (dp.clone(), v.clone()))
    }

    fn by_number(
        &self,
        dp_ifindex: i32,
        port_no: u32,
    ) -> Result<(Arc<Datapath>, Arc<Vport>), Errno> {
        let (dp, ports) = self.dp_by_ifindex(dp_ifindex).ok_or(Errno::ENODEV)?;
        let v = ports
            .iter()
            .find(|v| v.port_no == port_no)
            .ok_or(Errno::ENODEV)?;
        Ok((dp.clone(), v.clone()))
    }
}

/// `lookup_vport`: `IFINDEX` is refused; by `NAME` (the header's
/// `dp_ifindex`, if set, must be the owner's local port); else by
/// `PORT_NO`; else `EINVAL`.
fn lookup_vport(
    view: &impl VportView,
    req: &Request<'_>,
) -> Result<(Arc<Datapath>, Arc<Vport>), Errno> {
    let a = &req.attrs;
    if a.has(OVS_VPORT_ATTR_IFINDEX) {
        return Err(Errno::EOPNOTSUPP);
    }
    let hdr = dp_ifindex(req);
    if let Some(name) = a.get(OVS_VPORT_ATTR_NAME) {
        let (dp, v) = view.by_name(name.c_str()).ok_or(Errno::ENODEV)?;
        if hdr != 0 && hdr != dp.ifindex {
            return Err(Errno::ENODEV);
        }
        return Ok((dp, v));
    }
    if let Some(p) = a.get(OVS_VPORT_ATTR_PORT_NO) {
        let port_no = p.u32().unwrap_or(0);
        if port_no >= DP_MAX_PORTS {
            return Err(Errno::EFBIG);
        }
        return view.by_number(hdr, port_no);
    }
    Err(Errno::EINVAL)
}

/// The index of `dp` in the writers' state.
fn index_of(st: &DpState, dp: &Arc<Datapath>) -> usize {
    st.dps
        .iter()
        .position(|e| Arc::ptr_eq(&e.dp, dp))
        .expect("a looked-up datapath is in the state")
}

/// `ovs_vport_cmd_del`: the local port cannot be deleted (`EINVAL`); the
/// reply is built before the port goes.
pub(super) fn del(
    core: &Core,
    sock: &Socket,
    req: &Request<'_>,
    out: &mut Outbox,
) -> Result<(), Errno> {
    let ovs = &core.ovs;
    let mut st = ovs.lock_for(core, req);
    let (dp, v) = lookup_vport(&*st, req)?;
    let i = index_of(&st, &dp);
    if v.port_no == 0 {
        return Err(Errno::EINVAL);
    }
    let mut w = Writer::new();
    fill::vport(
        &mut w,
        req.family,
        &st.dps[i].dp,
        &v,
        reply_hdr(sock, req, OVS_VPORT_CMD_DEL),
    );
    let entry = &mut st.dps[i];
    entry.ports.remove(&v.port_no);
    entry.numbers.free(v.port_no);
    destroy_device(ovs, &v);
    ovs.publish(&st);
    drop(st);
    notify(core, sock, req, w.as_bytes(), out);
    Ok(())
}

/// `ovs_vport_cmd_set`: a different `TYPE` is `EINVAL`; `OPTIONS` is
/// `EOPNOTSUPP` (no in-tree type can change options); `UPCALL_PID` replaces
/// the pids.
pub(super) fn set(
    core: &Core,
    sock: &Socket,
    req: &Request<'_>,
    out: &mut Outbox,
) -> Result<(), Errno> {
    let ovs = &core.ovs;
    let st = ovs.lock_for(core, req);
    let (dp, v) = lookup_vport(&*st, req)?;
    let i = index_of(&st, &dp);
    let a = &req.attrs;
    if let Some(t) = a.get(OVS_VPORT_ATTR_TYPE) {
        if t.u32() != Some(v.vtype) {
            return Err(Errno::EINVAL);
        }
    }
    if a.has(OVS_VPORT_ATTR_OPTIONS) {
        return Err(Errno::EOPNOTSUPP);
    }
    if let Some(p) = a.get(OVS_VPORT_ATTR_UPCALL_PID) {
        let pids = vport_pids(p.payload, ovs.nr_cpu_ids)?;
        *v.upcall_pids.lock().unwrap_or_else(|e| e.into_inner()) = pids;
    }
    let mut w = Writer::new();
    fill::vport(
        &mut w,
        req.family,
        &st.dps[i].dp,
        &v,
        reply_hdr(sock, req, OVS_VPORT_CMD_SET),
    );
    drop(st);
    notify(core, sock, req, w.as_bytes(), out);
    Ok(())
}

/// `ovs_vport_cmd_get`: RCU only, answered by unicast.
pub(super) fn get(
    core: &Core,
    sock: &Socket,
    req: &Request<'_>,
    out: &mut Outbox,
) -> Result<(), Errno> {
    let snap = core.ovs.published.load();
    let (dp, v) = lookup_vport(&**snap, req)?;
    let mut w = Writer::new();
    fill::vport(
        &mut w,
        req.family,
        &dp,
        &v,
        reply_hdr(sock, req, OVS_VPORT_CMD_GET),
    );
    unicast(&w, out);
    Ok(())
}

/// `DP_VPORT_HASH_BUCKETS`.
const BUCKETS: u32 = 1024;

/// `ovs_vport_cmd_dump`: the ports of the header's datapath, bucket by
/// bucket (`port_no & 1023`), newest first inside a bucket; `ENODEV` when
/// the datapath does not exist. Cookies: bucket and index inside it.
#[allow(clippy::too_many_arguments)]
pub(crate) fn dump_vports(
    core: &Core,
    fam: &genl::ctrl::Family,
    w: &mut Writer,
    portid: u32,
    seq: u32,
    dp_ifindex: i32,
    bucket: &mut u32,
    skip: &mut usize,
    limit: usize,
) -> Result<bool, Errno> {
    let snap = core.ovs.published.load();
    let (dp, ports) = snap.dp_by_ifindex(dp_ifindex).ok_or(Errno::ENODEV)?;
    let start = w.len();
    while *bucket < BUCKETS {
        let mut in_bucket: Vec<&Arc<Vport>> = ports
            .iter()
            .filter(|v| v.port_no % BUCKETS == *bucket)
            .collect();
        in_bucket.sort_by_key(|v| std::cmp::Reverse(v.seq));
        for v in in_bucket.iter().skip(*skip) {
            let before = w.len();
            let hdr = fill::Hdr {
                portid,
                seq,
                flags: genl::nlmsg::NLM_F_MULTI,
                cmd: OVS_VPORT_CMD_GET,
            };
            fill::vport(w, fam, dp, v, hdr);
            if w.len() - start > limit && before > start {
                w.truncate(before);
                return Ok(true);
            }
            *skip += 1;
        }
        *skip = 0;
        *bucket += 1;
    }
    Ok(w.len() > start)
}
