//! The OVS families' commands, as `net/openvswitch/datapath.c` runs them:
//! writes under the global `ovs_mutex` with the emulated RTNL nested inside
//! wherever a net device is created or destroyed; vport reads from the RCU
//! snapshot.

mod dp_cmds;
mod fill;
pub(crate) mod flow_cmds;
mod packet_cmds;
pub(crate) mod packet_path;
mod rx;
pub(crate) mod state;
mod upcall;
mod vport_cmds;

use super::dispatch::Request;
use super::dump::DumpKind;
use super::{Core, Outbox, Socket};
use arc_swap::ArcSwap;
use genl::nlmsg::NLM_F_ECHO;
use genl::ovs::{datapath as dp, flow, packet as pk, vport as vp};
use genl::{Errno, ExtAck, Writer};
use lockstat::InstrumentedMutex;
use state::{DpState, Snapshot};
use std::sync::Arc;
use vport::{Backend, Rtnl};

pub(crate) use dp_cmds::dump_datapaths;
pub(crate) use flow_cmds::{dump_flows, FlowDump};
pub(crate) use vport_cmds::dump_vports;

/// `DP_MAX_PORTS`: port numbers are below this.
pub const DP_MAX_PORTS: u32 = 65535;

/// The datapath side of the emulated kernel.
pub(crate) struct Ovs {
    /// `ovs_mutex` and everything it protects.
    pub state: InstrumentedMutex<DpState>,
    /// The RCU view, republished after each write.
    pub published: ArcSwap<Snapshot>,
    /// The emulated RTNL, always taken inside `ovs_mutex`.
    pub rtnl: Arc<Rtnl>,
    /// Where net devices come from (TAP, AF_PACKET, virtual).
    pub backend: Arc<dyn Backend>,
    /// The emulated kernel's `nr_cpu_ids`.
    pub nr_cpu_ids: usize,
}

impl Ovs {
    /// An empty namespace.
    pub fn new(rtnl: Arc<Rtnl>, backend: Arc<dyn Backend>, nr_cpu_ids: Option<usize>) -> Ovs {
        Ovs {
            nr_cpu_ids: nr_cpu_ids.unwrap_or_else(fill::host_cpus).max(1),
            state: InstrumentedMutex::new("ovs_mutex", DpState::default()),
            published: ArcSwap::from_pointee(Snapshot::default()),
            rtnl,
            backend,
        }
    }

    /// Takes `ovs_mutex` for a command, spending any injected delay inside.
    pub fn lock_for(
        &self,
        core: &Core,
        req: &Request<'_>,
    ) -> lockstat::InstrumentedGuard<'_, DpState> {
        let g = self.state.lock();
        core.faults.delay(req.family.spec.name, req.genl.cmd);
        g
    }

    /// Destroys every datapath (`ovs_exit_net`).
    pub fn destroy_all(&self) {
        let mut st = self.state.lock();
        while !st.dps.is_empty() {
            dp_cmds::destroy(self, &mut st, 0);
        }
        self.publish(&st);
    }

    /// Lock statistics of every datapath's flow table mutex, named
    /// `flow_table:<datapath>`.
    pub fn table_lock_stats(&self) -> Vec<lockstat::LockSnapshot> {
        let snap = self.published.load();
        snap.dps
            .iter()
            .filter_map(|(dp, _)| {
                let t = dp.table.load_full()?;
                let mut s = t.lock_stats();
                s.name = format!("flow_table:{}", String::from_utf8_lossy(&dp.name));
                Some(s)
            })
            .collect()
    }

    /// Publishes the state for RCU readers (call with `ovs_mutex` held).
    pub fn publish(&self, st: &DpState) {
        self.published.store(Arc::new(st.snapshot()));
    }
}

/// The header's `dp_ifindex` (`ovs_header`), 0 if absent.
pub(crate) fn dp_ifindex(req: &Request<'_>) -> i32 {
    match req.msg.payload().get(4..8) {
        Some(b) => i32::from_ne_bytes([b[0], b[1], b[2], b[3]]),
        None => 0,
    }
}

/// `ovs_notify`: multicast the reply to the family's group (leaving out the
/// requester when it asked for an echo) and, with `NLM_F_ECHO`, unicast it
/// to the requester.
pub(crate) fn notify(
    core: &Core,
    sock: &Socket,
    req: &Request<'_>,
    reply: &[u8],
    out: &mut Outbox,
) {
    let echo = req.msg.flags() & NLM_F_ECHO != 0;
    if let Some(name) = req.family.spec.groups.first() {
        if let Some(group) = req.family.group_id(name) {
            core.sockets
                .multicast(group, reply, if echo { Some(sock) } else { None });
        }
    }
    if echo {
        out.writer().put_raw(reply);
        out.end_datagram();
    }
}

/// Copies a finished reply into the requester's outbox (`genlmsg_reply`).
pub(crate) fn unicast(reply: &Writer, out: &mut Outbox) {
    out.writer().put_raw(reply.as_bytes());
    out.end_datagram();
}

/// Runs a `doit` of an OVS family.
pub(crate) fn doit(
    core: &Core,
    sock: &Socket,
    req: &Request<'_>,
    _extack: &mut ExtAck,
    out: &mut Outbox,
) -> Result<(), Errno> {
    match (req.family.spec.name, req.genl.cmd) {
        (dp::NAME, dp::OVS_DP_CMD_NEW) => dp_cmds::new(core, sock, req, out),
        (dp::NAME, dp::OVS_DP_CMD_DEL) => dp_cmds::del(core, sock, req, out),
        (dp::NAME, dp::OVS_DP_CMD_GET) => dp_cmds::get(core, sock, req, out),
        (dp::NAME, dp::OVS_DP_CMD_SET) => dp_cmds::set(core, sock, req, out),
        (vp::NAME, vp::OVS_VPORT_CMD_NEW) => vport_cmds::new(core, sock, req, out),
        (vp::NAME, vp::OVS_VPORT_CMD_DEL) => vport_cmds::del(core, sock, req, out),
        (vp::NAME, vp::OVS_VPORT_CMD_GET) => vport_cmds::get(core, sock, req, out),
        (vp::NAME, vp::OVS_VPORT_CMD_SET) => vport_cmds::set(core, sock, req, out),
        (flow::NAME, flow::OVS_FLOW_CMD_NEW) => flow_cmds::new(core, sock, req, out),
        (flow::NAME, flow::OVS_FLOW_CMD_DEL) => flow_cmds::del(core, sock, req, out),
        (flow::NAME, flow::OVS_FLOW_CMD_GET) => flow_cmds::get(core, sock, req, out),
        (flow::NAME, flow::OVS_FLOW_CMD_SET) => flow_cmds::set(core, sock, req, out),
        (pk::NAME, pk::OVS_PACKET_CMD_EXECUTE) => packet_cmds::execute(core, sock, req, out),
        _ => Err(Errno::EOPNOTSUPP),
    }
}

/// Starts a dump of an OVS family.
pub(crate) fn start_dump(_core: &Core, req: &Request<'_>) -> Result<DumpKind, Errno> {
    match req.family.spec.name {
        dp::NAME => Ok(DumpKind::Datapaths { cursor: 0 }),
        vp::NAME => Ok(DumpKind::Vports {
            dp_ifindex: dp_ifindex(req),
            bucket: 0,
            skip: 0,
        }),
        flow::NAME => Ok(DumpKind::Flows(Box::new(FlowDump::new(req)))),
        _ => Err(Errno::EOPNOTSUPP),
    }
}
