//! Net devices behind ports, and the backends that make them.
//!
//! A [`Backend`] creates internal devices (an internal vport, a datapath's
//! local port) and attaches `netdev` vports to existing interfaces. Every
//! device is an `Arc<dyn Netdev>`; dropping the last `Arc` destroys it
//! (closes the tap, leaves promiscuous mode, frees the virtual name). Callers
//! hold RTNL around that drop and call [`RtnlGuard::device_work`], as the
//! backends do themselves for a successful create or attach.
//!
//! | backend | internal devices | `netdev` attach |
//! | --- | --- | --- |
//! | [`TapBackend`] (root, `/dev/net/tun`) | real tap devices | [`PacketBackend`] |
//! | [`VirtualBackend`] | no kernel device, private ifindexes | [`PacketBackend`] |
//!
//! [`RtnlGuard::device_work`]: crate::rtnl::RtnlGuard::device_work

use std::fmt;
use std::os::fd::BorrowedFd;
use std::sync::Arc;

use genl::Errno;

use crate::rtnl::RtnlGuard;

mod counters;
mod csum;
pub mod gso;
mod ifname;
mod packet;
mod packet_io;
mod procnet;
mod registry;
mod sys;
mod tap;
mod virt;

pub use counters::DevCounters;
pub use packet::PacketBackend;
pub use tap::TapBackend;
pub use virt::{VirtualBackend, CAPTURE_LIMIT, VIRTUAL_IFINDEX_BASE};

/// A device's counters, in the order of `struct ovs_vport_stats`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DevStats {
    /// Packets received by the device.
    pub rx_packets: u64,
    /// Packets sent by the device.
    pub tx_packets: u64,
    /// Bytes received.
    pub rx_bytes: u64,
    /// Bytes sent.
    pub tx_bytes: u64,
    /// Receive errors.
    pub rx_errors: u64,
    /// Transmit errors.
    pub tx_errors: u64,
    /// Received packets dropped.
    pub rx_dropped: u64,
    /// Packets dropped on transmit.
    pub tx_dropped: u64,
}

/// What a [`Netdev`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NetdevKind {
    /// An internal device that is a real kernel tap device.
    Tap,
    /// An existing kernel interface attached through AF_PACKET (with or
    /// without a socket, see [`PacketBackend`]).
    Packet,
    /// An internal device with no kernel counterpart.
    Virtual,
}

impl NetdevKind {
    /// Whether the device is an internal device (made by the datapath).
    pub fn is_internal(self) -> bool {
        matches!(self, NetdevKind::Tap | NetdevKind::Virtual)
    }
}

/// The net-device side of one port.
pub trait Netdev: Send + Sync + fmt::Debug {
    /// The device's name.
    fn name(&self) -> &str;
    /// Its ifindex: the kernel's for tap and attached devices, a private one
    /// for virtual devices.
    fn ifindex(&self) -> i32;
    /// What kind of device this is.
    fn kind(&self) -> NetdevKind;
    /// Its Ethernet address (all zero for an `ARPHRD_NONE` device).
    fn mac(&self) -> [u8; 6];
    /// Its counters now.
    fn stats(&self) -> DevStats;
    /// The descriptor packets go through: the tap's fd, or the bound
    /// AF_PACKET socket (non-blocking, close-on-exec); `None` without one.
    fn io_fd(&self) -> Option<BorrowedFd<'_>>;
    /// The device's own counters, for devices whose packets only ovsd sees
    /// (virtual); `None` where the kernel counts.
    fn counters(&self) -> Option<&DevCounters>;

    /// Sends `frame` out of the port (`ovs_vport_send`): for an internal
    /// device the host receives it, for an attached one it goes on the wire.
    /// Never blocks: a full device queue drops the frame (`ENOBUFS`). Devices
    /// without a descriptor drop silently.
    fn transmit(&self, frame: &[u8]) -> Result<(), Errno> {
        let Some(fd) = self.io_fd() else {
            return Ok(());
        };
        sys::write_frame(fd, frame)
    }

    /// Takes one frame the device received (`Ok(None)` when none is
    /// waiting), into `buf`; returns its length.
    fn receive(&self, buf: &mut [u8]) -> Result<Option<usize>, Errno> {
        let Some(fd) = self.io_fd() else {
            return Ok(None);
        };
        sys::read_frame(fd, buf)
    }

