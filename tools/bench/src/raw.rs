//! The raw transport limit: an echo peer that speaks ovsd's socket protocol
//! (`SOCK_SEQPACKET` data socket, control channel passed with `SCM_RIGHTS`,
//! `HELLO`, one `DONE` per datagram) with the same per-connection thread and
//! event loop as ovsd's transport (an `epoll` set of the data socket, the
//! control channel and a wake-up eventfd), but does nothing with the
//! requests.
//! [`ovsd::client::NlSocket`] talks to it unchanged, so a client's send +
//! wait-for-completion round trip costs exactly what it costs against ovsd
//! minus the request processing.

use anyhow::{Context, Result};
use ovsd::transport::frames::{Frame, OP_DONE, OP_HELLO, SETUP_MAGIC, SETUP_VERSION};
use ovsd::transport::sys;
use std::os::fd::{AsRawFd, OwnedFd};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Largest datagram read (as ovsd's transport).
const MAX_REQUEST: usize = 256 * 1024;

/// A running echo peer; its socket file goes on drop.
pub struct EchoPeer {
    path: PathBuf,
    _listener: Arc<OwnedFd>,
}

impl EchoPeer {
    /// Listens on a fresh temporary socket path.
    pub fn start() -> Result<EchoPeer> {
        let path = crate::server::temp_dir("raw")?.join("echo.sock");
        let fd = sys::seqpacket()?;
        sys::bind_listen(&fd, &path).context("binding the echo peer")?;
        let listener = Arc::new(fd);
        let l = listener.clone();
        std::thread::Builder::new()
            .name("echo-accept".into())
            .spawn(move || {
                while let Ok(conn) = sys::accept(&l) {
                    let _ = std::thread::Builder::new()
                        .name("echo-conn".into())
                        .stack_size(256 * 1024)
                        .spawn(move || serve(conn));
                }
            })?;
        Ok(EchoPeer {
            path,
            _listener: listener,
        })
    }

    /// Where clients connect.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for EchoPeer {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
        if let Some(dir) = self.path.parent() {
            let _ = std::fs::remove_dir(dir);
        }
    }
}

/// One connection: handshake, then a `DONE` for every datagram.
fn serve(data: OwnedFd) {
    let mut buf = vec![0u8; MAX_REQUEST];
    let Ok((n, Some(ctl))) = sys::recv_with_fd(data.as_raw_fd(), &mut buf) else {
        return;
    };
    match Frame::decode(&buf[..n.min(buf.len())]) {
        Some(f) if f.op == SETUP_MAGIC && f.a == SETUP_VERSION => {}
        _ => return,
    }
    let Ok(wake) = sys::EventFd::new() else {
        return;
    };
    if sys::send(ctl.as_raw_fd(), &Frame::new(OP_HELLO, 1, 0).encode()).is_err() {
        return;
    }
    let done = Frame::new(OP_DONE, 0, 0).encode();
    let in_ = libc::EPOLLIN as u32;
    let Ok(ep) = sys::Epoll::new(&[
        (data.as_raw_fd(), in_),
        (ctl.as_raw_fd(), in_),
        (wake.raw(), in_),
    ]) else {
        return;
    };
    let mut revents = [0u32; 3];
    loop {
        if ep.wait(&mut revents, -1).is_err() {
            return;
        }
        if revents[1] != 0 {
            // no control requests in a benchmark: a readable control
            // channel means it closed
            return;
        }
        if revents[0] != 0 {
            match sys::recv(data.as_raw_fd(), &mut buf, libc::MSG_DONTWAIT) {
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
                Ok(0) | Err(_) => return,
                Ok(_) => {
                    if sys::send(ctl.as_raw_fd(), &done).is_err() {
                        return;
                    }
                }
            }
        }
    }
}
