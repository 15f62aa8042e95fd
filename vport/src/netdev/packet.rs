//! `netdev` vports: attaching to an existing interface through AF_PACKET.
//!
//! The interface must exist under exactly that name (`ENODEV`), and be
//! neither loopback nor anything but Ethernet or `ARPHRD_NONE`, nor an
//! internal device (`EINVAL`) — the checks of `ovs_netdev_link`. The port
//! gets an `AF_PACKET`/`SOCK_RAW` socket bound to the interface for all
//! protocols, which puts it in promiscuous mode (`PACKET_MR_PROMISC`
//! membership, undone by the kernel when the socket closes) and ignores the
//! interface's outgoing packets (the kernel's rx handler sees only ingress).
//!
//! Without `CAP_NET_RAW` (socket creation fails with `EPERM`/`EACCES`) the
//! checks still run and the port is attached without a socket: it exists,
//! has the real ifindex and counters, but carries no packets.

use std::collections::VecDeque;
use std::io;
use std::os::fd::{AsFd, BorrowedFd, FromRawFd, OwnedFd};
use std::sync::{Arc, Mutex};

use genl::Errno;

use super::registry::Registry;
use super::{ifname, packet_io, procnet, sys};
use super::{Backend, DevCounters, DevStats, Netdev, NetdevKind};
use crate::rtnl::RtnlGuard;

/// Attaches `netdev` vports to existing interfaces. As a [`Backend`] of its
/// own it cannot create internal devices (`EOPNOTSUPP`).
#[derive(Debug, Default)]
pub struct PacketBackend {
    internal: Option<Arc<Registry>>,
}

impl PacketBackend {
    /// A packet backend that knows of no internal devices.
    pub fn new() -> PacketBackend {
        PacketBackend::default()
    }

    /// A packet backend that refuses to attach the internal devices in
    /// `internal` (`EINVAL`, as the kernel refuses OVS internal devices).
    pub(crate) fn refusing(internal: Arc<Registry>) -> PacketBackend {
        PacketBackend {
            internal: Some(internal),
        }
    }
}

/// `EINVAL` for loopback and for hardware types other than Ethernet and
/// `ARPHRD_NONE` (`ovs_netdev_link`).
fn check_attachable(flags: i32, arphrd: u16) -> Result<(), Errno> {
    if flags & libc::IFF_LOOPBACK != 0
        || (arphrd != libc::ARPHRD_ETHER && arphrd != libc::ARPHRD_NONE)
    {
        return Err(Errno::EINVAL);
    }
    Ok(())
}

fn cvt(r: libc::c_int) -> Result<libc::c_int, Errno> {
    if r < 0 {
        Err(sys::errno(&io::Error::last_os_error()))
    } else {
        Ok(r)
    }
}

fn setsockopt<T>(fd: &OwnedFd, opt: libc::c_int, val: &T) -> Result<(), Errno> {
    use std::os::fd::AsRawFd;
    // SAFETY: `val` points to a live `T` of the size passed.
    cvt(unsafe {
        libc::setsockopt(
            fd.as_raw_fd(),
            libc::SOL_PACKET,
            opt,
            (val as *const T).cast(),
            std::mem::size_of::<T>() as libc::socklen_t,
        )
    })
    .map(drop)
}

/// An AF_PACKET socket bound to `ifindex`, promiscuous; `None` without the
/// privilege to make one.
fn open_socket(name: &str, ifindex: i32) -> Result<Option<OwnedFd>, Errno> {
    use std::os::fd::AsRawFd;
    // Protocol 0 until bound: the socket sees nothing from other interfaces.
    // SAFETY: plain syscall.
    let raw = unsafe {
        libc::socket(
            libc::AF_PACKET,
            libc::SOCK_RAW | libc::SOCK_CLOEXEC | libc::SOCK_NONBLOCK,
            0,
        )
    };
    if raw < 0 {
        let e = io::Error::last_os_error();
        return match e.raw_os_error() {
            Some(libc::EPERM | libc::EACCES) => {
                tracing::warn!(name, "no CAP_NET_RAW: attached without a packet socket");
                Ok(None)
            }
            _ => Err(sys::errno(&e)),
        };
    }
    // SAFETY: `raw` is a fresh descriptor that nothing else owns.
    let fd = unsafe { OwnedFd::from_raw_fd(raw) };
    // SAFETY: all-zero is a valid `sockaddr_ll`.
    let mut sll: libc::sockaddr_ll = unsafe { std::mem::zeroed() };
    sll.sll_family = libc::AF_PACKET as u16;
    sll.sll_protocol = (libc::ETH_P_ALL as u16).to_be();
    sll.sll_ifindex = ifindex;
    // SAFETY: `sll` is a live `sockaddr_ll` of the size passed.
    cvt(unsafe {
        libc::bind(
            fd.as_raw_fd(),
            (&sll as *const libc::sockaddr_ll).cast(),
            std::mem::size_of::<libc::sockaddr_ll>() as libc::socklen_t,
        )
    })?;
    // SAFETY: all-zero is a valid `packet_mreq`.
    let mut mreq: libc::packet_mreq = unsafe { std::mem::zeroed() };
    mreq.mr_ifindex = ifindex;
    mreq.mr_type = libc::PACKET_MR_PROMISC as u16;
    setsockopt(&fd, libc::PACKET_ADD_MEMBERSHIP, &mreq)?;
    // Only ingress, as the kernel's rx handler; older kernels lack it.
    let _ = setsockopt(&fd, libc::PACKET_IGNORE_OUTGOING, &1 as &libc::c_int);
    packet_io::enable(fd.as_fd()).map_err(|e| sys::errno(&e))?;
    Ok(Some(fd))
}

