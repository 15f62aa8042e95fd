//! The datapaths of the emulated network namespace: the authoritative state
//! written under `ovs_mutex`, and the snapshot RCU readers use (`VPORT GET`,
//! vport dumps), republished after every write.

use super::flow_cmds::Table;
use arc_swap::ArcSwapOption;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use vport::{Netdev, PortNumbers};

/// Tunnel configuration of a vxlan/geneve vport (`OVS_VPORT_ATTR_OPTIONS`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct TunnelOptions {
    /// `OVS_TUNNEL_ATTR_DST_PORT`, host order.
    pub dst_port: u16,
    /// vxlan `OVS_VXLAN_EXT_GBP`.
    pub gbp: bool,
}

/// One port of a datapath (`struct vport`).
pub(crate) struct Vport {
    /// Port number (0 = the local port).
    pub port_no: u32,
    /// `OVS_VPORT_TYPE_*`.
    pub vtype: u32,
    /// Name (no NUL).
    pub name: Box<[u8]>,
    /// ifindex of its net device.
    pub ifindex: i32,
    /// The net device; taken out (and destroyed under RTNL) on detach.
    pub dev: Mutex<Option<Arc<dyn Netdev>>>,
    /// Upcall port ids (`OVS_VPORT_ATTR_UPCALL_PID`), never empty.
    pub upcall_pids: Mutex<Vec<u32>>,
    /// `OVS_VPORT_UPCALL_ATTR_SUCCESS`.
    pub upcall_success: AtomicU64,
    /// `OVS_VPORT_UPCALL_ATTR_FAIL`.
    pub upcall_fail: AtomicU64,
    /// Tunnel options, for the types that report them.
    pub options: Option<TunnelOptions>,
    /// Insertion order inside its hash bucket (newest first in dumps).
    pub seq: u64,
    /// The thread receiving from its device, if the device has a
    /// descriptor.
    pub rx: Mutex<Option<super::rx::RxThread>>,
}

impl Vport {
    /// The net device's counters (zero once detached).
    pub fn stats(&self) -> vport::DevStats {
        let dev = self.dev.lock().unwrap_or_else(|p| p.into_inner());
        dev.as_ref().map(|d| d.stats()).unwrap_or_default()
    }

    /// The current upcall pids.
    pub fn pids(&self) -> Vec<u32> {
        self.upcall_pids
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// True for vports whose device maps to the datapath by ifindex
    /// (`ovs_internal_dev_get_vport`).
    pub fn is_internal(&self) -> bool {
        self.vtype == genl::ovs::vport::OVS_VPORT_TYPE_INTERNAL
    }
}

/// Datapath-wide counters (`struct dp_stats_percpu`).
#[derive(Default)]
pub(crate) struct DpCounters {
    /// Packets that matched a flow.
    pub n_hit: AtomicU64,
    /// Packets that missed.
    pub n_missed: AtomicU64,
    /// Upcalls that could not be sent.
    pub n_lost: AtomicU64,
    /// Masks probed in lookups.
    pub n_mask_hit: AtomicU64,
    /// Lookups answered through the mask cache.
    pub n_cache_hit: AtomicU64,
}

/// One datapath (`struct datapath`). Fields that RCU readers need are
/// atomics; the rest is only touched under `ovs_mutex`.
pub(crate) struct Datapath {
    /// Name = its local port's name.
    pub name: Box<[u8]>,
    /// `dp_ifindex`: the local port's ifindex.
    pub ifindex: i32,
    /// `OVS_DP_F_*`.
    pub user_features: AtomicU32,
    /// `OVS_DP_ATTR_MASKS_CACHE_SIZE`.
    pub masks_cache_size: AtomicU32,
    /// `OVS_DP_ATTR_PER_CPU_PIDS`.
    pub per_cpu_pids: Mutex<Vec<u32>>,
    /// Counters.
    pub stats: DpCounters,
    /// The flow table, as an RCU pointer (`struct flow_table __rcu *table`
    /// after the series): flow commands pin it (the `Arc` is the refcount);
    /// destroying the datapath publishes `None`.
    pub table: ArcSwapOption<Table>,
}

impl Datapath {
    /// (flows, masks) of the table, zero once it is gone.
    pub fn table_counts(&self) -> (u64, u32) {
        self.table
            .load()
            .as_ref()
            .map_or((0, 0), |t| (t.count() as u64, t.num_masks() as u32))
    }

    /// Current user features.
    pub fn features(&self) -> u32 {
        self.user_features.load(Ordering::Relaxed)
    }
}

/// A datapath with its ports, as the writers see it.
pub(crate) struct DpEntry {
    /// The datapath.
    pub dp: Arc<Datapath>,
    /// Ports by number.
    pub ports: BTreeMap<u32, Arc<Vport>>,
    /// Port-number allocation.
    pub numbers: PortNumbers,
}

/// Everything `ovs_mutex` protects.
#[derive(Default)]
pub(crate) struct DpState {
    /// Datapaths in creation order (`ovs_net->dps`).
    pub dps: Vec<DpEntry>,
    /// Insertion counter for vport dump order.
    pub next_seq: u64,
}

/// What RCU readers see: every datapath with its ports.
#[derive(Default)]
pub(crate) struct Snapshot {
    /// Datapaths in creation order, each with its ports by number.
    pub dps: Vec<(Arc<Datapath>, Vec<Arc<Vport>>)>,
}

impl DpState {
    /// `ovs_vport_locate`: a vport of any datapath by name.
    pub fn vport_by_name(&self, name: &[u8]) -> Option<(usize, &Arc<Vport>)> {
        self.dps
            .iter()
            .enumerate()
            .find_map(|(i, e)| e.ports.values().find(|v| &*v.name == name).map(|v| (i, v)))
    }

    /// `get_dp`: the datapath owning an internal port with this ifindex.
    pub fn dp_by_ifindex(&self, ifindex: i32) -> Option<usize> {
        if ifindex == 0 {
            return None;
        }
        self.dps.iter().position(|e| {
            e.ports
                .values()
                .any(|v| v.is_internal() && v.ifindex == ifindex)
        })
    }

    /// `lookup_datapath`: by `NAME` (which must be a local port's), else by
    /// the header's `dp_ifindex`.
    pub fn lookup_datapath(&self, name: Option<&[u8]>, dp_ifindex: i32) -> Option<usize> {
        match name {
            Some(n) => self
                .vport_by_name(n)
                .and_then(|(i, v)| (v.port_no == 0).then_some(i)),
            None => self.dp_by_ifindex(dp_ifindex),
        }
    }

    /// A fresh snapshot for readers.
    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            dps: self
                .dps
                .iter()
                .map(|e| (e.dp.clone(), e.ports.values().cloned().collect()))
                .collect(),
        }
    }
}

impl Snapshot {
    /// `ovs_vport_locate` for readers.
    pub fn vport_by_name(&self, name: &[u8]) -> Option<(&Arc<Datapath>, &Arc<Vport>)> {
        self.dps
            .iter()
            .find_map(|(dp, ports)| ports.iter().find(|v| &*v.name == name).map(|v| (dp, v)))
    }

    /// `get_dp_rcu`.
    pub fn dp_by_ifindex(&self, ifindex: i32) -> Option<&(Arc<Datapath>, Vec<Arc<Vport>>)> {
        if ifindex == 0 {
            return None;
        }
        self.dps.iter().find(|(_, ports)| {
            ports
                .iter()
                .any(|v| v.is_internal() && v.ifindex == ifindex)
        })
    }
}
