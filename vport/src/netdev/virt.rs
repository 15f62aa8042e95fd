//! Internal devices with no kernel counterpart, for unprivileged runs.
//!
//! A virtual device is a name, a private ifindex and counters. Its ifindexes
//! come from a range no kernel hands out in practice (from
//! [`VIRTUAL_IFINDEX_BASE`] up, the kernel counts up from 1), increase with
//! every creation and are never reused while their device lives. A name
//! clashes with live virtual devices and with the host's net devices.
//! `netdev` vports attach to real interfaces through [`PacketBackend`]
//! (with a socket only when privileged).

use std::os::fd::BorrowedFd;
use std::sync::{Arc, Mutex, PoisonError};

use genl::Errno;

use super::registry::Registry;
use super::{ifname, sys};
use super::{Backend, DevCounters, DevStats, Netdev, NetdevKind, PacketBackend};
use crate::rtnl::RtnlGuard;

/// The first ifindex given to a virtual device.
pub const VIRTUAL_IFINDEX_BASE: i32 = 0x4000_0000;

/// Internal devices without kernel netdevs (`--netdev virtual`).
#[derive(Debug)]
pub struct VirtualBackend {
    internal: Arc<Registry>,
    next_ifindex: Mutex<i32>,
    packet: PacketBackend,
}

impl Default for VirtualBackend {
    fn default() -> Self {
        Self::new()
    }
}

impl VirtualBackend {
    /// A backend with no devices yet.
    pub fn new() -> VirtualBackend {
        Self::with_first_ifindex(VIRTUAL_IFINDEX_BASE)
    }

    /// A backend whose first device gets ifindex `first` (tests replaying
    /// kernel traces use 2: a fresh network namespace where `lo` is 1).
    pub fn with_first_ifindex(first: i32) -> VirtualBackend {
        let internal = Arc::new(Registry::default());
        VirtualBackend {
            packet: PacketBackend::refusing(Arc::clone(&internal)),
            internal,
            next_ifindex: Mutex::new(first),
        }
    }

    fn create(
        &self,
        name: &str,
        want: Option<i32>,
        rtnl: &RtnlGuard<'_>,
    ) -> Result<Arc<dyn Netdev>, Errno> {
        ifname::check(name)?;
        if sys::name_exists(name) {
            return Err(Errno::EEXIST);
        }
        let mut next = self
            .next_ifindex
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let ifindex = self.internal.with(|live| {
            if live.contains_key(name) {
                return Err(Errno::EEXIST);
            }
            let in_use = |i: i32| live.values().any(|&v| v == i);
            let i = match want {
                // register_netdevice with a taken dev->ifindex
                Some(w) if in_use(w) => return Err(Errno::EBUSY),
                Some(w) => w,
                None => {
                    let mut i = *next;
                    // Skip ifindexes still alive after a wrap-around.
                    while in_use(i) {
                        i = successor(i);
                    }
                    *next = successor(i);
                    i
                }
            };
            live.insert(name.to_owned(), i);
            Ok(i)
        })?;
        drop(next);
        rtnl.device_work();
        tracing::debug!(name, ifindex, "virtual device created");
        Ok(Arc::new(VirtualDev {
            name: name.to_owned(),
            ifindex,
            mac: sys::random_mac(),
            counters: DevCounters::default(),
            registry: Arc::clone(&self.internal),
            captured: Mutex::default(),
        }))
    }
}

impl Backend for VirtualBackend {
    fn name(&self) -> &'static str {
        "virtual"
    }

    fn create_internal(&self, name: &str, rtnl: &RtnlGuard<'_>) -> Result<Arc<dyn Netdev>, Errno> {
        self.create(name, None, rtnl)
    }

    fn create_internal_at(
        &self,
        name: &str,
        ifindex: i32,
        rtnl: &RtnlGuard<'_>,
    ) -> Result<Arc<dyn Netdev>, Errno> {
        self.create(name, (ifindex != 0).then_some(ifindex), rtnl)
    }

    fn attach(&self, name: &str, rtnl: &RtnlGuard<'_>) -> Result<Arc<dyn Netdev>, Errno> {
        self.packet.attach(name, rtnl)
    }

    fn exists(&self, name: &str) -> bool {
        self.internal.contains(name) || sys::name_exists(name)
    }
}

fn successor(i: i32) -> i32 {
    if i == i32::MAX {
        VIRTUAL_IFINDEX_BASE
    } else {
        i + 1
    }
}

/// A live virtual device.
#[derive(Debug)]
struct VirtualDev {
    name: String,
    ifindex: i32,
    mac: [u8; 6],
    counters: DevCounters,
    registry: Arc<Registry>,
    /// Frames the datapath sent to the host through this device, newest
    /// last, at most [`CAPTURE_LIMIT`].
    captured: Mutex<std::collections::VecDeque<Vec<u8>>>,
}

/// Frames a virtual device keeps for [`Netdev::take_transmitted`].
pub const CAPTURE_LIMIT: usize = 256;

impl Netdev for VirtualDev {
    fn name(&self) -> &str {
        &self.name
    }

    fn ifindex(&self) -> i32 {
        self.ifindex
    }

    fn kind(&self) -> NetdevKind {
        NetdevKind::Virtual
    }

    fn mac(&self) -> [u8; 6] {
        self.mac
    }

    fn stats(&self) -> DevStats {
        self.counters.snapshot()
    }