    /// Frames transmitted on a device that has no kernel counterpart, oldest
    /// first, taken out (what a host would have received; for tests and
    /// trace replay). Empty for kernel devices.
    fn take_transmitted(&self) -> Vec<Vec<u8>> {
        Vec::new()
    }
}

/// A way to make and attach net devices. All calls run under RTNL.
pub trait Backend: Send + Sync + fmt::Debug {
    /// The backend's name (`"tap"`, `"virtual"`, `"packet"`).
    fn name(&self) -> &'static str;

    /// An internal port or a datapath's local port: a new net device named
    /// `name`. `EEXIST` if any net device (or live internal device) has that
    /// name, `EINVAL` for a name the kernel would refuse.
    fn create_internal(&self, name: &str, rtnl: &RtnlGuard<'_>) -> Result<Arc<dyn Netdev>, Errno>;

    /// As [`Backend::create_internal`] with a requested ifindex
    /// (`OVS_DP_ATTR_IFINDEX`, `OVS_VPORT_ATTR_IFINDEX`; 0 = any): `EBUSY` if
    /// that ifindex is in use. Backends that cannot choose ifindexes (a TAP
    /// device's comes from the kernel) answer `EOPNOTSUPP`.
    fn create_internal_at(
        &self,
        name: &str,
        ifindex: i32,
        rtnl: &RtnlGuard<'_>,
    ) -> Result<Arc<dyn Netdev>, Errno> {
        if ifindex == 0 {
            self.create_internal(name, rtnl)
        } else {
            Err(Errno::EOPNOTSUPP)
        }
    }

    /// A tunnel vport's device (vxlan, geneve, gre). The kernel makes one of
    /// that kind; by default it is made like an internal device.
    fn create_tunnel(&self, name: &str, rtnl: &RtnlGuard<'_>) -> Result<Arc<dyn Netdev>, Errno> {
        self.create_internal(name, rtnl)
    }

    /// A `netdev` vport: attach to the existing interface `name`. `ENODEV`
    /// if there is none, `EINVAL` for loopback, non-Ethernet devices and
    /// internal devices.
    fn attach(&self, name: &str, rtnl: &RtnlGuard<'_>) -> Result<Arc<dyn Netdev>, Errno>;

    /// Whether a net device of this name exists in this network namespace
    /// (any kind, this backend's internal devices included).
    fn exists(&self, name: &str) -> bool;
}

/// The backend to use when none is configured: [`TapBackend`] when running
/// as root and `/dev/net/tun` opens, else [`VirtualBackend`].
pub fn default_backend() -> Arc<dyn Backend> {
    match TapBackend::new() {
        Ok(tap) => Arc::new(tap),
        Err(why) => {
            tracing::info!("tap backend unavailable ({why}); using virtual netdevs");
            Arc::new(VirtualBackend::new())
        }
    }
}

/// A backend by its `--netdev` name: `"tap"` (fails if unavailable),
/// `"virtual"`, or `"auto"` ([`default_backend`]).
pub fn backend_by_name(name: &str) -> Result<Arc<dyn Backend>, String> {
    match name {
        "tap" => Ok(Arc::new(TapBackend::new()?)),
        "virtual" => Ok(Arc::new(VirtualBackend::new())),
        "auto" => Ok(default_backend()),
        _ => Err(format!(
            "unknown netdev backend {name:?} (tap, virtual, auto)"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backends_by_name() {
        assert_eq!(backend_by_name("virtual").unwrap().name(), "virtual");
        assert!(backend_by_name("nope").is_err());
        let auto = backend_by_name("auto").unwrap().name();
        assert!(auto == "tap" || auto == "virtual");
        match backend_by_name("tap") {
            Ok(b) => assert_eq!(b.name(), "tap"),
            Err(e) => assert!(!e.is_empty()),
        }
    }

    #[test]
    fn kinds() {
        assert!(NetdevKind::Tap.is_internal());
        assert!(NetdevKind::Virtual.is_internal());
        assert!(!NetdevKind::Packet.is_internal());
    }
}