impl PacketBackend {
    fn attach_dev(&self, name: &str) -> Result<PacketDev, Errno> {
        // `dev_get_by_name`: a name that cannot exist is not found.
        if !ifname::is_valid(name) {
            return Err(Errno::ENODEV);
        }
        if self.internal.as_ref().is_some_and(|r| r.contains(name)) {
            return Err(Errno::EINVAL);
        }
        let ifindex = sys::ifindex(name).map_err(|e| sys::errno(&e))?;
        let flags = sys::flags(name).map_err(|e| sys::errno(&e))?;
        let (arphrd, mac) = sys::hwaddr(name).map_err(|e| sys::errno(&e))?;
        check_attachable(flags, arphrd)?;
        let sock = open_socket(name, ifindex)?;
        Ok(PacketDev {
            name: name.to_owned(),
            ifindex,
            mac: if arphrd == libc::ARPHRD_ETHER {
                mac
            } else {
                [0; 6]
            },
            sock,
            pending: Mutex::default(),
        })
    }
}

impl Backend for PacketBackend {
    fn name(&self) -> &'static str {
        "packet"
    }

    fn create_internal(
        &self,
        _name: &str,
        _rtnl: &RtnlGuard<'_>,
    ) -> Result<Arc<dyn Netdev>, Errno> {
        Err(Errno::EOPNOTSUPP)
    }

    fn attach(&self, name: &str, rtnl: &RtnlGuard<'_>) -> Result<Arc<dyn Netdev>, Errno> {
        let dev = self.attach_dev(name)?;
        rtnl.device_work();
        tracing::debug!(
            name,
            ifindex = dev.ifindex,
            socket = dev.sock.is_some(),
            "attached"
        );
        Ok(Arc::new(dev))
    }

    fn exists(&self, name: &str) -> bool {
        sys::name_exists(name) || self.internal.as_ref().is_some_and(|r| r.contains(name))
    }
}

/// An attached interface.
#[derive(Debug)]
struct PacketDev {
    name: String,
    ifindex: i32,
    mac: [u8; 6],
    sock: Option<OwnedFd>,
    /// Packets cut from a GSO frame, not handed over yet.
    pending: Mutex<VecDeque<Vec<u8>>>,
}

impl Netdev for PacketDev {
    fn name(&self) -> &str {
        &self.name
    }

    fn ifindex(&self) -> i32 {
        self.ifindex
    }

    fn kind(&self) -> NetdevKind {
        NetdevKind::Packet
    }

    fn mac(&self) -> [u8; 6] {
        self.mac
    }

    fn stats(&self) -> DevStats {
        procnet::read(&self.name)
    }

    fn io_fd(&self) -> Option<BorrowedFd<'_>> {
        self.sock.as_ref().map(|s| s.as_fd())
    }

    fn counters(&self) -> Option<&DevCounters> {
        None
    }

    fn transmit(&self, frame: &[u8]) -> Result<(), Errno> {
        match &self.sock {
            Some(s) => packet_io::transmit(s.as_fd(), frame),
            None => Ok(()),
        }
    }

    fn receive(&self, buf: &mut [u8]) -> Result<Option<usize>, Errno> {
        let mut pending = self.pending.lock().unwrap_or_else(|e| e.into_inner());
        if pending.is_empty() {
            let Some(s) = &self.sock else {
                return Ok(None);
            };
            match packet_io::receive(s.as_fd(), buf)? {
                None => return Ok(None),
                Some(packet_io::Received::Frame(n)) => return Ok(Some(n)),
                Some(packet_io::Received::Segments(segs)) => pending.extend(segs),
            }
        }
        let Some(seg) = pending.pop_front() else {
            return Ok(None);
        };
        let n = seg.len().min(buf.len());
        buf[..n].copy_from_slice(&seg[..n]);
        Ok(Some(n))
    }
}

