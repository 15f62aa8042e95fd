//! ovsd in this process: a [`Core`] served by a [`Listener`] on a Unix
//! socket in a private temporary directory, as `ovsd` itself runs it.

use anyhow::{Context, Result};
use ovsd::core::{Core, CoreConfig, Locking};
use ovsd::transport::Listener;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use vport::Rtnl;

/// How to start an in-process ovsd.
#[derive(Clone, Debug)]
pub struct ServerConfig {
    /// Flow command locking design (`--locking`).
    pub locking: Locking,
    /// Time spent inside RTNL per net device create/destroy (`--rtnl-work`).
    pub rtnl_work: Duration,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            locking: Locking::Decoupled,
            rtnl_work: Duration::ZERO,
        }
    }
}

/// A running in-process ovsd. Its datapaths are destroyed and its socket
/// file removed on drop; the accept thread stays parked in `accept`.
pub struct Server {
    /// The core (for lock statistics).
    pub core: Arc<Core>,
    /// The emulated RTNL (for the contender).
    pub rtnl: Arc<Rtnl>,
    listener: Arc<Listener>,
    dir: PathBuf,
}

/// A fresh private directory under the system temporary directory.
pub fn temp_dir(tag: &str) -> Result<PathBuf> {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    let dir = std::env::temp_dir().join(format!(
        "ovsd-bench-{tag}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    Ok(dir)
}

impl Server {
    /// Starts ovsd with virtual net devices (ifindexes from 2).
    pub fn start(cfg: &ServerConfig) -> Result<Server> {
        let rtnl = Rtnl::new(cfg.rtnl_work);
        let core = Core::new(CoreConfig {
            rtnl: rtnl.clone(),
            backend: Arc::new(vport::VirtualBackend::with_first_ifindex(2)),
            locking: cfg.locking,
            ..CoreConfig::default()
        });
        let dir = temp_dir("ovsd")?;
        let listener = Arc::new(Listener::bind(&dir.join("ovsd.sock"))?);
        let (l, c) = (listener.clone(), core.clone());
        std::thread::Builder::new()
            .name("ovsd-accept".into())
            .spawn(move || l.serve(c))
            .context("starting the accept thread")?;
        Ok(Server {
            core,
            rtnl,
            listener,
            dir,
        })
    }

    /// The socket path clients connect to.
    pub fn path(&self) -> &Path {
        self.listener.path()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.core.shutdown();
        self.listener.remove_file();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
