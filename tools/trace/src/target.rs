//! Where requests go: ovsd's core in this process, or a running ovsd over
//! its socket. Both look like the two netlink sockets of a recording: the
//! main socket and a monitor socket for multicast groups.

use anyhow::{bail, Context, Result};
use genl::ovs::KernelVersion;
use ovsd::client::NlSocket;
use ovsd::core::{Core, CoreConfig, Creds, Outbox, Sink, Socket};
use std::io::ErrorKind;
use std::path::Path;
use std::sync::{Arc, Mutex};

/// `SOL_NETLINK` option numbers by the names traces use.
pub fn option_number(name: &str) -> Option<u32> {
    match name {
        "ext_ack" => Some(11),
        "cap_ack" => Some(10),
        _ => None,
    }
}

/// What one exchange brought back: the datagrams of the main socket and
/// those of the monitor socket.
pub type Received = (Vec<Vec<u8>>, Vec<Vec<u8>>);

/// A pair of netlink sockets on some ovsd.
pub trait Target {
    /// The main socket's port id.
    fn portid(&self) -> u32;
    /// The monitor socket's port id.
    fn monpid(&self) -> u32;
    /// Sets a `SOL_NETLINK` option on the main socket.
    fn setsockopt(&mut self, opt: u32, value: u32) -> Result<()>;
    /// Joins a multicast group on the monitor socket.
    fn join(&mut self, group: u32) -> Result<()>;
    /// Sends a datagram; returns the datagrams the main socket then received
    /// (the whole dump for a dump) and those the monitor socket received.
    fn exchange(&mut self, datagram: &[u8]) -> Result<Received>;
    /// What the trace's `kernel` line says about the target.
    fn describe(&self) -> String {
        "ovsd".into()
    }
    /// The receive buffer size, where the target has one.
    fn rcvlen(&self) -> Option<u32> {
        None
    }
    /// Sets the receive buffer size (`option rcvlen`); ignored by default.
    fn set_rcvlen(&mut self, _n: u32) {}
    /// Sets how long to wait for an ack or `DONE` (`option wait_ms`).
    fn set_wait(&mut self, _ms: u32) {}
    /// The ifindex of a device by name, where the target has devices of
    /// its own; `None` lets the recorder ask with a vport GET.
    fn ifindex(&mut self, _name: &str) -> Option<u32> {
        None
    }
    /// Waits `ms` milliseconds; returns what arrived on either socket.
    fn wait(&mut self, _ms: u32) -> Result<Received> {
        Ok((Vec::new(), Vec::new()))
    }
    /// Sends an Ethernet frame out of device `ifname`; returns what the
    /// sockets then received (upcalls).
    fn inject(&mut self, ifname: &str, _frame: &[u8]) -> Result<Received> {
        bail!("inject on {ifname}: not supported by this target")
    }
}

/// Collects what a socket receives by multicast.
#[derive(Default)]
struct Collect(Mutex<Vec<Vec<u8>>>);

impl Sink for Collect {
    fn deliver(&self, d: &[u8]) -> bool {
        self.0.lock().unwrap().push(d.to_vec());
        true
    }
}

/// ovsd's core in this process, with the virtual net device backend.
pub struct InProcess {
    core: Arc<Core>,
    sock: Socket,
    /// What the main socket received other than replies (upcalls).
    inbox: Arc<Collect>,
    monitor: Socket,
    monitor_inbox: Arc<Collect>,
    out: Outbox,
}

impl InProcess {
    /// A fresh core emulating `kernel`; devices are numbered from
    /// `first_ifindex`, the main socket is opened for process id `pid` (so
    /// its port id is the recording's) and the monitor for a process id no scenario uses as a literal.
    pub fn new(kernel: KernelVersion, first_ifindex: i32, pid: u32) -> Self {
        let core = Core::new(CoreConfig {
            kernel,
            backend: Arc::new(vport::VirtualBackend::with_first_ifindex(first_ifindex)),
            // the recordings' VMs have one CPU (the oracle boots with -smp 1)
            nr_cpu_ids: Some(1),
            ..CoreConfig::default()
        });
        let creds = Creds {
            pid,
            uid: 0,
            gid: 0,
        };
        let inbox = Arc::new(Collect::default());
        let sock = core.open_socket(creds, inbox.clone());
        let monitor_inbox = Arc::new(Collect::default());
        let monitor = core.open_socket(
            Creds {
                pid: 3_999_999,
                ..creds
            },
            monitor_inbox.clone(),
        );
        InProcess {
            core,
            sock,
            inbox,
            monitor,
            monitor_inbox,
            out: Outbox::new(),
        }
    }
}

