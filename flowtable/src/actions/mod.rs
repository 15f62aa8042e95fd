//! Flow actions: validation and canonical re-serialization (`flow_netlink.c`,
//! actions side, and conntrack.c's CT action).
//!
//! - [`copy_actions`] (`ovs_nla_copy_actions`) validates an action list
//!   against the flow's masked key, with the kernel's errnos, and returns
//!   the stored form [`Actions`].
//! - [`put_actions`] (`ovs_nla_put_actions`) writes the stored form back in
//!   the kernel's canonical encoding.
//!
//! Files: [`copy`] walks lists, [`set`] / [`tunnel`] handle SET and
//! SET_MASKED, [`nested`] sample/clone/check_pkt_len/dec_ttl, [`ct`] the
//! conntrack action, [`userspace`], [`psample`], [`nsh`] single actions,
//! [`size`] the kernel's stored sizes (for `-EMSGSIZE`), [`put`] the output.

pub mod consts;
pub mod copy;
pub mod ct;
pub mod nested;
pub mod nla;
pub mod nsh;
pub mod psample;
pub mod put;
pub mod set;
pub mod size;
pub mod tunnel;
pub mod types;
pub mod userspace;

#[cfg(test)]
mod copy_tests;

pub use copy::{copy_actions, copy_actions_for, Dialect};
pub use ct::{CtInfo, NatRange};
pub use put::{put_actions, put_len, put_list};
pub use types::{
    Action, Actions, CheckPktLen, CloneAction, MaskedSet, Psample, PushNsh, Sample, TunnelInfo,
    Userspace,
};
