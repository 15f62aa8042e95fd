//! Where requests go: ovsd's Unix socket (the native client, no preload
//! library) or the running kernel's `AF_NETLINK`/`NETLINK_GENERIC` socket.

use std::io;
use std::mem::{size_of, size_of_val, zeroed};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::path::{Path, PathBuf};

const SOL_NETLINK: i32 = 270;
/// `NETLINK_ADD_MEMBERSHIP`.
pub const NETLINK_ADD_MEMBERSHIP: u32 = 1;

/// One netlink socket, wherever it is served.
pub trait Transport {
    /// Sends one datagram.
    fn send(&mut self, datagram: &[u8]) -> io::Result<()>;
    /// Receives one datagram into `buf`; with `wait` false returns
    /// `WouldBlock` when nothing is queued.
    fn recv(&mut self, buf: &mut [u8], wait: bool) -> io::Result<usize>;
    /// The socket's port id.
    fn portid(&self) -> u32;
    /// Joins multicast group `group`.
    fn join(&mut self, group: u32) -> io::Result<()>;
    /// A short name of the target for messages (`ovsd` or `kernel`).
    fn name(&self) -> &'static str;
}

/// A netlink socket served by ovsd (`ovsd::client::NlSocket`).
pub struct OvsdSocket(ovsd::client::NlSocket);

impl OvsdSocket {
    /// Connects to the ovsd listening at `path`.
    pub fn connect(path: &Path) -> io::Result<OvsdSocket> {
        ovsd::client::NlSocket::connect(path).map(OvsdSocket)
    }
}

impl Transport for OvsdSocket {
    fn send(&mut self, datagram: &[u8]) -> io::Result<()> {
        self.0.send(datagram)
    }
    fn recv(&mut self, buf: &mut [u8], wait: bool) -> io::Result<usize> {
        self.0.recv(buf, wait)
    }
    fn portid(&self) -> u32 {
        self.0.portid()
    }
    fn join(&mut self, group: u32) -> io::Result<()> {
        self.0.setsockopt(NETLINK_ADD_MEMBERSHIP, group)
    }
    fn name(&self) -> &'static str {
        "ovsd"
    }
}

/// A bound `AF_NETLINK`/`NETLINK_GENERIC` socket on the running kernel.
pub struct KernelSocket {
    fd: OwnedFd,
    portid: u32,
}

impl KernelSocket {
    /// Opens and autobinds the socket.
    pub fn open() -> io::Result<KernelSocket> {
        // SAFETY: plain syscalls on a descriptor this function owns; the
        // sockaddr buffers live for the calls and their sizes are passed.
        unsafe {
            let fd = libc::socket(
                libc::AF_NETLINK,
                libc::SOCK_RAW | libc::SOCK_CLOEXEC,
                libc::NETLINK_GENERIC,
            );
            if fd < 0 {
                return Err(io::Error::last_os_error());
            }
            let fd = OwnedFd::from_raw_fd(fd);
            let mut sa: libc::sockaddr_nl = zeroed();
            sa.nl_family = libc::AF_NETLINK as u16;
            let len = size_of::<libc::sockaddr_nl>() as libc::socklen_t;
            if libc::bind(
                fd.as_raw_fd(),
                &sa as *const _ as *const libc::sockaddr,
                len,
            ) < 0
            {
                return Err(io::Error::last_os_error());
            }
            let mut got = len;
            let p = &mut sa as *mut _ as *mut libc::sockaddr;
            if libc::getsockname(fd.as_raw_fd(), p, &mut got) < 0 {
                return Err(io::Error::last_os_error());
            }
            let one: u32 = 1;
            // NETLINK_EXT_ACK (11): best effort, for nicer errors.
            libc::setsockopt(
                fd.as_raw_fd(),
                SOL_NETLINK,
                11,
                &one as *const u32 as *const libc::c_void,
                size_of_val(&one) as libc::socklen_t,
            );
            Ok(KernelSocket {
                fd,
                portid: sa.nl_pid,
            })
        }
    }
}

impl Transport for KernelSocket {
    fn send(&mut self, d: &[u8]) -> io::Result<()> {
        // SAFETY: a zeroed sockaddr_nl (the kernel, pid 0) and a live buffer.
        let rc = unsafe {
            let mut sa: libc::sockaddr_nl = zeroed();
            sa.nl_family = libc::AF_NETLINK as u16;
            libc::sendto(
                self.fd.as_raw_fd(),
                d.as_ptr() as *const libc::c_void,
                d.len(),
                0,
                &sa as *const _ as *const libc::sockaddr,
                size_of::<libc::sockaddr_nl>() as libc::socklen_t,
            )
        };
        if rc < 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(())
    }

    fn recv(&mut self, buf: &mut [u8], wait: bool) -> io::Result<usize> {
        let flags = if wait { 0 } else { libc::MSG_DONTWAIT };
        // SAFETY: `buf` is valid for `buf.len()` bytes.
        let n = unsafe {
            libc::recv(
                self.fd.as_raw_fd(),
                buf.as_mut_ptr() as *mut libc::c_void,
                buf.len(),
                flags,
            )
        };
        if n < 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(n as usize)
    }

    fn portid(&self) -> u32 {
        self.portid
    }

    fn join(&mut self, group: u32) -> io::Result<()> {
        // SAFETY: `group` outlives the call; its size is passed.
        let rc = unsafe {
            libc::setsockopt(
                self.fd.as_raw_fd(),
                SOL_NETLINK,
                NETLINK_ADD_MEMBERSHIP as i32,
                &group as *const u32 as *const libc::c_void,
                size_of_val(&group) as libc::socklen_t,
            )
        };
        if rc < 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(())
    }

    fn name(&self) -> &'static str {
        "kernel"
    }
}

/// Which target the user asked for.
#[derive(Debug, Clone)]
pub enum Choice {
    /// `--kernel`: only the kernel.
    Kernel,
    /// The ovsd socket at this path, else the kernel when no ovsd answers.
    Ovsd(PathBuf),
}

impl Choice {
    /// `--kernel` wins; else `--socket`, `$OVSD_SOCKET`, the default path
    /// (the daemon's own rule, `ovsd::config::default_socket_path`).
    pub fn from_args(kernel: bool, socket: Option<PathBuf>) -> Choice {
        if kernel {
            Choice::Kernel
        } else {
            Choice::Ovsd(socket.unwrap_or_else(ovsd::config::default_socket_path))
        }
    }

    /// Opens one socket on the chosen target. Without `--kernel`, an ovsd
    /// that does not answer (no socket file, refused) means the kernel.
    pub fn open(&self) -> io::Result<Box<dyn Transport>> {
        match self {
            Choice::Kernel => Ok(Box::new(KernelSocket::open()?)),
            Choice::Ovsd(path) => match OvsdSocket::connect(path) {
                Ok(s) => Ok(Box::new(s)),
                Err(e) if no_daemon(&e) => Ok(Box::new(KernelSocket::open()?)),
                Err(e) => Err(e),
            },
        }
    }
}

fn no_daemon(e: &io::Error) -> bool {
    matches!(
        e.raw_os_error(),
        Some(libc::ENOENT) | Some(libc::ECONNREFUSED) | Some(libc::ENOTDIR)
    )
}
