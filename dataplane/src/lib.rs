//! The packet executor: flow actions run on a [`Packet`], as
//! `net/openvswitch/actions.c` runs them. Sans-I/O: everything that leaves
//! the executor (transmitting on a port, upcalls, recirculation lookups,
//! random numbers) goes through [`Env`], which the daemon implements and
//! tests drive directly.
//!
//! Files: [`exec`](crate::exec) holds `do_execute_actions`, `clone_execute`
//! and the deferred-action FIFO; [`output`](crate::output) OUTPUT,
//! USERSPACE and PSAMPLE; `set/` every SET / SET_MASKED; [`vlan`](crate::vlan),
//! [`mpls`](crate::mpls), [`eth`](crate::eth), [`nsh`](crate::nsh) the
//! push/pop actions; [`ttl`](crate::ttl) DEC_TTL; [`hash`](crate::hash) HASH;
//! [`csum`] the checksum arithmetic; [`skb`](crate::skb) the packet and key
//! state the executor threads through.
//!
//! Where this differs from the kernel (see each item's doc):
//! - `CT` drops the packet with [`ENOTSUPP`] (the kernel's
//!   `!CONFIG_NF_CONNTRACK` stub of `ovs_ct_execute`); `CT_CLEAR` does what
//!   the kernel does for a packet without a conntrack entry (zeroes the key's
//!   conntrack fields); `SET(CT_MARK/CT_LABELS)` fail with `-EINVAL` exactly
//!   as `execute_masked_set_action` does.
//! - `METER`: no meters exist, and `ovs_meter_execute` lets packets of an
//!   unknown meter through.
//! - MRU fragmentation (`ovs_fragment`) is the environment's job: the packet
//!   handed to [`Env::output`] keeps [`Packet::mru`].
//! - `HASH` values are deterministic (a fixed-seed jhash of the 5-tuple),
//!   not the kernel's per-boot siphash; the final `jhash_1word` with the
//!   basis and the "never 0" rule are the kernel's.
//! - [`Packet::cutlen`] holds the `TRUNC` length to keep (the kernel's
//!   `OVS_CB(skb)->cutlen`), with 0 standing for the kernel's `U32_MAX`
//!   ("none"); `TRUNC` lengths below 14 are rejected by validation, so 0
//!   is never a real length.

pub mod csum;
mod eth;
mod exec;
mod hash;
mod mpls;
mod nsh;
mod output;
mod set;
mod skb;
mod ttl;
mod vlan;

use flowtable::actions::{Action, Actions, TunnelInfo};
use flowtable::{FlowKey, Packet};
use genl::Errno;
use std::sync::Arc;

/// `-ENOTSUPP` (524, kernel-internal): what `CT` fails with.
pub const ENOTSUPP: Errno = Errno(524);
/// `-ENETDOWN`: the recursion limit was hit (`ovs_execute_actions`).
pub const ENETDOWN: Errno = Errno(100);
/// `-EPROTO`: `PUSH_ETH` / `POP_ETH` on a packet they do not apply to.
pub const EPROTO: Errno = Errno(71);
/// `OVS_RECURSION_LIMIT`: nested `ovs_execute_actions` levels.
pub const RECURSION_LIMIT: u32 = 5;
/// `OVS_DEFERRED_ACTION_THRESHOLD`: levels that get a private key copy;
/// deeper key-changing nested actions are deferred.
pub const DEFERRED_ACTION_THRESHOLD: u32 = RECURSION_LIMIT - 2;
/// `DEFERRED_ACTION_FIFO_SIZE`: the FIFO holds one less than this.
pub const DEFERRED_ACTION_FIFO_SIZE: usize = 10;

/// What a `USERSPACE` action sends up (`struct dp_upcall_info` for
/// `OVS_PACKET_CMD_ACTION`).
#[derive(Debug)]
pub struct ActionUpcall<'a> {
    /// `OVS_USERSPACE_ATTR_PID` (the environment may override it with an
    /// execute-time `OVS_PACKET_ATTR_UPCALL_PID`, or per-CPU dispatch).
    pub pid: u32,
    /// `OVS_USERSPACE_ATTR_USERDATA`, as received.
    pub userdata: Option<&'a [u8]>,
    /// The action list being executed when the action carried
    /// `OVS_USERSPACE_ATTR_ACTIONS` (sent back as `OVS_PACKET_ATTR_ACTIONS`).
    pub actions: Option<&'a [Action]>,
    /// Egress tunnel metadata when the action had `EGRESS_TUN_PORT` and the
    /// packet carries transmit tunnel info (`OVS_PACKET_ATTR_EGRESS_TUN_KEY`).
    /// The kernel also requires that port to exist and be a tunnel device
    /// (`dev_fill_metadata_dst`, which fills in the source address and
    /// port): the environment checks [`ActionUpcall::egress_tun_port`] and
    /// completes the metadata.
    pub egress_tun: Option<&'a TunnelInfo>,
    /// `OVS_USERSPACE_ATTR_EGRESS_TUN_PORT`, when present.
    pub egress_tun_port: Option<u32>,
    /// Bytes a preceding `TRUNC` cuts from the packet as it goes up (its
    /// wire length, accelerated tag included, minus the `TRUNC` length), 0 =
    /// none; when non-zero the upcall carries `OVS_PACKET_ATTR_LEN` = the
    /// untruncated wire length (`queue_userspace_packet`).
    pub cutlen: u32,
}

