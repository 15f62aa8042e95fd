//! Raw `AF_UNIX`/`SOCK_SEQPACKET` sockets: ovsd's transport, as seen from
//! the test process.

use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

fn address(path: &Path) -> io::Result<libc::sockaddr_un> {
    let bytes = path.as_os_str().as_bytes();
    // SAFETY: sockaddr_un is plain data, valid when zeroed.
    let mut addr: libc::sockaddr_un = unsafe { std::mem::zeroed() };
    if bytes.len() >= addr.sun_path.len() {
        return Err(io::Error::from_raw_os_error(libc::ENAMETOOLONG));
    }
    addr.sun_family = libc::AF_UNIX as libc::sa_family_t;
    for (dst, src) in addr.sun_path.iter_mut().zip(bytes) {
        *dst = *src as libc::c_char;
    }
    Ok(addr)
}

fn seqpacket_socket() -> io::Result<OwnedFd> {
    // SAFETY: plain socket call; the fd is owned right away.
    let fd = unsafe { libc::socket(libc::AF_UNIX, libc::SOCK_SEQPACKET | libc::SOCK_CLOEXEC, 0) };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: fd is a fresh descriptor nobody else owns.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

fn check(rc: libc::c_int) -> io::Result<()> {
    if rc == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

const ADDR_LEN: libc::socklen_t = std::mem::size_of::<libc::sockaddr_un>() as libc::socklen_t;

/// Connects a `SOCK_SEQPACKET` socket to `path`, the way a client reaches
/// ovsd. Nothing is sent.
pub fn seqpacket_connect(path: &Path) -> io::Result<OwnedFd> {
    let addr = address(path)?;
    let fd = seqpacket_socket()?;
    // SAFETY: addr is a valid sockaddr_un of ADDR_LEN bytes.
    check(unsafe {
        libc::connect(
            fd.as_raw_fd(),
            &addr as *const libc::sockaddr_un as *const libc::sockaddr,
            ADDR_LEN,
        )
    })?;
    Ok(fd)
}

/// Binds and listens a `SOCK_SEQPACKET` socket at `path`. Closing the
/// returned descriptor leaves a dead socket file behind, as a crashed
/// daemon would.
pub fn seqpacket_listen(path: &Path) -> io::Result<OwnedFd> {
    let addr = address(path)?;
    let fd = seqpacket_socket()?;
    // SAFETY: addr is a valid sockaddr_un of ADDR_LEN bytes.
    check(unsafe {
        libc::bind(
            fd.as_raw_fd(),
            &addr as *const libc::sockaddr_un as *const libc::sockaddr,
            ADDR_LEN,
        )
    })?;
    // SAFETY: plain listen on an owned socket.
    check(unsafe { libc::listen(fd.as_raw_fd(), 8) })?;
    Ok(fd)
}
