//! Command line and defaults.

use crate::core::Locking;
use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::time::Duration;

/// ovsd: the Open vSwitch kernel datapath as a userspace daemon.
#[derive(Debug, Parser)]
#[command(name = "ovsd", version, about)]
pub struct Args {
    /// Socket to serve (or, with a subcommand, to talk to). Default:
    /// $OVSD_SOCKET, else /run/ovsd/ovsd.sock for root, else
    /// $XDG_RUNTIME_DIR/ovsd.sock.
    #[arg(long, value_name = "PATH", global = true)]
    pub socket: Option<PathBuf>,

    /// Which kernel's family ids, multicast group ids and attribute maxima
    /// to present: 6.12 (default) or 6.1.
    #[arg(long, value_name = "VERSION", default_value = "6.12", value_parser = parse_kernel)]
    pub kernel_version: genl::ovs::KernelVersion,

    /// Locking design of flow commands: `decoupled` (after the 2026 series:
    /// only the flow table's mutex) or `legacy` (the global ovs_mutex).
    #[arg(long, value_enum, default_value = "decoupled")]
    pub locking: LockingArg,

    /// Time spent inside RTNL per net device create/destroy (e.g. 2s, 50ms).
    #[arg(long, value_name = "DURATION", default_value = "0", value_parser = vport::parse_duration)]
    pub rtnl_work: Duration,

    /// A background holder of RTNL, as a busy host has: hold it for HOLD
    /// every PERIOD (e.g. 50ms/100ms).
    #[arg(long, value_name = "HOLD/PERIOD", value_parser = vport::parse_hold_period)]
    pub rtnl_contention: Option<(Duration, Duration)>,

    /// Where vports' net devices come from: `tap` (real TAP devices and
    /// AF_PACKET attachment; needs root and /dev/net/tun) or `virtual` (no
    /// kernel net devices). Default: tap when possible, else virtual.
    #[arg(long, value_enum)]
    pub netdev: Option<NetdevArg>,

    /// Group owning the socket file (name or number); with
    /// `--socket-mode 0660` its members may connect.
    #[arg(long, value_name = "GROUP")]
    pub socket_group: Option<String>,

    /// Mode of the socket file, octal. Connecting needs write permission, so
    /// the default 0600 lets only ovsd's own user in. Who may then change the
    /// datapath is decided per peer, as the kernel does: NEW/DEL/SET need
    /// CAP_NET_ADMIN (or, for an ovsd without it, ovsd's own uid).
    #[arg(long, value_name = "MODE", default_value = "0600", value_parser = parse_mode)]
    pub socket_mode: u32,

    /// Inject a fault (repeatable): FAMILY:CMD:errno=ENAME|N fails the
    /// command; FAMILY:CMD:delay=DURATION spends that long inside its
    /// critical section. CMD: new, del, get, set, execute, a number, or *.
    /// Example: --fault ovs_flow:new:errno=ENOSPC --fault ovs_vport:*:delay=200ms
    #[arg(long, value_name = "RULE")]
    pub fault: Vec<crate::core::faults::FaultRule>,

    /// Write the module's kernel log lines ("openvswitch: netlink: Flow
    /// actions may not be safe on all matching packets.", ...) to
    /// /dev/kmsg, as the kernel module logs them; needs root. Off by default.
    #[arg(long)]
    pub kmsg: bool,

    /// What to do instead of serving.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Subcommands that talk to a running ovsd.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print the lock instrumentation of a running ovsd (ovs_mutex, RTNL:
    /// acquisitions, wait and hold time percentiles in ns) as JSON.
    Stats,
}

/// `--locking` values.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum LockingArg {
    /// Flow commands take only their table's mutex.
    Decoupled,
    /// Flow commands take the global ovs_mutex.
    Legacy,
}

impl From<LockingArg> for Locking {
    fn from(l: LockingArg) -> Locking {
        match l {
            LockingArg::Decoupled => Locking::Decoupled,
            LockingArg::Legacy => Locking::Legacy,
        }
    }
}

/// `--netdev` values.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum NetdevArg {
    /// TAP devices for internal ports, AF_PACKET for netdev ports.
    Tap,
    /// No kernel net devices.
    Virtual,
}

fn parse_mode(s: &str) -> Result<u32, String> {
    u32::from_str_radix(s.trim_start_matches("0o"), 8)
        .ok()
        .filter(|m| *m <= 0o7777)
        .ok_or_else(|| format!("bad mode {s:?} (octal, e.g. 0660)"))
}

/// Resolves a group name or number to a gid.
pub fn group_id(name: &str) -> Result<u32, String> {
    if let Ok(n) = name.parse() {
        return Ok(n);
    }
    nix::unistd::Group::from_name(name)
        .ok()
        .flatten()
        .map(|g| g.gid.as_raw())
        .ok_or_else(|| format!("unknown group {name:?}"))
}

fn parse_kernel(s: &str) -> Result<genl::ovs::KernelVersion, String> {
    match s {
        "6.12" => Ok(genl::ovs::KernelVersion::V6_12),
        "6.1" => Ok(genl::ovs::KernelVersion::V6_1),
        _ => Err(format!("unknown kernel version {s:?} (known: 6.12, 6.1)")),
    }
}

/// The socket path clients and ovsd agree on when none is given:
/// `$OVSD_SOCKET`, else `/run/ovsd/ovsd.sock` for root, else
/// `$XDG_RUNTIME_DIR/ovsd.sock` (or `/tmp/ovsd-$UID.sock` without it).
pub fn default_socket_path() -> PathBuf {
    if let Some(p) = std::env::var_os("OVSD_SOCKET").filter(|p| !p.is_empty()) {
        return PathBuf::from(p);
    }
    // SAFETY: geteuid cannot fail.
    let uid = unsafe { libc::geteuid() };
    if uid == 0 {
        return PathBuf::from("/run/ovsd/ovsd.sock");
    }
    match std::env::var_os("XDG_RUNTIME_DIR").filter(|p| !p.is_empty()) {
        Some(dir) => PathBuf::from(dir).join("ovsd.sock"),
        None => PathBuf::from(format!("/tmp/ovsd-{uid}.sock")),
    }
}
