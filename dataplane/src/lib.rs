//! The packet executor: flow actions run on a [`Packet`], as
//! `net/openvswitch/actions.c` runs them. Sans-I/O: everything that leaves
//! the executor (transmitting on a port, upcalls, recirculation lookups,
//! random numbers) goes through [`Env`], which the daemon implements and
//! tests drive directly.
//!
//! (Being written: see issue 6. The API below is fixed; callers may rely on
//! it.)

use flowtable::actions::{Action, Actions, TunnelInfo};
use flowtable::{FlowKey, Packet};
use genl::Errno;
use std::sync::Arc;

/// What a `USERSPACE` action sends up (`struct dp_upcall_info` for
/// `OVS_PACKET_CMD_ACTION`).
#[derive(Debug)]
pub struct ActionUpcall<'a> {
    /// `OVS_USERSPACE_ATTR_PID` (the environment may override it with an
    /// execute-time `OVS_PACKET_ATTR_UPCALL_PID`).
    pub pid: u32,
    /// `OVS_USERSPACE_ATTR_USERDATA`, as received.
    pub userdata: Option<&'a [u8]>,
    /// The action list being executed when the action carried
    /// `OVS_USERSPACE_ATTR_ACTIONS` (sent back as `OVS_PACKET_ATTR_ACTIONS`).
    pub actions: Option<&'a [Action]>,
    /// Egress tunnel metadata when the action had `EGRESS_TUN_PORT` and the
    /// packet carries tunnel info (`OVS_PACKET_ATTR_EGRESS_TUN_KEY`).
    pub egress_tun: Option<&'a TunnelInfo>,
    /// Bytes a preceding `TRUNC` cuts (`OVS_CB(skb)->cutlen`), 0 = none; the
    /// upcall then carries `OVS_PACKET_ATTR_LEN` = the original length.
    pub cutlen: u32,
}

/// The world around the executor.
pub trait Env {
    /// `do_output`: transmit `pkt` (truncation by `TRUNC` already applied) on
    /// datapath port `port`; a missing port drops it.
    fn output(&mut self, port: u32, pkt: &Packet);
    /// `ovs_dp_upcall` for a `USERSPACE` action: queue an
    /// `OVS_PACKET_CMD_ACTION` message with `key` (the executor's current
    /// key, stale or not, as the kernel sends it).
    fn userspace(&mut self, pkt: &Packet, key: &FlowKey, up: &ActionUpcall<'_>)
        -> Result<(), Errno>;
    /// `ovs_dp_process_packet` for a recirculated packet, up to choosing the
    /// actions: look `key` up (updating flow and datapath stats); on a miss
    /// the environment sends the `MISS` upcall itself and returns `None`.
    fn lookup(&mut self, pkt: &Packet, key: &FlowKey) -> Option<Arc<Actions>>;
    /// `get_random_u32` (for `SAMPLE`).
    fn random_u32(&mut self) -> u32;
}

/// `ovs_execute_actions`: runs `actions` on `pkt` with its extracted `key`.
/// Returns the first action error (the packet is then dropped), as
/// `do_execute_actions` does.
pub fn execute_actions(
    env: &mut dyn Env,
    pkt: Packet,
    key: &mut FlowKey,
    actions: &[Action],
) -> Result<(), Errno> {
    let _ = (env, pkt, key, actions);
    Ok(())
}
