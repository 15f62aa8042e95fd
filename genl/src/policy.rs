//! Attribute policies (`struct nla_policy`) and the kernel's validating
//! parser (`__nla_validate_parse` / `validate_nla` in lib/nlattr.c), with its
//! two modes: liberal for `doit` requests, strict where an op asks for it.
//!
//! Parsing fills a fixed array of slots (the kernel's `tb[]`): no allocation.

use crate::attr::{Attr, AttrIter, NLA_HDRLEN};
use crate::errno::Errno;
use crate::extack::ExtAck;

/// Attribute data types (`NLA_*`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `NLA_UNSPEC`: any payload of at least `len` bytes.
    Unspec,
    /// `NLA_FLAG`: no payload.
    Flag,
    /// `NLA_U8`.
    U8,
    /// `NLA_U16`.
    U16,
    /// `NLA_U32`.
    U32,
    /// `NLA_U64`.
    U64,
    /// `NLA_S8`.
    S8,
    /// `NLA_S16`.
    S16,
    /// `NLA_S32`.
    S32,
    /// `NLA_S64`.
    S64,
    /// `NLA_STRING`: at most `len` bytes after one trailing NUL is stripped.
    String,
    /// `NLA_NUL_STRING`: a NUL within the first `len + 1` bytes.
    NulString,
    /// `NLA_BINARY`: at most `len` bytes.
    Binary,
    /// `NLA_NESTED`: empty, or attributes (validated against `nested`).
    Nested,
}

impl Kind {
    /// `nla_attr_len[]`: the exact size of fixed-size integer types.
    const fn exact_len(self) -> usize {
        match self {
            Kind::U8 | Kind::S8 => 1,
            Kind::U16 | Kind::S16 => 2,
            Kind::U32 | Kind::S32 => 4,
            Kind::U64 | Kind::S64 => 8,
            _ => 0,
        }
    }
}

/// A value range check (`NLA_POLICY_RANGE`, `NLA_POLICY_MIN`, ...), with the
/// type's full range filled in where the kernel's macro leaves it open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Range {
    /// No range validation (`NLA_VALIDATE_NONE`).
    None,
    /// Unsigned bounds, inclusive.
    Unsigned {
        /// Smallest accepted value.
        min: u64,
        /// Largest accepted value.
        max: u64,
    },
    /// Signed bounds, inclusive.
    Signed {
        /// Smallest accepted value.
        min: i64,
        /// Largest accepted value.
        max: i64,
    },
}

/// One entry of a policy array.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Policy {
    /// The attribute type.
    pub kind: Kind,
    /// `.len`: minimum length (Unspec), maximum length (strings, binary).
    pub len: u16,
    /// Range validation.
    pub range: Range,
    /// Nested policy (`.nested_policy`), validated recursively.
    pub nested: Option<&'static PolicyTable>,
}

impl Policy {
    /// `{ .type = NLA_UNSPEC }` — also what unlisted array entries are.
    pub const UNSPEC: Policy = Policy::of(Kind::Unspec);
    /// `{ .type = NLA_FLAG }`.
    pub const FLAG: Policy = Policy::of(Kind::Flag);
    /// `{ .type = NLA_U8 }`.
    pub const U8: Policy = Policy::of(Kind::U8);
    /// `{ .type = NLA_U16 }`.
    pub const U16: Policy = Policy::of(Kind::U16);
    /// `{ .type = NLA_U32 }`.
    pub const U32: Policy = Policy::of(Kind::U32);
    /// `{ .type = NLA_U64 }`.
    pub const U64: Policy = Policy::of(Kind::U64);
    /// `{ .type = NLA_S32 }`.
    pub const S32: Policy = Policy::of(Kind::S32);
    /// `{ .type = NLA_NESTED }` without a nested policy.
    pub const NESTED: Policy = Policy::of(Kind::Nested);

    /// A policy of `kind` with no length or range.
    pub const fn of(kind: Kind) -> Policy {
        Policy {
            kind,
            len: 0,
            range: Range::None,
            nested: None,
        }
    }

    /// `{ .type = NLA_UNSPEC, .len = min }`: at least `min` bytes.
    pub const fn min_len(min: u16) -> Policy {
        Policy {
            kind: Kind::Unspec,
            len: min,
            range: Range::None,
            nested: None,
        }
    }

    /// `{ .type = NLA_NUL_STRING, .len = max }`.
    pub const fn nul_string(max: u16) -> Policy {
        Policy {
            kind: Kind::NulString,
            len: max,
            range: Range::None,
            nested: None,
        }
    }

