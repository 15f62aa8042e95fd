//! The sans-I/O core: sockets, dispatch, families.

mod dispatch;
mod dump;
pub mod faults;
pub mod kmsg;
mod nlctrl;
mod outbox;
mod ovs;
mod sockets;

pub use dump::{DUMP_CHUNK, DUMP_FIRST_CHUNK};
pub use outbox::Outbox;
pub use sockets::{Creds, SockOpts, Socket, NETLINK_OPTS};

use genl::ctrl::Registry;
use genl::ovs::KernelVersion;
use genl::Errno;
use sockets::SocketTable;
use std::sync::Arc;
use vport::{Backend, Rtnl};

/// Something that receives datagrams for one socket from other sockets'
/// requests (multicast notifications). Returns false when the datagram was
/// dropped because the receiver's queue is full.
pub trait Sink: Send + Sync {
    /// Queues one datagram.
    fn deliver(&self, datagram: &[u8]) -> bool;
    /// A datagram for this socket was dropped and the socket did not set
    /// `NETLINK_NO_ENOBUFS`: its next read must fail with `ENOBUFS`
    /// (`netlink_overrun`). The default forgets it.
    fn overrun(&self) {}
}

/// Which locking design flow commands use.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Locking {
    /// After the 2026 series: flow commands take only their table's mutex.
    #[default]
    Decoupled,
    /// Before it: flow commands take the global `ovs_mutex`.
    Legacy,
}

/// Start-up settings of the core.
#[derive(Clone)]
pub struct CoreConfig {
    /// Which kernel's family ids, group ids and attribute maxima to present.
    pub kernel: KernelVersion,
    /// The emulated RTNL (with its configured work per device operation).
    pub rtnl: Arc<Rtnl>,
    /// Where vports' net devices come from.
    pub backend: Arc<dyn Backend>,
    /// Locking design of flow commands.
    pub locking: Locking,
    /// Injected faults (none by default).
    pub faults: faults::Faults,
    /// The emulated kernel's `nr_cpu_ids` (None: this machine's CPUs). It
    /// bounds vport upcall pid arrays and per-CPU pid replies.
    pub nr_cpu_ids: Option<usize>,
    /// Where the module's kernel log lines go (nowhere by default).
    pub kmsg: Arc<kmsg::Kmsg>,
}

impl Default for CoreConfig {
    /// 6.12, no RTNL work, virtual net devices, decoupled locking.
    fn default() -> Self {
        CoreConfig {
            kernel: KernelVersion::default(),
            rtnl: Rtnl::new(std::time::Duration::ZERO),
            backend: vport::backend_by_name("virtual").expect("virtual backend"),
            locking: Locking::default(),
            faults: faults::Faults::default(),
            nr_cpu_ids: None,
            kmsg: Arc::default(),
        }
    }
}

/// The emulated kernel: its families, its netlink sockets, its datapaths.
pub struct Core {
    registry: Registry,
    sockets: SocketTable,
    ovs: ovs::Ovs,
    locking: Locking,
    faults: faults::Faults,
    kernel: KernelVersion,
    /// The module's kernel log.
    kmsg: Arc<kmsg::Kmsg>,
    /// This core, for threads it starts (vport receive threads).
    me: std::sync::Weak<Core>,
}

impl Core {
    /// A core with no sockets and no datapaths.
    pub fn new(cfg: CoreConfig) -> Arc<Core> {
        Arc::new_cyclic(|me| Core {
            registry: cfg.kernel.registry(),
            sockets: SocketTable::default(),
            ovs: ovs::Ovs::new(cfg.rtnl, cfg.backend, cfg.nr_cpu_ids),
            locking: cfg.locking,
            faults: cfg.faults,
            kernel: cfg.kernel,
            kmsg: cfg.kmsg,
            me: me.clone(),
        })
    }

    /// The generic netlink families this core serves.
    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    /// Opens a netlink socket for a peer with credentials `creds`; its
    /// autobind port id is reserved at once (the process's tgid if free,
    /// else a negative id, as `netlink_autobind`). `sink` receives the
    /// socket's multicast traffic.
    pub fn open_socket(&self, creds: Creds, sink: Arc<dyn Sink>) -> Socket {
        self.sockets.open(creds, sink)
    }

    /// Closes a socket: its port id, memberships and dump state go.
    pub fn close_socket(&self, sock: &mut Socket) {
        self.sockets.close(sock);
    }

