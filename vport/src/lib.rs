//! Ports' netdev side and the emulated RTNL.
//!
//! - [`rtnl`]: [`Rtnl`], the one global serialized control-plane lock,
//!   instrumented ([`lockstat`]), with configurable work per device
//!   create/destroy and an optional contender that holds it on a schedule.
//! - [`netdev`]: the net devices behind ports. A [`Backend`] creates internal
//!   devices (internal vports and a datapath's local port) and attaches
//!   `netdev` vports to existing interfaces; each device is an
//!   `Arc<dyn `[`Netdev`]`>` and is destroyed when the last `Arc` drops.
//!   Backends: [`TapBackend`] (real tap devices, root), [`PacketBackend`]
//!   (AF_PACKET attach), [`VirtualBackend`] (no kernel devices).
//! - [`portno`]: [`PortNumbers`], port-number allocation as the kernel does it.
//!
//! Nothing here knows about netlink families, datapaths or flows; errors are
//! [`genl::Errno`] values as the kernel would return them.

#![warn(missing_docs)]

mod duration;
pub mod netdev;
pub mod portno;
pub mod rtnl;
#[cfg(test)]
mod testns;

pub use duration::{parse_duration, parse_hold_period};
pub use netdev::{
    backend_by_name, default_backend, Backend, DevCounters, DevStats, Netdev, NetdevKind,
    PacketBackend, TapBackend, VirtualBackend, VIRTUAL_IFINDEX_BASE,
};
pub use portno::{PortNumbers, DP_MAX_PORTS};
pub use rtnl::{Contention, Rtnl, RtnlGuard};
