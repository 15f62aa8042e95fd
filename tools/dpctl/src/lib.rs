//! ovsd-dpctl: ovs-dpctl's commands, output and errors, for ovsd (over its
//! Unix socket, natively) and for kernel datapaths (over `AF_NETLINK`).
//!
//! The flow syntax is OVS's datapath flow format (`odp-util`), parsed into
//! and printed from `OVS_KEY_ATTR_*`/`OVS_ACTION_ATTR_*` attributes by
//! [`odp`].

#![warn(missing_docs)]

pub mod commands;
pub mod ctx;
pub mod dpif;
pub mod errors;
pub mod families;
pub mod filter;
pub mod flows;
pub mod json;
pub mod log;
pub mod monitor;
pub mod nl;
pub mod odp;
pub mod packets;
pub mod target;
pub mod upcalls;

/// The program name in error messages.
pub const PROGRAM: &str = "ovsd-dpctl";

/// Prints a failure on stderr as ovs-dpctl does (`PROGRAM: what (errno)`),
/// preceded by its log line and followed by its stdout hint.
pub fn report(f: &errors::Failure) {
    if let Some(b) = &f.before {
        eprintln!("{PROGRAM}: {b}");
    }
    if !f.what.is_empty() {
        eprintln!("{PROGRAM}: {f}");
    }
    if let Some(h) = &f.hint {
        println!("{h}");
    }
}
