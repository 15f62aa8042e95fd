//! `PSAMPLE` (`validate_psample`): strict nested parse, stored verbatim.
//! Debian builds `CONFIG_PSAMPLE=m`, so the action is available.

use genl::policy::Kind;
use genl::{Attr, Errno, Policy, PolicyTable};

use super::consts::psample as ps;
use super::nla::parse_nested_strict;
use super::types::Psample;

/// The policy in `validate_psample`.
static POLICY: PolicyTable = PolicyTable {
    maxattr: ps::MAX,
    entries: &[
        Policy::UNSPEC,
        Policy::U32, // GROUP
        Policy {
            kind: Kind::Binary,
            len: ps::COOKIE_MAX_SIZE,
            range: genl::policy::Range::None,
            nested: None,
        }, // COOKIE
    ],
};

/// `validate_psample`: `nla_parse_nested` (strict, `NLA_F_NESTED`
/// required), then GROUP is required.
pub fn copy_psample(a: &Attr<'_>) -> Result<Psample, Errno> {
    let tb = parse_nested_strict(a, &POLICY)?;
    let group = tb.get(ps::GROUP).ok_or(Errno::EINVAL)?;
    Ok(Psample {
        payload: a.payload.to_vec(),
        group: group.u32().unwrap_or(0),
        cookie: tb.get(ps::COOKIE).map(|c| c.payload.to_vec()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actions::consts::act;
    use genl::{AttrIter, Writer};

    fn psample(flag: bool, f: impl FnOnce(&mut Writer)) -> Vec<u8> {
        let mut w = Writer::new();
        let m = if flag {
            w.nest(act::PSAMPLE)
        } else {
            w.nest_noflag(act::PSAMPLE)
        };
        f(&mut w);
        w.nest_end(m);
        w.take()
    }

    fn run(buf: &[u8]) -> Result<Psample, Errno> {
        copy_psample(&AttrIter::new(buf).next().unwrap())
    }

    #[test]
    fn selftest_cases() {
        // "cookie to large": 17 bytes
        let b = psample(true, |w| {
            w.attr_u32(ps::GROUP, 1);
            w.attr(
                ps::COOKIE,
                &[
                    0x16, 0x15, 0x14, 0x13, 0x12, 0x11, 0x10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0,
                ],
            );
        });
        assert_eq!(run(&b).unwrap_err(), Errno::ERANGE);
        // "no group with cookie"
        let b = psample(true, |w| w.attr(ps::COOKIE, &[0xab, 0xcd]));
        assert_eq!(run(&b).unwrap_err(), Errno::EINVAL);
        // "no group"
        let b = psample(true, |_| {});
        assert_eq!(run(&b).unwrap_err(), Errno::EINVAL);
        // a valid one
        let b = psample(true, |w| {
            w.attr_u32(ps::GROUP, 1);
            w.attr(ps::COOKIE, &[0xc0, 0xff, 0xee]);
        });
        let p = run(&b).unwrap();
        assert_eq!(
            (p.group, p.cookie.as_deref()),
            (1, Some(&[0xc0, 0xff, 0xee][..]))
        );
    }

    #[test]
    fn strict_rules() {
        let b = psample(false, |w| w.attr_u32(ps::GROUP, 1));
        assert_eq!(run(&b).unwrap_err(), Errno::EINVAL, "NLA_F_NESTED missing");
        let b = psample(true, |w| w.attr_u16(ps::GROUP, 1));
        assert_eq!(run(&b).unwrap_err(), Errno::EINVAL, "exact u32 length");
        let b = psample(true, |w| {
            w.attr_u32(ps::GROUP, 1);
            w.attr_u32(3, 1);
        });
        assert_eq!(run(&b).unwrap_err(), Errno::EINVAL, "unknown type");
        let mut b = psample(true, |w| w.attr_u32(ps::GROUP, 1));
        b.extend_from_slice(&[0; 4]);
        b[0] += 4;
        assert_eq!(run(&b).unwrap_err(), Errno::EINVAL, "trailing bytes");
    }
}
