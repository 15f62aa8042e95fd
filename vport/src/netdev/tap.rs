//! Internal devices as real kernel tap devices.
//!
//! An internal port (or a datapath's local port) becomes a tap device of the
//! same name, so `ip link`, ioctls and rtnetlink clients see it and its
//! ifindex is a real one. Like the kernel's internal device
//! (`internal_dev_create`) it has a random locally administered MAC, is
//! promiscuous and starts admin-down. It is not persistent: it disappears
//! when its fd closes, on drop or when ovsd dies.

use std::fs::OpenOptions;
use std::io;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::os::unix::fs::OpenOptionsExt;
use std::sync::Arc;

use genl::Errno;

use super::registry::Registry;
use super::{ifname, procnet, sys};
use super::{Backend, DevCounters, DevStats, Netdev, NetdevKind, PacketBackend, VirtualBackend};
use crate::rtnl::RtnlGuard;

const TUN_PATH: &str = "/dev/net/tun";

/// Tap devices for internal ports; AF_PACKET ([`PacketBackend`]) to attach
/// `netdev` vports. Needs root and `/dev/net/tun`.
///
/// Tunnel vports get no kernel device: a tap named like the kernel's
/// `genev_sys_6081` or `vxlan_sys_4789` has the wrong kind (`tun`), and
/// Open vSwitch, which probes those names over rtnetlink, refuses to open
/// the datapath ("Geneve tunnel device ... with kind tun not supported").
#[derive(Debug)]
pub struct TapBackend {
    internal: Arc<Registry>,
    packet: PacketBackend,
    tunnels: VirtualBackend,
}

impl TapBackend {
    /// The tap backend, if this process is root and `/dev/net/tun` opens.
    pub fn new() -> Result<TapBackend, String> {
        // SAFETY: geteuid has no preconditions.
        if unsafe { libc::geteuid() } != 0 {
            return Err("the tap backend needs root".into());
        }
        open_tun().map_err(|e| format!("cannot open {TUN_PATH}: {e}"))?;
        let internal = Arc::new(Registry::default());
        Ok(TapBackend {
            packet: PacketBackend::refusing(Arc::clone(&internal)),
            internal,
            tunnels: VirtualBackend::new(),
        })
    }
}

fn open_tun() -> io::Result<OwnedFd> {
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .custom_flags(libc::O_CLOEXEC | libc::O_NONBLOCK)
        .open(TUN_PATH)?;
    Ok(file.into())
}

/// Makes the tap device `name` on a fresh tun fd (`TUNSETIFF`).
fn make_tap(name: &str) -> Result<OwnedFd, Errno> {
    let fd = open_tun().map_err(|e| sys::errno(&e))?;
    let mut ifr = sys::ifreq(name).map_err(|_| Errno::EINVAL)?;
    ifr.ifr_ifru.ifru_flags = (libc::IFF_TAP | libc::IFF_NO_PI) as libc::c_short;
    if let Err(e) = sys::ioctl(&fd, libc::TUNSETIFF as libc::c_ulong, &mut ifr) {
        // A device of that name appeared (tun: busy or not a tap): a clash.
        return Err(match e.raw_os_error() {
            Some(libc::EBUSY | libc::EEXIST | libc::EINVAL) => Errno::EEXIST,
            _ => sys::errno(&e),
        });
    }
    if ifname::from_ifr_name(&ifr.ifr_name) != name {
        return Err(Errno::EINVAL);
    }
    Ok(fd)
}

impl Backend for TapBackend {
    fn name(&self) -> &'static str {
        "tap"
    }

    fn create_internal(&self, name: &str, rtnl: &RtnlGuard<'_>) -> Result<Arc<dyn Netdev>, Errno> {
        ifname::check(name)?;
        // Any net device of that name is a clash (`register_netdevice`);
        // checked first because TUNSETIFF would attach to an existing tap.
        if self.exists(name) {
            return Err(Errno::EEXIST);
        }
        let fd = make_tap(name)?;
        // From here on, an error drops `fd`, which removes the device.
        let mac = sys::random_mac();
        sys::set_hwaddr(name, mac).map_err(|e| sys::errno(&e))?;
        let flags = sys::flags(name).map_err(|e| sys::errno(&e))?;
        // Promiscuous, admin-down (`internal_dev_create`).
        sys::set_flags(name, (flags | libc::IFF_PROMISC) & !libc::IFF_UP)
            .map_err(|e| sys::errno(&e))?;
        let ifindex = sys::ifindex(name).map_err(|e| sys::errno(&e))?;
        if !self.internal.insert(name, ifindex) {
            return Err(Errno::EEXIST);
        }
        rtnl.device_work();
        tracing::debug!(name, ifindex, "tap device created");
        Ok(Arc::new(TapDev {
            name: name.to_owned(),
            ifindex,
            mac,
            fd,
            registry: Arc::clone(&self.internal),
        }))
    }

    fn create_tunnel(&self, name: &str, rtnl: &RtnlGuard<'_>) -> Result<Arc<dyn Netdev>, Errno> {
        ifname::check(name)?;
        if self.exists(name) {
            return Err(Errno::EEXIST);
        }
        self.tunnels.create_internal(name, rtnl)
    }

    fn attach(&self, name: &str, rtnl: &RtnlGuard<'_>) -> Result<Arc<dyn Netdev>, Errno> {
        self.packet.attach(name, rtnl)
    }

    fn exists(&self, name: &str) -> bool {
        sys::name_exists(name) || self.internal.contains(name) || self.tunnels.exists(name)
    }
}

