//! Small attribute helpers shared by the action validators: the
//! "exactly one nested attribute" test, `nla_is_last`, and the
//! deprecated-strict and strict `nla_parse` variants the kernel uses for a
//! few nested actions (built on `genl`'s policy validator).

use genl::policy::{self, Attrs, PolicyTable, Validate};
use genl::{Attr, AttrIter, Errno, ExtAck};

use super::size::total;

/// The attribute filling `payload` exactly (`nla_ok` plus
/// `nla_total_size(nla_len(inner)) == nla_len(outer)`), as `validate_set`
/// and `validate_push_nsh` require.
pub fn sole_attr(payload: &[u8]) -> Option<Attr<'_>> {
    let a = AttrIter::new(payload).next()?;
    (total(a.payload.len()) == payload.len()).then_some(a)
}

/// Iterates `buf` like `nla_for_each_nested`, also telling for each
/// attribute whether it is the last (`nla_is_last`: its `nla_len` equals
/// what remains, padding included). After the walk, `leftover` is the
/// kernel's `rem`.
pub struct Walk<'a> {
    it: AttrIter<'a>,
}

impl<'a> Walk<'a> {
    /// Walks the attributes of `buf`.
    pub fn new(buf: &'a [u8]) -> Self {
        Walk {
            it: AttrIter::new(buf),
        }
    }

    /// Bytes not consumed (`rem > 0` after the loop is an error).
    pub fn leftover(&self) -> usize {
        self.it.leftover()
    }
}

impl<'a> Iterator for Walk<'a> {
    type Item = (Attr<'a>, bool);

    fn next(&mut self) -> Option<(Attr<'a>, bool)> {
        let rem = self.it.leftover();
        let a = self.it.next()?;
        Some((a, 4 + a.payload.len() == rem))
    }
}

/// `nla_parse_deprecated_strict`: unknown types and trailing bytes are
/// errors; each known attribute is checked against `table` in order.
pub fn parse_deprecated_strict<'a>(
    buf: &'a [u8],
    table: &'static PolicyTable,
) -> Result<Attrs<'a>, Errno> {
    let mut ack = ExtAck::default();
    let mut it = AttrIter::new(buf);
    for a in it.by_ref() {
        if a.kind == 0 || a.kind > table.maxattr {
            return Err(Errno::EINVAL);
        }
        let start = a.offset as usize;
        let raw = &buf[start..start + 4 + a.payload.len()];
        policy::parse(raw, 0, table, Validate::LIBERAL, &mut ack)?;
    }
    if it.leftover() > 0 {
        return Err(Errno::EINVAL);
    }
    // everything passed: the liberal parse now just fills the slots
    policy::parse(buf, 0, table, Validate::LIBERAL, &mut ack)
}

/// `nla_parse_nested` (strict): the nest must carry `NLA_F_NESTED`.
pub fn parse_nested_strict<'a>(
    nest: &Attr<'a>,
    table: &'static PolicyTable,
) -> Result<Attrs<'a>, Errno> {
    if !nest.nested {
        return Err(Errno::EINVAL);
    }
    policy::parse(
        nest.payload,
        0,
        table,
        Validate::STRICT,
        &mut ExtAck::default(),
    )
}

/// `nla_parse_nested_deprecated` (liberal).
pub fn parse_nested_liberal<'a>(
    payload: &'a [u8],
    table: &'static PolicyTable,
) -> Result<Attrs<'a>, Errno> {
    policy::parse(payload, 0, table, Validate::LIBERAL, &mut ExtAck::default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use genl::Policy;

    static T: PolicyTable = PolicyTable {
        maxattr: 2,
        entries: &[Policy::UNSPEC, Policy::U16, Policy::NESTED],
    };

    #[test]
    fn sole_attr_needs_exact_fill() {
        let one = [8u8, 0, 2, 0, 1, 2, 3, 4];
        assert_eq!(sole_attr(&one).unwrap().kind, 2);
        let mut two = one.to_vec();
        two.extend_from_slice(&[4, 0, 1, 0]);
        assert!(sole_attr(&two).is_none());
        // unaligned inner attribute needs its padding inside the outer one
        assert!(sole_attr(&[5, 0, 1, 0, 9]).is_none());
        assert!(sole_attr(&[5, 0, 1, 0, 9, 0, 0, 0]).is_some());
    }

    #[test]
    fn walk_reports_last_only_without_trailing_padding() {
        let b = [8u8, 0, 1, 0, 0, 0, 0, 0, 8, 0, 1, 0, 0, 0, 0, 0];
        let lasts: Vec<bool> = Walk::new(&b).map(|(_, l)| l).collect();
        assert_eq!(lasts, vec![false, true]);
        let b = [6u8, 0, 1, 0, 0, 0, 0, 0];
        assert_eq!(
            Walk::new(&b).map(|(_, l)| l).collect::<Vec<_>>(),
            vec![false]
        );
    }

    #[test]
    fn deprecated_strict_rejects_unknown_and_trailing() {
        let ok = [6u8, 0, 1, 0, 5, 0, 0, 0];
        assert!(parse_deprecated_strict(&ok, &T).unwrap().has(1));
        assert_eq!(
            parse_deprecated_strict(&[4, 0, 3, 0], &T).unwrap_err(),
            Errno::EINVAL
        );
        assert_eq!(
            parse_deprecated_strict(&[6, 0, 1, 0, 5, 0, 0, 0, 1], &T).unwrap_err(),
            Errno::EINVAL
        );
        // short u16: policy error comes first
        assert_eq!(
            parse_deprecated_strict(&[5, 0, 1, 0, 5, 0, 0, 0, 4, 0, 9, 0], &T).unwrap_err(),
            Errno::ERANGE
        );
    }
}
