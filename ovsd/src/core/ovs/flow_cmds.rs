//! `ovs_flow` commands: `ovs_flow_cmd_new/set/get/del/dump`, with both
//! locking designs: `decoupled` (after the 2026 series: RCU finds the
//! datapath and pins its table, then only the table's mutex) and `legacy`
//! (the global `ovs_mutex` first, as mainline kernels before it).

use super::state::Datapath;
use super::{dp_ifindex, notify, unicast};
use crate::core::dispatch::Request;
use crate::core::{Core, Locking, Outbox, Socket};
use flowtable::actions::{copy_actions_for, put_actions, Actions, Dialect};
use flowtable::matching::{parse_key, parse_match, put_key};
use flowtable::{Flow, FlowId, FlowKey, FlowTable, Mask, TableGuard, Ufid};
use genl::nlmsg::{NLM_F_CREATE, NLM_F_ECHO, NLM_F_EXCL};
use genl::ovs::flow::*;
use genl::{Errno, Writer};
use std::sync::Arc;

/// The flow table of a datapath.
pub(crate) type Table = FlowTable<Actions>;

/// `OVS_UFID_F_OMIT_KEY`.
const OMIT_KEY: u32 = 1;
/// `OVS_UFID_F_OMIT_MASK`.
const OMIT_MASK: u32 = 2;
/// `OVS_UFID_F_OMIT_ACTIONS`.
const OMIT_ACTIONS: u32 = 4;

/// What a reply message needs besides the flow.
struct ReplyHdr {
    dp_ifindex: i32,
    portid: u32,
    seq: u32,
    flags: u16,
    cmd: u8,
    ufid_flags: u32,
}

/// Monotonic milliseconds, the clock `used` is kept in.
pub(crate) fn now_ms() -> u64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: ts is a valid timespec.
    unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut ts) };
    ts.tv_sec as u64 * 1000 + ts.tv_nsec as u64 / 1_000_000
}

/// `ovs_flow_used_time`: `used` as the kernel reports it, with the 32-bit
/// truncation of seconds.
fn used_time(used_ms: u64) -> u64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: ts is a valid timespec.
    unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut ts) };
    let cur = (ts.tv_sec as u32 as u64) * 1000 + ts.tv_nsec as u64 / 1_000_000;
    let idle = now_ms().saturating_sub(used_ms);
    cur.wrapping_sub(idle)
}

/// `ovs_flow_cmd_fill_info`: identifier (UFID, or the unmasked key), the
/// masked key (UFID flows, unless omitted), the mask, stats, actions. With
/// `drop_actions_if_big` (the first record of a dump part) actions that do
/// not fit in `limit` are left out, as the kernel does.
fn fill(w: &mut Writer, fam: &genl::ctrl::Family, flow: &Flow<Actions>, h: &ReplyHdr) {
    let m = w.begin_msg(fam.id, h.flags, h.seq, h.portid);
    w.genl_hdr(h.cmd, fam.spec.version as u8);
    w.put_u32(h.dp_ifindex as u32);
    match &flow.id {
        FlowId::Ufid(u) => w.attr(OVS_FLOW_ATTR_UFID, u.as_bytes()),
        FlowId::Key(k) => put_key(w, k, k, OVS_FLOW_ATTR_KEY, false),
    }
    let masked = flow.key();
    if flow.ufid().is_some() && h.ufid_flags & OMIT_KEY == 0 {
        put_key(w, &masked, &masked, OVS_FLOW_ATTR_KEY, false);
    }
    if h.ufid_flags & OMIT_MASK == 0 {
        put_key(w, &masked, &flow.mask.mask.key, OVS_FLOW_ATTR_MASK, true);
    }
    // ovs_flow_cmd_fill_stats: USED, STATS, TCP_FLAGS
    let s = &flow.stats;
    let used = s.used_ms.load(std::sync::atomic::Ordering::Relaxed);
    if used != 0 {
        w.attr_u64(OVS_FLOW_ATTR_USED, used_time(used));
    }
    let packets = s.packets.load(std::sync::atomic::Ordering::Relaxed);
    if packets != 0 {
        let mut st = [0u8; 16];
        st[..8].copy_from_slice(&packets.to_ne_bytes());
        st[8..].copy_from_slice(
            &s.bytes
                .load(std::sync::atomic::Ordering::Relaxed)
                .to_ne_bytes(),
        );
        w.attr(OVS_FLOW_ATTR_STATS, &st);
    }
    let tcp = s.tcp_flags.load(std::sync::atomic::Ordering::Relaxed) as u8;
    if tcp != 0 {
        w.attr_u8(OVS_FLOW_ATTR_TCP_FLAGS, tcp);
    }
    if h.ufid_flags & OMIT_ACTIONS == 0 {
        let n = w.nest_noflag(OVS_FLOW_ATTR_ACTIONS);
        put_actions(w, &flow.actions.load());
        w.nest_end(n);
    }
    w.end_msg(m);
}

