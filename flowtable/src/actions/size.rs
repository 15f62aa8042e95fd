//! How many bytes each action takes in the kernel's `sw_flow_actions`
//! buffer. The kernel fails a nested action whose stored form exceeds
//! `U16_MAX` bytes with `-EMSGSIZE` (`add_nested_action_end`), and the stored
//! form differs from the request (plain SETs double, CT grows to
//! `struct ovs_conntrack_info`), so the copy code needs these sizes.

use super::types::Action;

/// `NLA_ALIGN`.
pub const fn align4(n: usize) -> usize {
    (n + 3) & !3
}

/// `nla_total_size(payload)`.
pub const fn total(payload: usize) -> usize {
    align4(4 + payload)
}

/// `sizeof(struct ovs_conntrack_info)` on x86_64 with NAT enabled.
pub const CT_INFO_SIZE: usize = 160;
/// `sizeof(struct sample_arg)`.
pub const SAMPLE_ARG_SIZE: usize = 8;
/// `sizeof(struct check_pkt_len_arg)`.
pub const CPL_ARG_SIZE: usize = 4;
/// `sizeof(struct ovs_tunnel_info)` (one pointer).
pub const TUNNEL_INFO_SIZE: usize = 8;
/// Largest stored nest (`add_nested_action_end`).
pub const NEST_MAX: usize = u16::MAX as usize;

/// Bytes a list of actions takes when stored.
pub fn list(actions: &[Action]) -> usize {
    actions.iter().map(action).sum()
}

/// Bytes one action takes when stored.
pub fn action(a: &Action) -> usize {
    match a {
        Action::PopVlan | Action::PopEth | Action::CtClear | Action::PopNsh => 4,
        Action::Output(_)
        | Action::Recirc(_)
        | Action::Trunc(_)
        | Action::Meter(_)
        | Action::Drop(_)
        | Action::PushVlan { .. } => total(4),
        Action::PopMpls(_) => total(2),
        Action::Hash { .. } | Action::PushMpls { .. } | Action::AddMpls { .. } => total(8),
        Action::PushEth { .. } => total(12),
        Action::Userspace(u) => total(u.payload.len()),
        Action::PushNsh(n) => total(n.payload.len()),
        Action::Psample(p) => total(p.payload.len()),
        Action::SetMasked(s) => total(s.raw.len()),
        Action::Set(s) => 4 + total(s.value.len() * 2),
        Action::SetTunnel(_) => 4 + total(TUNNEL_INFO_SIZE),
        Action::Ct(_) => total(CT_INFO_SIZE),
        Action::Sample(s) => sample_nest(&s.actions),
        Action::Clone(c) => clone_nest(&c.actions),
        Action::CheckPktLen(c) => 4 + total(CPL_ARG_SIZE) + 4 + list(&c.le) + 4 + list(&c.gt),
        Action::DecTtl(l) => 4 + 4 + list(l),
    }
}

/// Stored size of a SAMPLE nest around `inner`.
pub fn sample_nest(inner: &[Action]) -> usize {
    4 + total(SAMPLE_ARG_SIZE) + list(inner)
}

/// Stored size of a CLONE nest around `inner`.
pub fn clone_nest(inner: &[Action]) -> usize {
    4 + total(4) + list(inner)
}

/// `add_nested_action_end`: a nest of `len` stored bytes must fit `nla_len`.
pub fn check_nest(len: usize) -> Result<(), genl::Errno> {
    if len > NEST_MAX {
        Err(genl::Errno::EMSGSIZE)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actions::types::MaskedSet;

    #[test]
    fn sizes_match_the_kernel_layout() {
        assert_eq!(action(&Action::Output(1)), 8);
        assert_eq!(action(&Action::PopVlan), 4);
        assert_eq!(action(&Action::PopMpls([0x08, 0])), 8);
        let set = MaskedSet {
            key_type: 4,
            value: vec![0; 12],
            mask: vec![0xff; 12],
            raw: Vec::new(),
        };
        // SET_TO_MASKED header + ETHERNET attr with value and mask
        assert_eq!(action(&Action::Set(set)), 4 + 28);
        assert_eq!(clone_nest(&[Action::Output(1)]), 4 + 8 + 8);
        assert_eq!(sample_nest(&[]), 16);
    }

    #[test]
    fn nest_limit_is_u16() {
        assert!(check_nest(65535).is_ok());
        assert_eq!(check_nest(65536), Err(genl::Errno::EMSGSIZE));
    }
}