    /// `NLA_POLICY_RANGE(NLA_U*, min, max)`.
    pub const fn range_u(kind: Kind, min: u64, max: u64) -> Policy {
        Policy {
            kind,
            len: 0,
            range: Range::Unsigned { min, max },
            nested: None,
        }
    }

    /// `NLA_POLICY_MIN(NLA_S32, min)`.
    pub const fn min_s32(min: i64) -> Policy {
        Policy {
            kind: Kind::S32,
            len: 0,
            range: Range::Signed {
                min,
                max: i32::MAX as i64,
            },
            nested: None,
        }
    }

    /// `NLA_POLICY_NESTED(table)`.
    pub const fn nested(table: &'static PolicyTable) -> Policy {
        Policy {
            kind: Kind::Nested,
            len: table.maxattr,
            range: Range::None,
            nested: Some(table),
        }
    }

    /// `nla_get_range_unsigned`: the effective bounds of an unsigned type.
    pub fn unsigned_bounds(&self) -> (u64, u64) {
        match self.range {
            Range::Unsigned { min, max } => (min, max),
            _ => match self.kind {
                Kind::U8 => (0, u8::MAX as u64),
                Kind::U16 => (0, u16::MAX as u64),
                Kind::U32 => (0, u32::MAX as u64),
                _ => (0, u64::MAX),
            },
        }
    }

    /// `nla_get_range_signed`: the effective bounds of a signed type.
    pub fn signed_bounds(&self) -> (i64, i64) {
        match self.range {
            Range::Signed { min, max } => (min, max),
            _ => match self.kind {
                Kind::S8 => (i8::MIN as i64, i8::MAX as i64),
                Kind::S16 => (i16::MIN as i64, i16::MAX as i64),
                Kind::S32 => (i32::MIN as i64, i32::MAX as i64),
                _ => (i64::MIN, i64::MAX),
            },
        }
    }
}

/// A policy array: `entries[t]` is the policy of attribute type `t`;
/// `maxattr` is the largest type (`entries.len() == maxattr + 1`).
#[derive(Debug, PartialEq, Eq)]
pub struct PolicyTable {
    /// Largest attribute type known to this table.
    pub maxattr: u16,
    /// One policy per type, index 0 unused.
    pub entries: &'static [Policy],
}

impl PolicyTable {
    /// The policy of attribute `kind` (`UNSPEC` past the array, which the
    /// parser never asks for).
    pub fn get(&self, kind: u16) -> &'static Policy {
        self.entries.get(kind as usize).unwrap_or(&Policy::UNSPEC)
    }
}

/// Validation flags (`NL_VALIDATE_*`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Validate(u8);

impl Validate {
    /// `NL_VALIDATE_LIBERAL`: what `doit` requests of the OVS families and
    /// nlctrl get (`GENL_DONT_VALIDATE_STRICT`).
    pub const LIBERAL: Validate = Validate(0);
    /// `NL_VALIDATE_TRAILING`: leftover bytes are an error.
    pub const TRAILING: Validate = Validate(1);
    /// `NL_VALIDATE_MAXTYPE`: unknown types are an error.
    pub const MAXTYPE: Validate = Validate(2);
    /// `NL_VALIDATE_UNSPEC`: `NLA_UNSPEC` attributes are an error.
    pub const UNSPEC: Validate = Validate(4);
    /// `NL_VALIDATE_STRICT_ATTRS`: integers must have their exact size.
    pub const STRICT_ATTRS: Validate = Validate(8);
    /// `NL_VALIDATE_NESTED`: `NLA_F_NESTED` required exactly on nests.
    pub const NESTED: Validate = Validate(16);
    /// `NL_VALIDATE_STRICT`: all of the above.
    pub const STRICT: Validate = Validate(31);

    /// True when every flag of `other` is set.
    pub const fn has(self, other: Validate) -> bool {
        self.0 & other.0 == other.0
    }
}

/// Number of attribute slots: enough for every table (largest maxattr 32).
pub const ATTR_SLOTS: usize = 33;

/// `MAX_POLICY_RECURSION_DEPTH`.
const MAX_DEPTH: u32 = 10;

/// The kernel's `tb[]`: the last occurrence of each known attribute type.
#[derive(Clone, Copy, Debug)]
pub struct Attrs<'a> {
    slots: [Option<Attr<'a>>; ATTR_SLOTS],
}