    fn io_fd(&self) -> Option<BorrowedFd<'_>> {
        None
    }

    fn counters(&self) -> Option<&DevCounters> {
        Some(&self.counters)
    }

    fn transmit(&self, frame: &[u8]) -> Result<(), Errno> {
        // internal_dev_recv: the host receives it; eth_type_trans has
        // pulled the Ethernet header before the bytes are counted
        self.counters.rx(frame.len().saturating_sub(14));
        let mut q = self.captured.lock().unwrap_or_else(PoisonError::into_inner);
        if q.len() == CAPTURE_LIMIT {
            q.pop_front();
        }
        q.push_back(frame.to_vec());
        Ok(())
    }

    fn take_transmitted(&self) -> Vec<Vec<u8>> {
        let mut q = self.captured.lock().unwrap_or_else(PoisonError::into_inner);
        q.drain(..).collect()
    }
}

impl Drop for VirtualDev {
    fn drop(&mut self) {
        self.registry.remove(&self.name);
        tracing::debug!(name = %self.name, "virtual device destroyed");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rtnl::Rtnl;
    use crate::testns::{ip, isolated};
    use std::time::{Duration, Instant};

    #[test]
    fn create_and_destroy() {
        let b = VirtualBackend::new();
        let rtnl = Rtnl::new(Duration::ZERO);
        let g = rtnl.lock();
        let a = b.create_internal("ovsd-v0", &g).unwrap();
        let c = b.create_internal("ovsd-v1", &g).unwrap();
        assert_eq!(a.kind(), NetdevKind::Virtual);
        assert_eq!(a.ifindex(), VIRTUAL_IFINDEX_BASE);
        assert_eq!(c.ifindex(), VIRTUAL_IFINDEX_BASE + 1);
        assert_eq!(a.mac()[0] & 3, 2);
        assert!(a.io_fd().is_none());
        assert!(b.exists("ovsd-v0"));
        assert_eq!(b.create_internal("ovsd-v0", &g).unwrap_err(), Errno::EEXIST);
        // A host device of that name clashes too.
        assert_eq!(b.create_internal("lo", &g).unwrap_err(), Errno::EEXIST);
        assert_eq!(b.create_internal("a/b", &g).unwrap_err(), Errno::EINVAL);
        // Internal devices cannot be attached as netdev vports.
        assert_eq!(b.attach("ovsd-v0", &g).unwrap_err(), Errno::EINVAL);
        assert_eq!(b.attach("no-such-dev0", &g).unwrap_err(), Errno::ENODEV);
        assert_eq!(b.attach("lo", &g).unwrap_err(), Errno::EINVAL);
        drop(a);
        assert!(!b.exists("ovsd-v0"));
        // The name is free; the ifindex is not handed out again.
        let a2 = b.create_internal("ovsd-v0", &g).unwrap();
        assert_eq!(a2.ifindex(), VIRTUAL_IFINDEX_BASE + 2);
        drop(c);
        drop(a2);
        assert!(b.internal.with(|m| m.is_empty()));
    }

    #[test]
    fn ifindexes_skip_live_ones_after_wrap() {
        let b = VirtualBackend::new();
        let rtnl = Rtnl::new(Duration::ZERO);
        let g = rtnl.lock();
        let first = b.create_internal("v0", &g).unwrap();
        *b.next_ifindex.lock().unwrap() = i32::MAX;
        let last = b.create_internal("v1", &g).unwrap();
        assert_eq!(last.ifindex(), i32::MAX);
        let wrapped = b.create_internal("v2", &g).unwrap();
        assert_eq!(first.ifindex(), VIRTUAL_IFINDEX_BASE);
        assert_eq!(wrapped.ifindex(), VIRTUAL_IFINDEX_BASE + 1);
    }

    #[test]
    fn counters_are_the_stats() {
        let b = VirtualBackend::new();
        let rtnl = Rtnl::new(Duration::ZERO);
        let dev = b.create_internal("v0", &rtnl.lock()).unwrap();
        let c = dev.counters().unwrap();
        c.rx(60);
        c.tx(70);
        let s = dev.stats();
        assert_eq!(
            (s.rx_packets, s.rx_bytes, s.tx_packets, s.tx_bytes),
            (1, 60, 1, 70)
        );
    }

    #[test]
    fn creation_spends_rtnl_work() {
        let b = VirtualBackend::new();
        let rtnl = Rtnl::new(Duration::from_millis(20));
        let g = rtnl.lock();
        let t = Instant::now();
        let _dev = b.create_internal("v0", &g).unwrap();
        assert!(t.elapsed() >= Duration::from_millis(20));
    }

    #[test]
    fn virtual_attach_uses_packet_sockets_when_privileged() {
        if !isolated(concat!(
            module_path!(),
            "::virtual_attach_uses_packet_sockets_when_privileged"
        )) {
            return;
        }
        ip(&["link", "add", "ve0", "type", "veth", "peer", "name", "ve1"]);
        let b = VirtualBackend::new();
        let rtnl = Rtnl::new(Duration::ZERO);
        let g = rtnl.lock();
        let dev = b.attach("ve0", &g).unwrap();
        assert_eq!(dev.kind(), NetdevKind::Packet);
        assert!(dev.io_fd().is_some());
        assert_eq!(dev.ifindex(), sys::ifindex("ve0").unwrap());
        assert!(dev.ifindex() < VIRTUAL_IFINDEX_BASE);
        // A virtual device may not take a host device's name.
        assert_eq!(b.create_internal("ve1", &g).unwrap_err(), Errno::EEXIST);
    }
}