impl Drop for PacketDev {
    fn drop(&mut self) {
        // Closing the socket (right after this) leaves promiscuous mode.
        tracing::debug!(name = %self.name, "detached");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rtnl::Rtnl;
    use crate::testns::{ip, isolated};
    use std::time::Duration;

    #[test]
    fn attachable_types() {
        assert_eq!(check_attachable(0, libc::ARPHRD_ETHER), Ok(()));
        assert_eq!(check_attachable(0, libc::ARPHRD_NONE), Ok(()));
        assert_eq!(
            check_attachable(libc::IFF_LOOPBACK, libc::ARPHRD_ETHER),
            Err(Errno::EINVAL)
        );
        assert_eq!(
            check_attachable(0, libc::ARPHRD_LOOPBACK),
            Err(Errno::EINVAL)
        );
        assert_eq!(check_attachable(0, libc::ARPHRD_IPGRE), Err(Errno::EINVAL));
    }

    #[test]
    fn unprivileged_errors() {
        // Lookups fail before any socket is needed.
        let b = PacketBackend::new();
        let rtnl = Rtnl::new(Duration::ZERO);
        let g = rtnl.lock();
        assert_eq!(b.attach("no-such-dev0", &g).unwrap_err(), Errno::ENODEV);
        assert_eq!(b.attach("1234567890123456", &g).unwrap_err(), Errno::ENODEV);
        assert_eq!(b.attach("", &g).unwrap_err(), Errno::ENODEV);
        assert_eq!(b.attach("lo", &g).unwrap_err(), Errno::EINVAL);
        assert_eq!(b.create_internal("x", &g).unwrap_err(), Errno::EOPNOTSUPP);
        assert!(b.exists("lo"));
        assert!(!b.exists("no-such-dev0"));
    }

    /// `promiscuity N` from `ip -d link show dev NAME`.
    fn promiscuity(name: &str) -> u32 {
        let out = ip(&["-d", "link", "show", "dev", name]);
        let mut words = out.split_whitespace();
        words.find(|w| *w == "promiscuity");
        words
            .next()
            .and_then(|n| n.parse().ok())
            .expect("promiscuity")
    }

    #[test]
    fn attach_veth() {
        if !isolated(concat!(module_path!(), "::attach_veth")) {
            return;
        }
        ip(&["link", "add", "ve0", "type", "veth", "peer", "name", "ve1"]);
        ip(&["tuntap", "add", "mode", "tun", "name", "tn0"]);
        let b = PacketBackend::new();
        let rtnl = Rtnl::new(Duration::from_millis(10));
        let g = rtnl.lock();
        assert_eq!(promiscuity("ve0"), 0);
        let t = std::time::Instant::now();
        let dev = b.attach("ve0", &g).unwrap();
        assert!(t.elapsed() >= Duration::from_millis(10));
        assert_eq!(dev.kind(), NetdevKind::Packet);
        assert_eq!(dev.name(), "ve0");
        assert_eq!(dev.ifindex(), sys::ifindex("ve0").unwrap());
        assert_eq!(dev.mac(), sys::hwaddr("ve0").unwrap().1);
        assert!(dev.io_fd().is_some());
        assert_eq!(promiscuity("ve0"), 1);
        assert_eq!(dev.stats(), procnet::read("ve0"));
        // ARPHRD_NONE (a tun device) is attachable too.
        let tun = b.attach("tn0", &g).unwrap();
        assert_eq!(tun.mac(), [0; 6]);
        assert_eq!(b.attach("nope0", &g).unwrap_err(), Errno::ENODEV);
        assert_eq!(b.attach("lo", &g).unwrap_err(), Errno::EINVAL);
        drop(dev);
        assert_eq!(promiscuity("ve0"), 0);
        drop(tun);
    }

    #[test]
    fn attach_without_cap_net_raw() {
        if !isolated(concat!(module_path!(), "::attach_without_cap_net_raw")) {
            return;
        }
        ip(&["link", "add", "ve0", "type", "veth", "peer", "name", "ve1"]);
        // This child process runs only this test: drop root for good.
        // SAFETY: plain syscall wrapper.
        assert_eq!(unsafe { libc::setresuid(65534, 65534, 65534) }, 0);
        let b = PacketBackend::new();
        let rtnl = Rtnl::new(Duration::ZERO);
        let g = rtnl.lock();
        let dev = b.attach("ve0", &g).unwrap();
        assert!(dev.io_fd().is_none());
        assert_eq!(dev.ifindex(), sys::ifindex("ve0").unwrap());
        assert_eq!(promiscuity("ve0"), 0);
        assert_eq!(b.attach("lo", &g).unwrap_err(), Errno::EINVAL);
        assert_eq!(b.attach("nope0", &g).unwrap_err(), Errno::ENODEV);
    }
}