/// What a `PSAMPLE` action reports (`psample_sample_packet`'s arguments).
#[derive(Debug)]
pub struct PsampleReport<'a> {
    /// `OVS_PSAMPLE_ATTR_GROUP`.
    pub group: u32,
    /// `OVS_PSAMPLE_ATTR_COOKIE`.
    pub cookie: Option<&'a [u8]>,
    /// Sampling rate as a probability out of `u32::MAX` (the enclosing
    /// `SAMPLE`'s, else `u32::MAX`).
    pub rate: u32,
    /// Bytes of the packet to report (`min(skb->len, cutlen)`).
    pub trunc_size: usize,
}

/// Why the executor let go of a packet (`enum ovs_drop_reason` and the
/// generic reasons `actions.c` uses), for [`Env::dropped`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DropReason {
    /// The action list ended without consuming the packet
    /// (`OVS_DROP_LAST_ACTION`).
    LastAction,
    /// An action failed (`OVS_DROP_ACTION_ERROR`).
    ActionError,
    /// `DROP` with error 0 (`OVS_DROP_EXPLICIT`).
    Explicit,
    /// `DROP` with a non-zero error (`OVS_DROP_EXPLICIT_WITH_ERROR`).
    ExplicitWithError,
    /// The deferred-action FIFO was full (`OVS_DROP_DEFERRED_LIMIT`,
    /// "deferred action limit reached").
    DeferredLimit,
    /// More than [`RECURSION_LIMIT`] nested executions
    /// (`OVS_DROP_RECURSION_LIMIT`).
    RecursionLimit,
    /// `DEC_TTL` expired with no actions to run (`OVS_DROP_IP_TTL`).
    IpTtl,
    /// `CT` is not supported (the stub `ovs_ct_execute` frees the packet).
    Conntrack,
}

/// The world around the executor.
pub trait Env {
    /// `do_output`: transmit `pkt` (truncation by `TRUNC` already applied) on
    /// datapath port `port`; a missing or down port drops it. `pkt.mru`
    /// is kept: fragmenting to it (`ovs_fragment`) or dropping packets too
    /// big for the port is the environment's job.
    fn output(&mut self, port: u32, pkt: &Packet);
    /// `ovs_dp_upcall` for a `USERSPACE` action: queue an
    /// `OVS_PACKET_CMD_ACTION` message with `key` (the executor's current
    /// key, stale or not, as the kernel sends it). The result is ignored,
    /// as `do_execute_actions` ignores `output_userspace`'s.
    fn userspace(
        &mut self,
        pkt: &Packet,
        key: &FlowKey,
        up: &ActionUpcall<'_>,
    ) -> Result<(), Errno>;
    /// `ovs_dp_process_packet` for a recirculated packet, up to choosing the
    /// actions: look `key` up (updating flow and datapath stats); on a miss
    /// the environment sends the `MISS` upcall itself and returns `None`.
    /// `pkt.hash` is already computed (`skb_get_hash`).
    fn lookup(&mut self, pkt: &Packet, key: &FlowKey) -> Option<Arc<Actions>>;
    /// `get_random_u32` (for `SAMPLE`).
    fn random_u32(&mut self) -> u32;
    /// `PSAMPLE`: hand a sample to psample listeners. Default: nobody
    /// listens (as a kernel without `CONFIG_PSAMPLE`).
    fn psample(&mut self, pkt: &Packet, report: &PsampleReport<'_>) {
        let _ = (pkt, report);
    }
    /// The executor dropped `pkt` (`ovs_kfree_skb_reason`). Default: nothing.
    fn dropped(&mut self, pkt: &Packet, reason: DropReason) {
        let _ = (pkt, reason);
    }
}

/// `ovs_execute_actions`: runs `actions` on `pkt` with its extracted `key`
/// (edited in place as the actions edit the packet). Returns the first
/// action error (the packet is then dropped), as `do_execute_actions` does;
/// actions deferred meanwhile run before it returns, their errors ignored.
pub fn execute_actions(
    env: &mut dyn Env,
    pkt: Packet,
    key: &mut FlowKey,
    actions: &[Action],
) -> Result<(), Errno> {
    exec::Executor::new(env).execute_top(pkt, key, actions)
}