impl<'a> Default for Attrs<'a> {
    fn default() -> Self {
        Attrs {
            slots: [None; ATTR_SLOTS],
        }
    }
}

impl<'a> Attrs<'a> {
    /// The attribute of type `kind`, if present.
    pub fn get(&self, kind: u16) -> Option<Attr<'a>> {
        self.slots.get(kind as usize).copied().flatten()
    }

    /// True if an attribute of type `kind` is present.
    pub fn has(&self, kind: u16) -> bool {
        self.get(kind).is_some()
    }
}

/// Validates and parses the attribute stream `buf` (which starts `base`
/// bytes after the request's `nlmsghdr`) against `table`, as
/// `__nla_validate_parse` with a `tb`: later duplicates win; in liberal mode
/// unknown types are skipped and leftover bytes only leave a message.
pub fn parse<'a>(
    buf: &'a [u8],
    base: u32,
    table: &'static PolicyTable,
    validate: Validate,
    extack: &mut ExtAck,
) -> Result<Attrs<'a>, Errno> {
    let mut attrs = Attrs::default();
    walk(buf, base, table, validate, extack, 0, Some(&mut attrs))?;
    Ok(attrs)
}

fn walk<'a>(
    buf: &'a [u8],
    base: u32,
    table: &'static PolicyTable,
    validate: Validate,
    extack: &mut ExtAck,
    depth: u32,
    mut tb: Option<&mut Attrs<'a>>,
) -> Result<(), Errno> {
    if depth >= MAX_DEPTH {
        extack.set_msg("allowed policy recursion depth exceeded");
        return Err(Errno::EINVAL);
    }
    let max = table.maxattr.min(ATTR_SLOTS as u16 - 1);
    let mut it = AttrIter::with_base(buf, base);
    for attr in it.by_ref() {
        if attr.kind == 0 || attr.kind > max {
            if validate.has(Validate::MAXTYPE) {
                extack.set_attr(attr.offset, "Unknown attribute type");
                return Err(Errno::EINVAL);
            }
            continue;
        }
        validate_attr(&attr, table.get(attr.kind), validate, extack, depth)?;
        if let Some(tb) = tb.as_deref_mut() {
            tb.slots[attr.kind as usize] = Some(attr);
        }
    }
    if it.leftover() > 0 {
        // __nla_validate_parse: the message is recorded even when liberal
        extack.set_msg("bytes leftover after parsing attributes");
        if validate.has(Validate::TRAILING) {
            return Err(Errno::EINVAL);
        }
    }
    Ok(())
}

/// `validate_nla`: one attribute against its policy entry.
fn validate_attr(
    attr: &Attr<'_>,
    pt: &'static Policy,
    validate: Validate,
    extack: &mut ExtAck,
    depth: u32,
) -> Result<(), Errno> {
    let len = attr.payload.len();
    let exact = pt.kind.exact_len();
    if exact != 0 && len != exact && validate.has(Validate::STRICT_ATTRS) {
        extack.set_attr_pol(attr.offset, pt, "invalid attribute length");
        return Err(Errno::EINVAL);
    }
    if validate.has(Validate::NESTED) {
        if pt.kind == Kind::Nested && !attr.nested {
            extack.set_attr_pol(attr.offset, pt, "NLA_F_NESTED is missing");
            return Err(Errno::EINVAL);
        }
        if pt.kind != Kind::Nested && pt.kind != Kind::Unspec && attr.nested {
            extack.set_attr_pol(attr.offset, pt, "NLA_F_NESTED not expected");
            return Err(Errno::EINVAL);
        }
    }
    let failed = |extack: &mut ExtAck, errno| {
        extack.set_attr_pol(attr.offset, pt, "Attribute failed policy validation");
        Err(errno)
    };
    match pt.kind {
        Kind::Flag => {
            if len > 0 {
                return failed(extack, Errno::ERANGE);
            }
        }
        Kind::NulString | Kind::String => {
            let p = attr.payload;
            if pt.kind == Kind::NulString {
                let window = if pt.len > 0 {
                    len.min(pt.len as usize + 1)
                } else {
                    len
                };
                if window == 0 || !p[..window].contains(&0) {
                    return failed(extack, Errno::EINVAL);
                }
            }
            if len < 1 {
                return failed(extack, Errno::ERANGE);
            }
            if pt.len > 0 {
                let l = if p[len - 1] == 0 { len - 1 } else { len };
                if l > pt.len as usize {
                    return failed(extack, Errno::ERANGE);
                }
            }
        }
        Kind::Binary => {
            if pt.len > 0 && len > pt.len as usize {
                return failed(extack, Errno::ERANGE);
            }
        }
        Kind::Nested => {
            if len == 0 {
                return Ok(());
            }
            if len < NLA_HDRLEN {
                return failed(extack, Errno::ERANGE);
            }
            if let Some(inner) = pt.nested {
                // errors inside keep their own message and offset
                walk(
                    attr.payload,
                    attr.offset + NLA_HDRLEN as u32,
                    inner,
                    validate,
                    extack,
                    depth + 1,
                    None,
                )?;
            }
        }
        Kind::Unspec => {
            if validate.has(Validate::UNSPEC) {
                extack.set_attr(attr.offset, "Unsupported attribute");
                return Err(Errno::EINVAL);
            }
            if len < pt.len as usize {
                return failed(extack, Errno::ERANGE);
            }
        }
        _ => {
            let min = if pt.len > 0 { pt.len as usize } else { exact };
            if len < min {
                return failed(extack, Errno::ERANGE);
            }
        }
    }
    check_range(attr, pt, extack)
}