/// The table a flow command runs on, and the proof of its lock: in legacy
/// mode `ovs_mutex` is held around everything, as before the series.
fn with_table<R>(
    core: &Core,
    req: &Request<'_>,
    f: impl FnOnce(&Arc<Datapath>, &Table, &TableGuard<'_>) -> Result<R, Errno>,
) -> Result<R, Errno> {
    match core.locking {
        Locking::Legacy => {
            let st = core.ovs.state.lock();
            let i = st.dp_by_ifindex(dp_ifindex(req)).ok_or(Errno::ENODEV)?;
            let dp = st.dps[i].dp.clone();
            let table = dp.table.load_full().ok_or(Errno::ENODEV)?;
            let g = table.lock();
            core.faults.delay(req.family.spec.name, req.genl.cmd);
            let r = f(&dp, &table, &g);
            drop(g);
            drop(st);
            r
        }
        Locking::Decoupled => {
            // RCU: find the datapath and pin its table, then the table lock only
            let (dp, table) = {
                let snap = core.ovs.published.load();
                let (dp, _) = snap.dp_by_ifindex(dp_ifindex(req)).ok_or(Errno::ENODEV)?;
                let table = dp.table.load_full().ok_or(Errno::ENODEV)?;
                (dp.clone(), table)
            };
            let g = table.lock();
            core.faults.delay(req.family.spec.name, req.genl.cmd);
            f(&dp, &table, &g)
        }
    }
}

/// The actions the emulated kernel version knows.
pub(super) fn dialect(core: &Core) -> Dialect {
    match core.kernel {
        genl::ovs::KernelVersion::V6_1 => Dialect::V6_1,
        genl::ovs::KernelVersion::V6_12 => Dialect::V6_12,
    }
}

/// `ovs_must_notify`: a reply is built only for an echo or a listener.
fn must_notify(core: &Core, req: &Request<'_>) -> bool {
    req.msg.flags() & NLM_F_ECHO != 0
        || req
            .family
            .group_id(MCGROUP)
            .is_some_and(|g| core.sockets.has_listeners(g))
}

fn ufid_flags(req: &Request<'_>) -> u32 {
    req.attrs
        .get(OVS_FLOW_ATTR_UFID_FLAGS)
        .and_then(|a| a.u32())
        .unwrap_or(0)
}

fn ufid(req: &Request<'_>) -> Option<Ufid> {
    req.attrs
        .get(OVS_FLOW_ATTR_UFID)
        .and_then(|a| Ufid::new(a.payload))
}

fn hdr(sock: &Socket, req: &Request<'_>, cmd: u8) -> ReplyHdr {
    ReplyHdr {
        dp_ifindex: dp_ifindex(req),
        portid: sock.portid(),
        seq: req.msg.seq(),
        flags: 0,
        cmd,
        ufid_flags: ufid_flags(req),
    }
}

/// `ovs_flow_cmd_new`.
pub(super) fn new(
    core: &Core,
    sock: &Socket,
    req: &Request<'_>,
    out: &mut Outbox,
) -> Result<(), Errno> {
    let a = &req.attrs;
    let (Some(key_attr), Some(acts_attr)) =
        (a.get(OVS_FLOW_ATTR_KEY), a.get(OVS_FLOW_ATTR_ACTIONS))
    else {
        return Err(Errno::EINVAL);
    };
    let m = parse_match(
        key_attr.payload,
        a.get(OVS_FLOW_ATTR_MASK).map(|x| x.payload),
    )?;
    let mask = Mask::new(m.mask);
    let masked = mask.apply(&m.key);
    let id = match ufid(req) {
        Some(u) => FlowId::Ufid(u),
        None => FlowId::Key(Box::new(m.key)),
    };
    let log = !a.has(OVS_FLOW_ATTR_PROBE);
    let acts = Arc::new(
        copy_actions_for(acts_attr.payload, &masked, log, dialect(core)).inspect_err(|_| {
            // ovs_flow_cmd_new
            core.kmsg
                .nlerr(log, "Flow actions may not be safe on all matching packets.")
        })?,
    );
    let want_reply = must_notify(core, req);
    let flags = req.msg.flags();
    let h = hdr(sock, req, OVS_FLOW_CMD_NEW);
    let reply = with_table(core, req, |_dp, table, g| {
        let existing = match &id {
            FlowId::Ufid(u) => table.lookup_ufid(u),
            FlowId::Key(_) => None,
        }
        .or_else(|| table.lookup(&m.key).0);
        let flow = match existing {
            None => table.insert_masked(g, &mask, |entry| {
                Flow::with_key(&masked, entry, id, arc_swap::ArcSwap::new(acts))
            }),
            Some(found) => {
                // NLM_F_CREATE stands in for NLM_F_EXCL, which genl treats as a dump flag
                if flags & (NLM_F_CREATE | NLM_F_EXCL) != 0 {
                    return Err(Errno::EEXIST);
                }
                // ovs_flow_cmp: the identifier must be the same for an update
                let same = match &found.id {
                    FlowId::Ufid(_) => found.key() == m.key,
                    FlowId::Key(k) => **k == m.key,
                };
                let flow = if same {
                    found
                } else if found.ufid().is_none() {
                    table.lookup_exact(&m.key).ok_or(Errno::ENOENT)?
                } else {
                    return Err(Errno::ENOENT);
                };
                flow.actions.store(acts);
                flow
            }
        };
        Ok(want_reply.then(|| {
            let mut w = Writer::new();
            fill(&mut w, req.family, &flow, &h);
            w
        }))
    })?;
    if let Some(w) = reply {
        notify(core, sock, req, w.as_bytes(), out);
    }
    Ok(())
}

/// Parses an optional KEY as GET/DEL do (`ovs_nla_get_match` with no mask
/// at all: no mask rules apply).
fn exact_key(req: &Request<'_>) -> Result<Option<FlowKey>, Errno> {
    match req.attrs.get(OVS_FLOW_ATTR_KEY) {
        Some(k) => Ok(Some(parse_key(k.payload)?)),
        None => Ok(None),
    }
}

/// Finds the flow a GET/SET/DEL names: by UFID if one is given, else by its
/// exact unmasked key.
fn find(table: &Table, ufid: Option<&Ufid>, key: Option<&FlowKey>) -> Option<Arc<Flow<Actions>>> {
    match (ufid, key) {
        (Some(u), _) => table.lookup_ufid(u),
        (None, Some(k)) => table.lookup_exact(k),
        (None, None) => None,
    }
}

/// `ovs_flow_cmd_set`: replace actions (needs KEY), `CLEAR` the stats after
/// the reply is built.
pub(super) fn set(
    core: &Core,
    sock: &Socket,
    req: &Request<'_>,
    out: &mut Outbox,
) -> Result<(), Errno> {
    let a = &req.attrs;
    let uf = ufid(req);
    if !a.has(OVS_FLOW_ATTR_KEY) && uf.is_none() {
        return Err(Errno::EINVAL);
    }
    // ovs_nla_init_match_and_action
    let mut key = None;
    let mut acts = None;
    if let Some(k) = a.get(OVS_FLOW_ATTR_KEY) {
        let m = parse_match(k.payload, a.get(OVS_FLOW_ATTR_MASK).map(|x| x.payload))?;
        if let Some(act) = a.get(OVS_FLOW_ATTR_ACTIONS) {
            let masked = Mask::new(m.mask).apply(&m.key);
            let log = !a.has(OVS_FLOW_ATTR_PROBE);
            acts = Some(Arc::new(
                copy_actions_for(act.payload, &masked, log, dialect(core)).inspect_err(|_| {
                    // get_flow_actions
                    core.kmsg
                        .nlerr(log, "Actions may not be safe on all matching packets")
                })?,
            ));
        }
        key = Some(m.key);
    } else if a.has(OVS_FLOW_ATTR_ACTIONS) {
        return Err(Errno::EINVAL);
    }
    // with or without new actions, a reply is built only for an echo or a
    // listener (ovs_flow_cmd_alloc_info / ovs_flow_cmd_build_info, always=false)
    let want_reply = must_notify(core, req);
    let h = hdr(sock, req, OVS_FLOW_CMD_SET);
    let reply = with_table(core, req, |_dp, table, _g| {
        let flow = find(table, uf.as_ref(), key.as_ref()).ok_or(Errno::ENOENT)?;
        if let Some(acts) = acts {
            flow.actions.store(acts);
        }
        let w = want_reply.then(|| {
            let mut w = Writer::new();
            fill(&mut w, req.family, &flow, &h);
            w
        });
        if a.has(OVS_FLOW_ATTR_CLEAR) {
            flow.stats.clear();
        }
        Ok(w)
    })?;
    if let Some(w) = reply {
        notify(core, sock, req, w.as_bytes(), out);
    }
    Ok(())
}

/// `ovs_flow_cmd_get` (do): unicast reply.
pub(super) fn get(
    core: &Core,
    sock: &Socket,
    req: &Request<'_>,
    out: &mut Outbox,
) -> Result<(), Errno> {
    let uf = ufid(req);
    let key = exact_key(req)?;
    if key.is_none() && uf.is_none() {
        return Err(Errno::EINVAL);
    }
    let h = hdr(sock, req, OVS_FLOW_CMD_GET);
    let w = with_table(core, req, |_dp, table, _g| {
        let flow = find(table, uf.as_ref(), key.as_ref()).ok_or(Errno::ENOENT)?;
        let mut w = Writer::new();
        fill(&mut w, req.family, &flow, &h);
        Ok(w)
    })?;
    unicast(&w, out);
    Ok(())
}

/// `ovs_flow_cmd_del`: without KEY and UFID every flow goes (no reply, no
/// notification); otherwise the reply is built after removal.
pub(super) fn del(
    core: &Core,
    sock: &Socket,
    req: &Request<'_>,
    out: &mut Outbox,
) -> Result<(), Errno> {
    let uf = ufid(req);
    let key = exact_key(req)?;
    let removed = with_table(core, req, |_dp, table, g| {
        if key.is_none() && uf.is_none() {
            table.flush(g);
            return Ok(None);
        }
        let flow = find(table, uf.as_ref(), key.as_ref()).ok_or(Errno::ENOENT)?;
        table.remove(g, &flow);
        Ok(Some(flow))
    })?;
    // the series drops the table lock before building the notification
    if let Some(flow) = removed {
        if must_notify(core, req) {
            let mut w = Writer::new();
            fill(&mut w, req.family, &flow, &hdr(sock, req, OVS_FLOW_CMD_DEL));
            notify(core, sock, req, w.as_bytes(), out);
        }
    }
    Ok(())
}

/// The state of a flow dump: the flows seen when it started, and how far
/// it got.
#[derive(Debug)]
pub(crate) struct FlowDump {
    /// The request header's `dp_ifindex` (echoed in every record).
    pub dp_ifindex: i32,
    /// `OVS_FLOW_ATTR_UFID_FLAGS`.
    pub ufid_flags: u32,
    /// The flows, taken at the first call.
    flows: Option<Vec<Arc<Flow<Actions>>>>,
    /// Records already emitted.
    pos: usize,
    /// The dumpit's own attribute parse failed: every call returns it.
    parse_error: Option<Errno>,
}

impl FlowDump {
    /// A dump of the datapath named by the request header.
    pub fn new(req: &Request<'_>) -> FlowDump {
        // ovs_flow_cmd_dump: dumps are not validated by genl; the dumpit
        // parses the attributes itself, liberally, for UFID_FLAGS
        let attrs = req.msg.bytes().get(24..).unwrap_or(&[]);
        let mut extack = genl::ExtAck::default();
        let parsed = genl::policy::parse(attrs, 24, &POLICY, genl::Validate::LIBERAL, &mut extack);
        let (ufid_flags, parse_error) = match parsed {
            Ok(a) => (
                a.get(OVS_FLOW_ATTR_UFID_FLAGS)
                    .and_then(|x| x.u32())
                    .unwrap_or(0),
                None,
            ),
            Err(e) => (0, Some(e)),
        };
        FlowDump {
            dp_ifindex: dp_ifindex(req),
            ufid_flags,
            flows: None,
            pos: 0,
            parse_error,
        }
    }
}

/// `ovs_flow_cmd_dump`: records from where the last part stopped; a record
/// whose actions do not fit an empty part is sent without them.
pub(crate) fn dump_flows(
    core: &Core,
    fam: &genl::ctrl::Family,
    w: &mut Writer,
    portid: u32,
    seq: u32,
    d: &mut FlowDump,
    limit: usize,
) -> Result<bool, Errno> {
    if let Some(e) = d.parse_error {
        return Err(e);
    }
    if d.flows.is_none() {
        let snap = core.ovs.published.load();
        let (dp, _) = snap.dp_by_ifindex(d.dp_ifindex).ok_or(Errno::ENODEV)?;
        let table = dp.table.load_full().ok_or(Errno::ENODEV)?;
        d.flows = Some(table.snapshot());
    }
    let flows = d.flows.as_deref().unwrap_or(&[]);
    let start = w.len();
    let mut h = ReplyHdr {
        dp_ifindex: d.dp_ifindex,
        portid,
        seq,
        flags: genl::nlmsg::NLM_F_MULTI,
        cmd: OVS_FLOW_CMD_GET,
        ufid_flags: d.ufid_flags,
    };
    while let Some(flow) = flows.get(d.pos) {
        let before = w.len();
        fill(w, fam, flow, &h);
        if w.len() - start > limit {
            w.truncate(before);
            if before > start {
                break;
            }
            // ovs_flow_cmd_fill_actions: the first record may go without actions
            h.ufid_flags |= OMIT_ACTIONS;
            fill(w, fam, flow, &h);
            h.ufid_flags = d.ufid_flags;
        }
        d.pos += 1;
    }
    Ok(w.len() > start)
}
