//! parse ∘ emit: whatever the writer emits, the views read back unchanged.

use genl::attr::{AttrIter, NLA_F_NESTED};
use genl::nlmsg::{MsgIter, NlMsg};
use genl::policy::{parse, Policy, PolicyTable, Validate};
use genl::{ExtAck, Writer};
use proptest::prelude::*;

fn attr_list() -> impl Strategy<Value = Vec<(u16, Vec<u8>)>> {
    prop::collection::vec(
        (1u16..0x3fff, prop::collection::vec(any::<u8>(), 0..40)),
        0..12,
    )
}

proptest! {
    #[test]
    fn attributes_round_trip(attrs in attr_list()) {
        let mut w = Writer::new();
        for (t, p) in &attrs {
            w.attr(*t, p);
        }
        prop_assert_eq!(w.len() % 4, 0);
        let mut it = AttrIter::new(w.as_bytes());
        let back: Vec<(u16, Vec<u8>)> = it.by_ref().map(|a| (a.kind, a.payload.to_vec())).collect();
        prop_assert_eq!(back, attrs);
        prop_assert_eq!(it.leftover(), 0);
    }

    #[test]
    fn nests_round_trip(outer in 1u16..100, inner in attr_list()) {
        let mut w = Writer::new();
        let n = w.nest(outer);
        for (t, p) in &inner {
            w.attr(*t, p);
        }
        w.nest_end(n);
        let a = AttrIter::new(w.as_bytes()).next().unwrap();
        prop_assert!(a.nested);
        prop_assert_eq!(a.kind, outer & !NLA_F_NESTED);
        let back: Vec<(u16, Vec<u8>)> = a.nested_iter().map(|x| (x.kind, x.payload.to_vec())).collect();
        prop_assert_eq!(back, inner);
    }

    #[test]
    fn messages_round_trip(msgs in prop::collection::vec((16u16..0x400, any::<u16>(), any::<u32>(), any::<u32>(), attr_list()), 1..5)) {
        let mut w = Writer::new();
        for (ty, flags, seq, pid, attrs) in &msgs {
            let m = w.begin_msg(*ty, *flags, *seq, *pid);
            w.genl_hdr(1, 1);
            for (t, p) in attrs {
                w.attr(*t, p);
            }
            w.end_msg(m);
        }
        let back: Vec<_> = MsgIter::new(w.as_bytes()).collect();
        prop_assert_eq!(back.len(), msgs.len());
        for (m, (ty, flags, seq, pid, attrs)) in back.iter().zip(&msgs) {
            prop_assert_eq!((m.msg_type(), m.flags(), m.seq(), m.pid()), (*ty, *flags, *seq, *pid));
            let got: Vec<(u16, Vec<u8>)> = AttrIter::new(&m.payload()[4..]).map(|a| (a.kind, a.payload.to_vec())).collect();
            prop_assert_eq!(&got, attrs);
        }
    }

    #[test]
    fn liberal_parse_keeps_the_last_occurrence(vals in prop::collection::vec((1u16..4, any::<u32>()), 0..10)) {
        static T: PolicyTable = PolicyTable { maxattr: 3, entries: &[Policy::UNSPEC, Policy::U32, Policy::U32, Policy::U32] };
        let mut w = Writer::new();
        for (t, v) in &vals {
            w.attr_u32(*t, *v);
        }
        let mut e = ExtAck::default();
        let a = parse(w.as_bytes(), 0, &T, Validate::STRICT, &mut e).unwrap();
        for t in 1u16..4 {
            let last = vals.iter().rev().find(|(k, _)| *k == t).map(|(_, v)| *v);
            prop_assert_eq!(a.get(t).and_then(|x| x.u32()), last);
        }
    }

    #[test]
    fn views_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        for m in MsgIter::new(&bytes) {
            let _ = (m.msg_type(), m.flags(), m.payload().len());
            for a in AttrIter::new(m.payload()) {
                let _ = (a.u8(), a.u16(), a.u32(), a.u64(), a.c_str());
                for n in a.nested_iter() {
                    let _ = n.u32();
                }
            }
        }
        let _ = NlMsg::new_checked(&bytes[..]);
    }
}
