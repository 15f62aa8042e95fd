//! The flow table: what `flow.c`, `flow_netlink.c` and `flow_table.c` are in
//! the kernel.
//!
//! - [`key`]: [`FlowKey`], the fixed-size key (`struct sw_flow_key`), also
//!   used as a mask; compared and hashed as 8-byte words.
//! - [`mask`]: [`Mask`], a mask with its significant byte range; masked
//!   compare and hash.
//! - [`flow`]: [`Flow`], its identity (UFID or unmasked key), actions and
//!   lock-free statistics.
//! - [`table`]: [`FlowTable`], writers under the table's own mutex, readers
//!   lock-free (the design of the 2026 series).
//! - [`matching`]: keys and masks as netlink attributes.
//! - [`actions`]: action validation and canonical re-serialization.
//! - [`packet`]: [`Packet`], the parts of an skb the data plane uses.
//! - [`extract`]: key extraction from packet bytes (`key_extract`).
//!
//! Nothing here knows about sockets, vports or RTNL.

pub mod actions;
pub mod extract;
pub mod flow;
pub mod key;
pub mod mask;
pub mod mask_cache;
pub mod matching;
pub mod packet;
pub mod table;

pub use flow::{Flow, FlowId, FlowStats, PackedKey, Ufid};
pub use key::FlowKey;
pub use mask::Mask;
pub use packet::{Packet, VlanTag};
pub use table::{FlowTable, LookupStats, MaskEntry, TableGuard};
