//! Extended ACK state, as `struct netlink_ext_ack`: a message, the offending
//! attribute's offset and the policy it failed, recorded as data.

use crate::policy::Policy;

/// What the kernel records in `struct netlink_ext_ack` while handling one
/// request. Everything is `'static` or an offset: recording costs nothing.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ExtAck {
    /// `NLMSGERR_ATTR_MSG`: a fixed message (may be set even on success).
    pub msg: Option<&'static str>,
    /// `NLMSGERR_ATTR_OFFS`: offset of the bad attribute from the start of
    /// the request's `nlmsghdr`.
    pub bad_attr: Option<u32>,
    /// `NLMSGERR_ATTR_POLICY`: the policy the attribute failed.
    pub policy: Option<&'static Policy>,
    /// `NLMSGERR_ATTR_MISS_TYPE`: a required attribute that was missing.
    pub miss_type: Option<u32>,
}

impl ExtAck {
    /// `NL_SET_ERR_MSG`.
    pub fn set_msg(&mut self, msg: &'static str) {
        self.msg = Some(msg);
    }

    /// `NL_SET_ERR_MSG_ATTR`.
    pub fn set_attr(&mut self, offset: u32, msg: &'static str) {
        self.msg = Some(msg);
        self.bad_attr = Some(offset);
    }

    /// `NL_SET_ERR_MSG_ATTR_POL`.
    pub fn set_attr_pol(&mut self, offset: u32, policy: &'static Policy, msg: &'static str) {
        self.msg = Some(msg);
        self.bad_attr = Some(offset);
        self.policy = Some(policy);
    }
}
