//! ovsd: the Open vSwitch kernel datapath's generic netlink families, served
//! by a userspace daemon.
//!
//! - [`core`] is sans-I/O: it takes a socket's datagrams and produces the
//!   datagrams the kernel would have queued (replies, ACKs, dump parts,
//!   multicast notifications). Tests and benchmarks drive it in process.
//! - [`transport`] serves the core on a Unix socket with the protocol of
//!   `docs/protocol.md` (one connection per netlink socket).
//! - [`client`] is the native client side of that protocol.

pub mod client;
pub mod config;
pub mod core;
pub mod transport;