    /// `bind()` to an explicit port id (`pid != 0`) with legacy groups.
    pub fn bind(&self, sock: &mut Socket, pid: u32, groups: u32) -> Result<u32, Errno> {
        self.sockets.bind(sock, pid, groups)
    }

    /// `bind()`/`connect()` with port id 0: autobind and set legacy groups.
    pub fn set_groups(&self, sock: &mut Socket, groups: u32) -> Result<(), Errno> {
        self.sockets.set_groups(sock, groups)
    }

    /// `setsockopt(SOL_NETLINK, opt, value)`.
    pub fn setsockopt(&self, sock: &mut Socket, opt: u32, value: u32) -> Result<(), Errno> {
        self.sockets.setsockopt(&self.registry, sock, opt, value)
    }

    /// Processes one datagram sent by `sock`, as `netlink_sendmsg` into
    /// `genl_rcv` does: every reply for the sender is appended to `out` (the
    /// first part of a dump included), notifications go to group members.
    pub fn process(&self, sock: &mut Socket, datagram: &[u8], out: &mut Outbox) {
        self.sockets.autobind(sock);
        dispatch::process(self, sock, datagram, out);
    }

    /// The locking design flow commands use.
    pub fn locking(&self) -> Locking {
        self.locking
    }

    /// Lock statistics: `ovs_mutex`, RTNL and each datapath's flow table
    /// mutex (wait and hold histograms).
    pub fn lock_stats(&self) -> Vec<lockstat::LockSnapshot> {
        let mut v = vec![self.ovs.state.stats(), self.ovs.rtnl.stats()];
        v.extend(self.ovs.table_lock_stats());
        v
    }

    /// True while some thread holds `ovs_mutex` (diagnostics and tests).
    pub fn ovs_mutex_is_held(&self) -> bool {
        self.ovs.state.try_lock().is_none()
    }

    /// True while some thread holds the flow table mutex of the datapath
    /// with `dp_ifindex` (diagnostics and tests).
    pub fn flow_table_is_locked(&self, dp_ifindex: i32) -> bool {
        let snap = self.ovs.published.load();
        snap.dp_by_ifindex(dp_ifindex)
            .and_then(|(dp, _)| dp.table.load_full())
            .is_some_and(|t| t.is_locked())
    }

    /// Destroys every datapath (their net devices go), as at module unload.
    pub fn shutdown(&self) {
        self.ovs.destroy_all();
    }

    /// True while `sock` has a dump whose remaining parts are not yet built.
    pub fn dump_pending(&self, sock: &Socket) -> bool {
        sock.dump.is_some()
    }

    /// A frame arriving from outside on the net device of vport `name`
    /// (what `ovs_vport_receive` gets): for a device without a kernel
    /// counterpart this is the host sending into it. Returns false when no
    /// vport has that name.
    pub fn inject(&self, name: &str, frame: &[u8]) -> bool {
        let snap = self.ovs.published.load();
        let Some((dp, v)) = snap.vport_by_name(name.as_bytes()) else {
            return false;
        };
        let Some((_, ports)) = snap.dp_by_ifindex(dp.ifindex) else {
            return false;
        };
        let dev = v.dev.lock().unwrap_or_else(|p| p.into_inner()).clone();
        if let Some(c) = dev.as_ref().and_then(|d| d.counters()) {
            // internal_dev_xmit: the host's transmit is the port's receive
            c.tx(frame.len());
        }
        ovs::packet_path::receive(self, dp, ports, v, frame);
        true
    }

    /// Frames the datapath sent out of vport `name`'s device when that
    /// device has no kernel counterpart (virtual), oldest first, taken out.
    pub fn take_transmitted(&self, name: &str) -> Vec<Vec<u8>> {
        let snap = self.ovs.published.load();
        let Some((_, v)) = snap.vport_by_name(name.as_bytes()) else {
            return Vec::new();
        };
        let dev = v.dev.lock().unwrap_or_else(|p| p.into_inner()).clone();
        dev.map(|d| d.take_transmitted()).unwrap_or_default()
    }

    /// Builds the next part of the running dump, as `netlink_dump` does after
    /// a `recvmsg`: appended to `out` as one datagram.
    pub fn dump_next(&self, sock: &mut Socket, out: &mut Outbox) {
        dump::next_part(self, sock, out, DUMP_CHUNK);
    }
}
