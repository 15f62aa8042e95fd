//! The few net-device ioctls and syscalls the backends need.
//!
//! Every helper works on the calling thread's network namespace.

use std::ffi::CString;
use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};

use genl::Errno;

use super::ifname;

/// An errno from an `io::Error` (EIO if it has none).
pub(crate) fn errno(e: &io::Error) -> Errno {
    Errno(e.raw_os_error().unwrap_or(libc::EIO))
}

/// A socket to issue `SIOC*IF*` ioctls on.
fn ctl_socket() -> io::Result<OwnedFd> {
    let mut last = io::Error::from_raw_os_error(libc::EAFNOSUPPORT);
    for family in [libc::AF_INET, libc::AF_UNIX] {
        // SAFETY: plain syscall; the result is checked before use.
        let fd = unsafe { libc::socket(family, libc::SOCK_DGRAM | libc::SOCK_CLOEXEC, 0) };
        if fd >= 0 {
            // SAFETY: `fd` is a fresh descriptor that nothing else owns.
            return Ok(unsafe { OwnedFd::from_raw_fd(fd) });
        }
        last = io::Error::last_os_error();
    }
    Err(last)
}

/// A zeroed `ifreq` naming `name`; `ENODEV` if the name cannot exist.
pub(crate) fn ifreq(name: &str) -> io::Result<libc::ifreq> {
    let ifr_name =
        ifname::to_ifr_name(name).ok_or_else(|| io::Error::from_raw_os_error(libc::ENODEV))?;
    // SAFETY: `ifreq` is plain data; all-zero is a valid value.
    let mut ifr: libc::ifreq = unsafe { std::mem::zeroed() };
    ifr.ifr_name = ifr_name;
    Ok(ifr)
}

/// Issues `request` with `ifr` on `fd`.
pub(crate) fn ioctl(
    fd: &impl AsRawFd,
    request: libc::c_ulong,
    ifr: &mut libc::ifreq,
) -> io::Result<()> {
    // SAFETY: every request used here reads or writes one `struct ifreq`,
    // which `ifr` is, for the duration of the call.
    let r = unsafe { libc::ioctl(fd.as_raw_fd(), request as _, ifr as *mut libc::ifreq) };
    if r < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(())
    }
}

/// `ioctl(request)` on a control socket for device `name`.
fn dev_ioctl(
    name: &str,
    request: libc::c_ulong,
    fill: impl FnOnce(&mut libc::ifreq),
) -> io::Result<libc::ifreq> {
    let mut ifr = ifreq(name)?;
    fill(&mut ifr);
    ioctl(&ctl_socket()?, request, &mut ifr)?;
    Ok(ifr)
}

/// The ifindex of `name` (`SIOCGIFINDEX`).
pub(crate) fn ifindex(name: &str) -> io::Result<i32> {
    let ifr = dev_ioctl(name, libc::SIOCGIFINDEX, |_| {})?;
    // SAFETY: SIOCGIFINDEX filled `ifru_ifindex`.
    Ok(unsafe { ifr.ifr_ifru.ifru_ifindex })
}

/// The interface flags of `name` (`SIOCGIFFLAGS`).
pub(crate) fn flags(name: &str) -> io::Result<i32> {
    let ifr = dev_ioctl(name, libc::SIOCGIFFLAGS, |_| {})?;
    // SAFETY: SIOCGIFFLAGS filled `ifru_flags` (16 bits, unsigned in fact).
    Ok(i32::from(unsafe { ifr.ifr_ifru.ifru_flags } as u16))
}

/// Sets the interface flags of `name` (`SIOCSIFFLAGS`).
pub(crate) fn set_flags(name: &str, flags: i32) -> io::Result<()> {
    dev_ioctl(name, libc::SIOCSIFFLAGS, |ifr| {
        ifr.ifr_ifru.ifru_flags = flags as u16 as libc::c_short;
    })
    .map(drop)
}

/// The hardware type (`ARPHRD_*`) and first six address bytes of `name`
/// (`SIOCGIFHWADDR`).
pub(crate) fn hwaddr(name: &str) -> io::Result<(u16, [u8; 6])> {
    let ifr = dev_ioctl(name, libc::SIOCGIFHWADDR, |_| {})?;
    // SAFETY: SIOCGIFHWADDR filled `ifru_hwaddr`.
    let sa = unsafe { ifr.ifr_ifru.ifru_hwaddr };
    let mut mac = [0u8; 6];
    for (m, &b) in mac.iter_mut().zip(sa.sa_data.iter()) {
        *m = b as u8;
    }
    Ok((sa.sa_family, mac))
}