/// A live tap device.
#[derive(Debug)]
struct TapDev {
    name: String,
    ifindex: i32,
    mac: [u8; 6],
    fd: OwnedFd,
    registry: Arc<Registry>,
}

impl Netdev for TapDev {
    fn name(&self) -> &str {
        &self.name
    }

    fn ifindex(&self) -> i32 {
        self.ifindex
    }

    fn kind(&self) -> NetdevKind {
        NetdevKind::Tap
    }

    fn mac(&self) -> [u8; 6] {
        self.mac
    }

    fn stats(&self) -> DevStats {
        procnet::read(&self.name)
    }

    fn io_fd(&self) -> Option<BorrowedFd<'_>> {
        Some(self.fd.as_fd())
    }

    fn counters(&self) -> Option<&DevCounters> {
        None
    }
}

impl Drop for TapDev {
    fn drop(&mut self) {
        // Closing `fd` (right after this) unregisters the device.
        self.registry.remove(&self.name);
        tracing::debug!(name = %self.name, "tap device destroyed");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rtnl::Rtnl;
    use crate::testns::{ip, ip_link_exists, ip_link_flags, isolated};
    use std::time::Duration;

    fn mac_text(mac: [u8; 6]) -> String {
        mac.iter()
            .map(|b| format!("{b:02x}"))
            .collect::<Vec<_>>()
            .join(":")
    }

    #[test]
    fn tap_device_lifecycle() {
        if !isolated(concat!(module_path!(), "::tap_device_lifecycle")) {
            return;
        }
        let backend = TapBackend::new().unwrap();
        let rtnl = Rtnl::new(Duration::ZERO);
        let g = rtnl.lock();
        let dev = backend.create_internal("ovsd-t0", &g).unwrap();
        assert_eq!(dev.name(), "ovsd-t0");
        assert_eq!(dev.kind(), NetdevKind::Tap);
        assert!(dev.io_fd().is_some());
        assert!(backend.exists("ovsd-t0"));
        // Visible to the kernel under that name, with that ifindex and MAC.
        assert!(ip_link_exists("ovsd-t0"));
        let c = std::ffi::CString::new("ovsd-t0").unwrap();
        // SAFETY: valid C string.
        let real = unsafe { libc::if_nametoindex(c.as_ptr()) };
        assert_eq!(dev.ifindex(), real as i32);
        let line = ip(&["-o", "link", "show", "dev", "ovsd-t0"]);
        assert!(line.contains(&mac_text(dev.mac())), "{line}");
        assert_eq!(dev.mac()[0] & 3, 2);
        let flags = ip_link_flags("ovsd-t0");
        assert!(flags.iter().any(|f| f == "PROMISC"), "{flags:?}");
        assert!(!flags.iter().any(|f| f == "UP"), "{flags:?}");
        assert_eq!(dev.stats(), procnet::read("ovsd-t0"));
        drop(dev);
        drop(g);
        assert!(!ip_link_exists("ovsd-t0"));
        assert!(!backend.exists("ovsd-t0"));
        // The name is free again.
        let again = backend.create_internal("ovsd-t0", &rtnl.lock()).unwrap();
        assert!(ip_link_exists(again.name()));
    }

    #[test]
    fn tap_clashes_and_bad_names() {
        if !isolated(concat!(module_path!(), "::tap_clashes_and_bad_names")) {
            return;
        }
        let backend = TapBackend::new().unwrap();
        let rtnl = Rtnl::new(Duration::ZERO);
        let g = rtnl.lock();
        assert_eq!(
            backend.create_internal("lo", &g).unwrap_err(),
            Errno::EEXIST
        );
        ip(&[
            "link", "add", "vth0", "type", "veth", "peer", "name", "vth1",
        ]);
        assert_eq!(
            backend.create_internal("vth0", &g).unwrap_err(),
            Errno::EEXIST
        );
        let dev = backend.create_internal("br0", &g).unwrap();
        assert_eq!(
            backend.create_internal("br0", &g).unwrap_err(),
            Errno::EEXIST
        );
        // An internal device cannot be attached as a netdev vport.
        assert_eq!(backend.attach("br0", &g).unwrap_err(), Errno::EINVAL);
        for bad in ["", "a/b", "1234567890123456", "br%d"] {
            assert_eq!(backend.create_internal(bad, &g).unwrap_err(), Errno::EINVAL);
        }
        // Attach goes through AF_PACKET.
        let port = backend.attach("vth0", &g).unwrap();
        assert_eq!(port.kind(), NetdevKind::Packet);
        drop(port);
        drop(dev);
        assert!(!ip_link_exists("br0"));
    }

    #[test]
    fn tap_creation_spends_rtnl_work() {
        if !isolated(concat!(module_path!(), "::tap_creation_spends_rtnl_work")) {
            return;
        }
        let backend = TapBackend::new().unwrap();
        let rtnl = Rtnl::new(Duration::from_millis(20));
        let g = rtnl.lock();
        let t = std::time::Instant::now();
        let _dev = backend.create_internal("dp0", &g).unwrap();
        assert!(t.elapsed() >= Duration::from_millis(20));
    }
}
