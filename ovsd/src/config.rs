//! Command line and defaults.

use clap::Parser;
use std::path::PathBuf;

/// ovsd: the Open vSwitch kernel datapath as a userspace daemon.
#[derive(Debug, Parser)]
#[command(name = "ovsd", version, about)]
pub struct Args {
    /// Socket to serve. Default: $OVSD_SOCKET, else /run/ovsd/ovsd.sock for
    /// root, else $XDG_RUNTIME_DIR/ovsd.sock.
    #[arg(long, value_name = "PATH")]
    pub socket: Option<PathBuf>,

    /// Which kernel's family ids, multicast group ids and attribute maxima
    /// to present: 6.12 (default) or 6.1.
    #[arg(long, value_name = "VERSION", default_value = "6.12", value_parser = parse_kernel)]
    pub kernel_version: genl::ovs::KernelVersion,
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