/// Sets the Ethernet address of `name` (`SIOCSIFHWADDR`).
pub(crate) fn set_hwaddr(name: &str, mac: [u8; 6]) -> io::Result<()> {
    dev_ioctl(name, libc::SIOCSIFHWADDR, |ifr| {
        // SAFETY: writing plain data into the union's sockaddr member.
        let sa = unsafe { &mut ifr.ifr_ifru.ifru_hwaddr };
        sa.sa_family = libc::ARPHRD_ETHER;
        for (d, &b) in sa.sa_data.iter_mut().zip(mac.iter()) {
            *d = b as libc::c_char;
        }
    })
    .map(drop)
}

/// Whether a net device called `name` exists (`if_nametoindex`).
pub(crate) fn name_exists(name: &str) -> bool {
    let Ok(c) = CString::new(name) else {
        return false;
    };
    // SAFETY: `c` is a valid NUL-terminated string.
    unsafe { libc::if_nametoindex(c.as_ptr()) != 0 }
}

/// A random locally administered unicast Ethernet address
/// (`eth_random_addr`).
pub(crate) fn random_mac() -> [u8; 6] {
    let mut mac = [0u8; 6];
    let mut filled = 0;
    while filled < mac.len() {
        let rest = &mut mac[filled..];
        // SAFETY: `rest` is valid for writes of `rest.len()` bytes.
        let n = unsafe { libc::getrandom(rest.as_mut_ptr().cast(), rest.len(), 0) };
        if n > 0 {
            filled += n as usize;
        } else if io::Error::last_os_error().kind() != io::ErrorKind::Interrupted {
            // No entropy source: fall back to the clock and the pid.
            let t = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or(0) as u64
                ^ (u64::from(std::process::id()) << 32);
            mac.copy_from_slice(&t.to_le_bytes()[..6]);
            break;
        }
    }
    mac[0] &= 0xfe; // unicast
    mac[0] |= 0x02; // locally administered
    mac
}

/// Writes one frame to a tap or packet socket descriptor without blocking.
pub(crate) fn write_frame(fd: std::os::fd::BorrowedFd<'_>, frame: &[u8]) -> Result<(), Errno> {
    // SAFETY: `frame` is a live buffer of the length passed.
    let n = unsafe { libc::write(fd.as_raw_fd(), frame.as_ptr().cast(), frame.len()) };
    if n < 0 {
        let e = io::Error::last_os_error();
        return Err(match e.raw_os_error() {
            Some(libc::EAGAIN) => Errno::ENOBUFS,
            _ => errno(&e),
        });
    }
    Ok(())
}

/// Reads one frame from a tap or packet socket descriptor without blocking.
pub(crate) fn read_frame(
    fd: std::os::fd::BorrowedFd<'_>,
    buf: &mut [u8],
) -> Result<Option<usize>, Errno> {
    // SAFETY: `buf` is a live, writable buffer of the length passed.
    let n = unsafe { libc::read(fd.as_raw_fd(), buf.as_mut_ptr().cast(), buf.len()) };
    if n < 0 {
        let e = io::Error::last_os_error();
        return match e.raw_os_error() {
            Some(libc::EAGAIN) | Some(libc::EINTR) => Ok(None),
            _ => Err(errno(&e)),
        };
    }
    Ok(Some(n as usize))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_macs_are_local_unicast_and_differ() {
        let a = random_mac();
        let b = random_mac();
        assert_eq!(a[0] & 0x03, 0x02);
        assert_eq!(b[0] & 0x03, 0x02);
        assert_ne!(a, b);
    }

    #[test]
    fn loopback_is_visible_everywhere() {
        // Every network namespace has `lo`; no privilege is needed to look.
        assert!(name_exists("lo"));
        assert!(ifindex("lo").unwrap() > 0);
        assert_ne!(flags("lo").unwrap() & libc::IFF_LOOPBACK, 0);
        assert_eq!(hwaddr("lo").unwrap().0, libc::ARPHRD_LOOPBACK);
        assert!(!name_exists("no-such-dev0"));
        assert!(!name_exists("bad\0name"));
        let e = ifindex("no-such-dev0").unwrap_err();
        assert_eq!(errno(&e), Errno::ENODEV);
        assert_eq!(
            errno(&ifindex("1234567890123456").unwrap_err()),
            Errno::ENODEV
        );
    }
}
