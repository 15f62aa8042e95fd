//! `USERSPACE` (`validate_userspace`): parsed liberally, stored verbatim.

use genl::{Errno, Policy, PolicyTable};

use super::consts::userspace as us;
use super::nla::parse_nested_liberal;
use super::types::Userspace;

/// `userspace_policy` (ACTIONS has no entry: `NLA_UNSPEC`).
static POLICY: PolicyTable = PolicyTable {
    maxattr: us::MAX,
    entries: &[
        Policy::UNSPEC,
        Policy::U32,    // PID
        Policy::UNSPEC, // USERDATA
        Policy::U32,    // EGRESS_TUN_PORT
        Policy::UNSPEC, // ACTIONS
    ],
};

/// `validate_userspace`: `nla_parse_nested_deprecated` (unknown types and
/// trailing bytes tolerated), then a non-zero PID is required.
pub fn copy_userspace(payload: &[u8]) -> Result<Userspace, Errno> {
    let tb = parse_nested_liberal(payload, &POLICY)?;
    let pid = tb.get(us::PID).and_then(|a| a.u32()).unwrap_or(0);
    if pid == 0 {
        return Err(Errno::EINVAL);
    }
    Ok(Userspace {
        payload: payload.to_vec(),
        pid,
        userdata: tb.get(us::USERDATA).map(|a| a.payload.to_vec()),
        egress_tun_port: tb.get(us::EGRESS_TUN_PORT).and_then(|a| a.u32()),
        actions: tb.has(us::ACTIONS),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use genl::Writer;

    fn nest(f: impl FnOnce(&mut Writer)) -> Vec<u8> {
        let mut w = Writer::new();
        f(&mut w);
        w.take()
    }

    #[test]
    fn pid_required_and_nonzero() {
        let p = nest(|w| w.attr_u32(us::USERDATA, 1));
        assert_eq!(copy_userspace(&p).unwrap_err(), Errno::EINVAL);
        let p = nest(|w| w.attr_u32(us::PID, 0));
        assert_eq!(copy_userspace(&p).unwrap_err(), Errno::EINVAL);
        let p = nest(|w| {
            w.attr_u32(us::PID, 7);
            w.attr(us::USERDATA, b"abc");
            w.attr_flag(us::ACTIONS);
        });
        let u = copy_userspace(&p).unwrap();
        assert_eq!((u.pid, u.actions), (7, true));
        assert_eq!(u.userdata.as_deref(), Some(&b"abc"[..]));
    }

    #[test]
    fn liberal_rules() {
        // unknown type and trailing bytes are accepted
        let mut p = nest(|w| {
            w.attr_u32(us::PID, 7);
            w.attr_u32(9, 1);
        });
        p.extend_from_slice(&[1, 2]);
        assert!(copy_userspace(&p).is_ok());
        // short PID fails the policy
        let p = nest(|w| w.attr_u16(us::PID, 7));
        assert_eq!(copy_userspace(&p).unwrap_err(), Errno::ERANGE);
        // long PID is read from its first four bytes
        let p = nest(|w| w.attr_u64(us::PID, 5));
        assert_eq!(copy_userspace(&p).unwrap().pid, 5);
    }
}
