//! Sending an Ethernet frame out of a network device with an `AF_PACKET`
//! socket, so that it enters the datapath the device is a port of.

use anyhow::{bail, Result};
use std::ffi::CString;
use std::io::Error;
use std::mem::{size_of, zeroed};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};

/// Sends `frame` (destination MAC first) on the device `ifname`.
pub fn send_frame(ifname: &str, frame: &[u8]) -> Result<()> {
    let name = CString::new(ifname)?;
    // SAFETY: a NUL-terminated name.
    let ifindex = unsafe { libc::if_nametoindex(name.as_ptr()) };
    if ifindex == 0 {
        bail!("no device {ifname}");
    }
    // SAFETY: plain syscalls on a descriptor owned here, with live buffers.
    unsafe {
        let fd = libc::socket(libc::AF_PACKET, libc::SOCK_RAW | libc::SOCK_CLOEXEC, 0);
        if fd < 0 {
            bail!("socket(AF_PACKET): {}", Error::last_os_error());
        }
        let fd = OwnedFd::from_raw_fd(fd);
        let mut sa: libc::sockaddr_ll = zeroed();
        sa.sll_family = libc::AF_PACKET as u16;
        sa.sll_ifindex = ifindex as i32;
        sa.sll_halen = 6;
        let n = frame.len().min(6);
        sa.sll_addr[..n].copy_from_slice(&frame[..n]);
        let rc = libc::sendto(
            fd.as_raw_fd(),
            frame.as_ptr() as *const libc::c_void,
            frame.len(),
            0,
            &sa as *const _ as *const libc::sockaddr,
            size_of::<libc::sockaddr_ll>() as libc::socklen_t,
        );
        if rc < 0 {
            bail!("sendto {ifname}: {}", Error::last_os_error());
        }
    }
    Ok(())
}