/// `nla_validate_int_range`.
fn check_range(attr: &Attr<'_>, pt: &'static Policy, extack: &mut ExtAck) -> Result<(), Errno> {
    if pt.range == Range::None {
        return Ok(());
    }
    let ok = match pt.kind {
        Kind::U8 | Kind::U16 | Kind::U32 | Kind::U64 => {
            let v = match pt.kind {
                Kind::U8 => attr.u8().map(u64::from),
                Kind::U16 => attr.u16().map(u64::from),
                Kind::U32 => attr.u32().map(u64::from),
                _ => attr.u64(),
            }
            .unwrap_or(0);
            let (min, max) = pt.unsigned_bounds();
            (min..=max).contains(&v)
        }
        Kind::S8 | Kind::S16 | Kind::S32 | Kind::S64 => {
            let v = match pt.kind {
                Kind::S8 => attr.u8().map(|x| x as i8 as i64),
                Kind::S16 => attr.u16().map(|x| x as i16 as i64),
                Kind::S32 => attr.u32().map(|x| x as i32 as i64),
                _ => attr.u64().map(|x| x as i64),
            }
            .unwrap_or(0);
            let (min, max) = pt.signed_bounds();
            (min..=max).contains(&v)
        }
        _ => true,
    };
    if ok {
        Ok(())
    } else {
        extack.set_attr_pol(attr.offset, pt, "integer out of range");
        Err(Errno::ERANGE)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::writer::Writer;

    static INNER: PolicyTable = PolicyTable {
        maxattr: 1,
        entries: &[Policy::UNSPEC, Policy::U8],
    };
    static TABLE: PolicyTable = PolicyTable {
        maxattr: 6,
        entries: &[
            Policy::UNSPEC,
            Policy::nul_string(15),
            Policy::U32,
            Policy::range_u(Kind::U32, 0, 4096),
            Policy::min_s32(0),
            Policy::nested(&INNER),
            Policy::min_len(1),
        ],
    };

    fn attrs(f: impl FnOnce(&mut Writer)) -> Vec<u8> {
        let mut w = Writer::new();
        f(&mut w);
        w.take()
    }

    fn run(buf: &[u8], v: Validate) -> (Result<(), Errno>, ExtAck) {
        let mut e = ExtAck::default();
        let r = parse(buf, 24, &TABLE, v, &mut e).map(|_| ());
        (r, e)
    }

    #[test]
    fn liberal_skips_unknown_and_last_duplicate_wins() {
        let b = attrs(|w| {
            w.attr_u32(2, 1);
            w.attr_u32(99, 5);
            w.attr_u32(2, 7);
        });
        let mut e = ExtAck::default();
        let a = parse(&b, 0, &TABLE, Validate::LIBERAL, &mut e).unwrap();
        assert_eq!(a.get(2).unwrap().u32(), Some(7));
        assert_eq!(e, ExtAck::default());
        let (r, e) = run(&b, Validate::STRICT);
        assert_eq!(r, Err(Errno::EINVAL));
        assert_eq!(e.msg, Some("Unknown attribute type"));
        assert_eq!(e.bad_attr, Some(24 + 8));
    }

    #[test]
    fn short_integer_is_erange_with_policy() {
        let b = attrs(|w| w.attr_u16(2, 0));
        let (r, e) = run(&b, Validate::LIBERAL);
        assert_eq!(r, Err(Errno::ERANGE));
        assert_eq!(e.msg, Some("Attribute failed policy validation"));
        assert_eq!(e.bad_attr, Some(24));
        assert_eq!(e.policy, Some(&TABLE.entries[2]));
    }

    #[test]
    fn long_integer_is_fine_only_when_liberal() {
        let b = attrs(|w| w.attr_u64(2, 0));
        assert_eq!(run(&b, Validate::LIBERAL).0, Ok(()));
        let (r, e) = run(&b, Validate::STRICT);
        assert_eq!(r, Err(Errno::EINVAL));
        assert_eq!(e.msg, Some("invalid attribute length"));
    }

    #[test]
    fn strings_follow_nla_nul_string() {
        assert_eq!(
            run(&attrs(|w| w.attr_str(1, b"dp0")), Validate::LIBERAL).0,
            Ok(())
        );
        // no NUL at all: EINVAL
        assert_eq!(
            run(&attrs(|w| w.attr(1, b"abc")), Validate::LIBERAL).0,
            Err(Errno::EINVAL)
        );
        // 16 chars + NUL: the NUL is outside the first 16 bytes -> EINVAL
        let long = attrs(|w| w.attr_str(1, b"0123456789abcdef"));
        assert_eq!(run(&long, Validate::LIBERAL).0, Err(Errno::EINVAL));
        // a NUL early and junk after it, longer than 15: ERANGE
        let mut p = vec![b'a', 0];
        p.extend_from_slice(&[b'x'; 20]);
        assert_eq!(
            run(&attrs(|w| w.attr(1, &p)), Validate::LIBERAL).0,
            Err(Errno::ERANGE)
        );
        // "\x05\0\0\0" is a valid string (the kernel's ea_dp_new_odd_name)
        assert_eq!(
            run(&attrs(|w| w.attr_u32(1, 5)), Validate::LIBERAL).0,
            Ok(())
        );
    }

    #[test]
    fn ranges() {
        assert_eq!(
            run(&attrs(|w| w.attr_u32(3, 4096)), Validate::LIBERAL).0,
            Ok(())
        );
        let (r, e) = run(&attrs(|w| w.attr_u32(3, 4097)), Validate::LIBERAL);
        assert_eq!(
            (r, e.msg),
            (Err(Errno::ERANGE), Some("integer out of range"))
        );
        let (r, _) = run(&attrs(|w| w.attr_u32(4, u32::MAX)), Validate::LIBERAL);
        assert_eq!(r, Err(Errno::ERANGE));
        assert_eq!(
            run(&attrs(|w| w.attr_u32(4, 7)), Validate::LIBERAL).0,
            Ok(())
        );
    }

    #[test]
    fn nested_and_unspec() {
        let ok = attrs(|w| {
            let n = w.nest(5);
            w.attr_u8(1, 3);
            w.nest_end(n);
        });
        assert_eq!(run(&ok, Validate::STRICT).0, Ok(()));
        let bad = attrs(|w| {
            let n = w.nest(5);
            w.attr(1, &[]);
            w.nest_end(n);
        });
        let (r, e) = run(&bad, Validate::LIBERAL);
        assert_eq!(r, Err(Errno::ERANGE));
        assert_eq!(e.bad_attr, Some(24 + 4));
        let no_flag = attrs(|w| {
            let n = w.nest_noflag(5);
            w.nest_end(n);
        });
        assert_eq!(run(&no_flag, Validate::LIBERAL).0, Ok(()));
        assert_eq!(run(&no_flag, Validate::STRICT).0, Err(Errno::EINVAL));
        // NLA_UNSPEC min len 1
        assert_eq!(
            run(&attrs(|w| w.attr(6, &[])), Validate::LIBERAL).0,
            Err(Errno::ERANGE)
        );
        let (r, e) = run(&attrs(|w| w.attr(6, &[1])), Validate::STRICT);
        assert_eq!(
            (r, e.msg),
            (Err(Errno::EINVAL), Some("Unsupported attribute"))
        );
    }

    #[test]
    fn leftover_bytes() {
        let mut b = attrs(|w| w.attr_u32(2, 1));
        b.extend_from_slice(&[32, 0, 1, 0, 1, 0, 0, 0]);
        let (r, e) = run(&b, Validate::LIBERAL);
        assert_eq!(r, Ok(()));
        assert_eq!(e.msg, Some("bytes leftover after parsing attributes"));
        assert_eq!(run(&b, Validate::STRICT).0, Err(Errno::EINVAL));
    }
}