impl Target for InProcess {
    fn portid(&self) -> u32 {
        self.sock.portid()
    }

    fn monpid(&self) -> u32 {
        self.monitor.portid()
    }

    fn setsockopt(&mut self, opt: u32, value: u32) -> Result<()> {
        self.core
            .setsockopt(&mut self.sock, opt, value)
            .map_err(|e| anyhow::anyhow!("setsockopt {opt}: {e:?}"))
    }

    fn join(&mut self, group: u32) -> Result<()> {
        self.core
            .setsockopt(&mut self.monitor, 1, group)
            .map_err(|e| anyhow::anyhow!("join {group}: {e:?}"))
    }

    fn exchange(&mut self, datagram: &[u8]) -> Result<Received> {
        self.out.clear();
        self.core.process(&mut self.sock, datagram, &mut self.out);
        while self.core.dump_pending(&self.sock) {
            self.core.dump_next(&mut self.sock, &mut self.out);
        }
        // upcalls queued while the request ran come before its reply
        let mut got = std::mem::take(&mut *self.inbox.0.lock().unwrap());
        got.extend(self.out.datagrams().map(<[u8]>::to_vec));
        let mcast = std::mem::take(&mut *self.monitor_inbox.0.lock().unwrap());
        Ok((got, mcast))
    }

    fn inject(&mut self, ifname: &str, frame: &[u8]) -> Result<Received> {
        if !self.core.inject(ifname, frame) {
            bail!("inject on {ifname}: no such vport");
        }
        let got = std::mem::take(&mut *self.inbox.0.lock().unwrap());
        let mcast = std::mem::take(&mut *self.monitor_inbox.0.lock().unwrap());
        Ok((got, mcast))
    }
}

/// A running ovsd, through its Unix socket.
pub struct Remote {
    sock: NlSocket,
    monitor: NlSocket,
}

impl Remote {
    /// Opens the main and the monitor socket on the ovsd at `path`.
    pub fn connect(path: &Path) -> Result<Self> {
        let sock =
            NlSocket::connect(path).with_context(|| format!("connect {}", path.display()))?;
        let monitor = NlSocket::connect(path)?;
        Ok(Remote { sock, monitor })
    }
}

/// Reads every datagram queued on `s` (and the rest of a running dump).
fn drain(s: &mut NlSocket) -> Result<Vec<Vec<u8>>> {
    let mut out = Vec::new();
    let mut buf = vec![0u8; 1 << 17];
    loop {
        match s.recv(&mut buf, false) {
            Ok(n) => out.push(buf[..n].to_vec()),
            Err(e) if e.kind() == ErrorKind::WouldBlock => return Ok(out),
            Err(e) if e.kind() == ErrorKind::TimedOut => bail!("ovsd did not finish a dump"),
            Err(e) => return Err(e.into()),
        }
    }
}

impl Target for Remote {
    fn portid(&self) -> u32 {
        self.sock.portid()
    }

    fn monpid(&self) -> u32 {
        self.monitor.portid()
    }

    fn setsockopt(&mut self, opt: u32, value: u32) -> Result<()> {
        Ok(self.sock.setsockopt(opt, value)?)
    }

    fn join(&mut self, group: u32) -> Result<()> {
        Ok(self.monitor.setsockopt(1, group)?)
    }

    fn exchange(&mut self, datagram: &[u8]) -> Result<Received> {
        self.sock.send(datagram)?;
        let got = drain(&mut self.sock)?;
        let mcast = drain(&mut self.monitor)?;
        Ok((got, mcast))
    }
}
