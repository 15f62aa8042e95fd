//! ovsd's Unix socket: the listener and one thread per connection (requests
//! run in the sender's context, as in the kernel, where every OVS family is
//! `parallel_ops`). The protocol is `docs/protocol.md`.

mod conn;
pub mod frames;
mod outq;
pub mod privilege;
pub mod sys;

use crate::core::Core;
use std::io;
use std::os::fd::OwnedFd;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use thiserror::Error;
use tracing::{info, warn};

/// Why ovsd could not start listening.
#[derive(Debug, Error)]
pub enum ListenError {
    /// Another ovsd is serving this socket already.
    #[error("another ovsd is already serving {0} (refusing to start)")]
    InUse(PathBuf),
    /// The path exists and is not a socket; it is left alone.
    #[error("{0} exists and is not a socket (refusing to replace it)")]
    NotASocket(PathBuf),
    /// Creating, binding or listening failed.
    #[error("cannot listen on {path}: {source}")]
    Io {
        /// The socket path.
        path: PathBuf,
        /// The OS error.
        source: io::Error,
    },
}

/// A bound listening socket; the file is removed when this is dropped.
pub struct Listener {
    fd: OwnedFd,
    path: PathBuf,
}

impl Listener {
    /// Binds `path`: a live ovsd there makes this fail with
    /// [`ListenError::InUse`]; a stale socket file is replaced.
    pub fn bind(path: &Path) -> Result<Listener, ListenError> {
        let io_err = |source| ListenError::Io {
            path: path.to_path_buf(),
            source,
        };
        if let Some(dir) = path.parent() {
            if !dir.as_os_str().is_empty() {
                std::fs::create_dir_all(dir).map_err(io_err)?;
            }
        }
        match std::fs::symlink_metadata(path) {
            Ok(meta) => {
                use std::os::unix::fs::FileTypeExt;
                if !meta.file_type().is_socket() {
                    return Err(ListenError::NotASocket(path.to_path_buf()));
                }
                let probe = sys::seqpacket().map_err(io_err)?;
                if sys::connect(&probe, path).is_ok() {
                    return Err(ListenError::InUse(path.to_path_buf()));
                }
                warn!(path = %path.display(), "replacing stale socket file");
                std::fs::remove_file(path).map_err(io_err)?;
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(io_err(e)),
        }
        let fd = sys::seqpacket().map_err(io_err)?;
        sys::bind_listen(&fd, path).map_err(io_err)?;
        Ok(Listener {
            fd,
            path: path.to_path_buf(),
        })
    }

    /// Sets the socket file's group and mode (`--socket-group`,
    /// `--socket-mode`): who may connect at all.
    pub fn set_access(&self, group: Option<u32>, mode: u32) -> io::Result<()> {
        use std::os::unix::fs::PermissionsExt;
        if let Some(gid) = group {
            std::os::unix::fs::chown(&self.path, None, Some(gid))?;
        }
        std::fs::set_permissions(&self.path, std::fs::Permissions::from_mode(mode))
    }

    /// The socket path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Accepts connections forever, one thread each.
    pub fn serve(&self, core: Arc<Core>) -> io::Result<()> {
        info!(path = %self.path.display(), "serving");
        loop {
            let conn = match sys::accept(&self.fd) {
                Ok(c) => c,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e)
                    if matches!(
                        e.raw_os_error(),
                        Some(libc::EMFILE | libc::ENFILE | libc::ECONNABORTED)
                    ) =>
                {
                    warn!("accept: {e}");
                    std::thread::sleep(std::time::Duration::from_millis(10));
                    continue;
                }
                Err(e) => return Err(e),
            };
            let core = core.clone();
            let spawned = std::thread::Builder::new()
                .name("ovsd-conn".into())
                .stack_size(256 * 1024)
                .spawn(move || {
                    let _live = LiveConnection::enter();
                    conn::serve(core, conn)
                });
            if let Err(e) = spawned {
                warn!("cannot start a connection thread: {e}");
            }
        }
    }

    /// Removes the socket file (at shutdown).
    pub fn remove_file(&self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Connections being served.
static LIVE: AtomicUsize = AtomicUsize::new(0);

/// Counts one connection thread while it lives. When the last one ends, the
/// memory its threads freed goes back to the system (`malloc_trim`): glibc
/// otherwise keeps it in per-thread arenas, and a burst of a thousand
/// clients would leave ovsd's resident size at its peak.
struct LiveConnection;

impl LiveConnection {
    fn enter() -> LiveConnection {
        LIVE.fetch_add(1, Ordering::Relaxed);
        LiveConnection
    }
}

impl Drop for LiveConnection {
    fn drop(&mut self) {
        if LIVE.fetch_sub(1, Ordering::AcqRel) == 1 {
            // SAFETY: malloc_trim takes a plain integer and only touches
            // the allocator's own state.
            unsafe { libc::malloc_trim(0) };
        }
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        self.remove_file();
    }
}
