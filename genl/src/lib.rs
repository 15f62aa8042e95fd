//! The wire layer of ovsd: netlink and generic netlink messages, attributes,
//! the kernel's attribute policies, the `nlctrl` controller family and the
//! Open vSwitch uAPI.
//!
//! Nothing here does I/O or owns threads. Views (`NlMsg`, `GenlHdr`,
//! `AttrIter`) borrow the caller's bytes and never panic after their checked
//! constructors; the [`Writer`] appends messages into a reusable buffer.
//! Errors are values ([`Errno`] plus [`ExtAck`]), never panics.

pub mod ack;
pub mod attr;
pub mod ctrl;
pub mod errno;
pub mod extack;
pub mod genlmsg;
pub mod nlmsg;
pub mod ovs;
pub mod policy;
pub mod writer;

pub use attr::{Attr, AttrIter};
pub use errno::Errno;
pub use extack::ExtAck;
pub use genlmsg::GenlHdr;
pub use nlmsg::NlMsg;
pub use policy::{Attrs, Policy, PolicyTable, Validate};
pub use writer::Writer;
