//! A private network namespace for one test.
//!
//! A holder process (`sleep infinity`, started inside a fresh namespace)
//! keeps the namespace alive; the daemon and the clients of a test join it
//! with `setns` before they exec, so they see the same netdevs and nothing of
//! the host's.

use std::fs::File;
use std::io;
use std::os::fd::AsRawFd;
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};

/// A network namespace kept alive by a holder process; dropped with it.
pub struct Netns {
    holder: Child,
    ns: File,
}

impl Netns {
    /// Creates a new network namespace with its loopback device up.
    /// Needs `CAP_SYS_ADMIN` (root).
    pub fn new() -> io::Result<Netns> {
        let mut cmd = Command::new("sleep");
        cmd.arg("infinity")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        // SAFETY: the closure only makes async-signal-safe system calls.
        unsafe {
            cmd.pre_exec(|| {
                die_with_parent()?;
                if libc::unshare(libc::CLONE_NEWNET) != 0 {
                    return Err(io::Error::last_os_error());
                }
                loopback_up()
            });
        }
        let holder = cmd.spawn()?;
        let ns = File::open(format!("/proc/{}/ns/net", holder.id()))?;
        Ok(Netns { holder, ns })
    }

    /// The holder's process id (`ip link set DEV netns PID` moves a device
    /// into this namespace).
    pub fn pid(&self) -> u32 {
        self.holder.id()
    }

    /// Makes `cmd` join this namespace just before it execs.
    pub fn enter_on_spawn(&self, cmd: &mut Command) {
        let fd = self.ns.as_raw_fd();
        // SAFETY: the closure only makes async-signal-safe system calls, and
        // `fd` stays open while `self` lives (the caller spawns before the
        // namespace is dropped).
        unsafe {
            cmd.pre_exec(move || {
                if libc::setns(fd, libc::CLONE_NEWNET) != 0 {
                    return Err(io::Error::last_os_error());
                }
                Ok(())
            });
        }
    }
}

impl Drop for Netns {
    fn drop(&mut self) {
        let _ = self.holder.kill();
        let _ = self.holder.wait();
    }
}

/// Asks for SIGKILL when the spawning thread dies, so that nothing outlives
/// a crashed test run. Async-signal-safe.
pub fn die_with_parent() -> io::Result<()> {
    // SAFETY: prctl(PR_SET_PDEATHSIG) takes plain integers.
    if unsafe { libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) } != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// Sets `IFF_UP` on `lo` in the current namespace. Async-signal-safe.
fn loopback_up() -> io::Result<()> {
    // SAFETY: plain socket and ioctl calls on a zeroed, correctly sized
    // ifreq; the socket is closed on every path.
    unsafe {
        let fd = libc::socket(libc::AF_INET, libc::SOCK_DGRAM | libc::SOCK_CLOEXEC, 0);
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        let mut req: libc::ifreq = std::mem::zeroed();
        for (dst, src) in req.ifr_name.iter_mut().zip(b"lo\0") {
            *dst = *src as libc::c_char;
        }
        let mut rc = libc::ioctl(fd, libc::SIOCGIFFLAGS, &mut req);
        if rc == 0 {
            req.ifr_ifru.ifru_flags |= libc::IFF_UP as libc::c_short;
            rc = libc::ioctl(fd, libc::SIOCSIFFLAGS, &req);
        }
        let err = io::Error::last_os_error();
        libc::close(fd);
        if rc != 0 {
            return Err(err);
        }
    }
    Ok(())
}
