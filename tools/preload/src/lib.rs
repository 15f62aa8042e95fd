//! `libovsd_preload.so`: an `LD_PRELOAD` library that moves a process's
//! `AF_NETLINK`/`NETLINK_GENERIC` sockets to the ovsd daemon.
//!
//! `socket(AF_NETLINK, SOCK_RAW|SOCK_DGRAM, NETLINK_GENERIC)` returns an
//! `AF_UNIX`/`SOCK_SEQPACKET` connection to ovsd (the data channel) and keeps a
//! private control channel next to it, as `docs/protocol.md` describes. Every
//! socket call on such a descriptor is emulated with netlink semantics; every
//! other descriptor goes straight to the next (normally glibc's) definition.
//!
//! Module map:
//! - [`real`]: the next definitions of the interposed functions;
//! - [`state`]: the per-fd table and the per-socket state;
//! - [`frame`], [`addr`]: control frames and `sockaddr_nl` (pure code);
//! - [`daemon`]: connecting to ovsd and control-channel round trips;
//! - [`socket`], [`sockopt`], [`send`], [`recv`], [`fdops`]: the exported
//!   C entry points;
//! - [`util`]: errno, panic guard and iovec helpers.

#![warn(missing_docs)]

pub mod addr;
pub mod daemon;
pub mod fdops;
pub mod frame;
pub mod real;
pub mod recv;
pub mod send;
pub mod socket;
pub mod sockopt;
pub mod state;
pub mod util;
