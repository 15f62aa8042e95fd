//! Properties of the dispatcher over random input: it never panics, every
//! reply datagram is whole messages, and each request gets exactly the
//! replies `netlink_rcv_skb` gives it (a reply for a found family, an
//! `NLMSG_ERROR` when it failed or asked for an ACK, nothing else).

use genl::ctrl::{CTRL_ATTR_FAMILY_ID, CTRL_ATTR_FAMILY_NAME, CTRL_CMD_GETFAMILY, GENL_ID_CTRL};
use genl::nlmsg::{MsgIter, NLMSG_ERROR, NLM_F_ACK, NLM_F_REQUEST};
use genl::Writer;
use ovsd::core::{Core, CoreConfig, Creds, Outbox, Sink};
use proptest::prelude::*;
use std::sync::Arc;

struct Null;
impl Sink for Null {
    fn deliver(&self, _: &[u8]) -> bool {
        true
    }
}

fn core_and_socket() -> (Arc<Core>, ovsd::core::Socket) {
    let core = Core::new(CoreConfig::default());
    let sock = core.open_socket(
        Creds {
            pid: 42,
            uid: 0,
            gid: 0,
        },
        Arc::new(Null),
    );
    (core, sock)
}

const NAMES: [&str; 6] = [
    "nlctrl",
    "ovs_datapath",
    "ovs_vport",
    "ovs_flow",
    "ovs_packet",
    "nosuch",
];

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512), ext in any::<bool>(), cap in any::<bool>()) {
        let (core, mut sock) = core_and_socket();
        core.setsockopt(&mut sock, 11, ext as u32).unwrap();
        core.setsockopt(&mut sock, 10, cap as u32).unwrap();
        let mut out = Outbox::new();
        core.process(&mut sock, &bytes, &mut out);
        while core.dump_pending(&sock) {
            core.dump_next(&mut sock, &mut out);
        }
        for d in out.datagrams() {
            let total: usize = MsgIter::new(d).map(|m| (m.len() as usize + 3) & !3).sum();
            prop_assert!(total >= d.len());
        }
    }

    #[test]
    fn each_request_gets_the_kernel_replies(reqs in prop::collection::vec((0usize..6, any::<bool>(), any::<bool>()), 1..8)) {
        let (core, mut sock) = core_and_socket();
        let mut w = Writer::new();
        for (i, (name, ack, by_id)) in reqs.iter().enumerate() {
            let m = w.begin_msg(GENL_ID_CTRL, NLM_F_REQUEST | if *ack { NLM_F_ACK } else { 0 }, i as u32, 0);
            w.genl_hdr(CTRL_CMD_GETFAMILY, 1);
            let fam = core.registry().by_name(NAMES[*name].as_bytes());
            match (by_id, fam) {
                (true, Some(f)) => w.attr_u16(CTRL_ATTR_FAMILY_ID, f.id),
                _ => w.attr_str(CTRL_ATTR_FAMILY_NAME, NAMES[*name].as_bytes()),
            }
            w.end_msg(m);
        }
        let mut out = Outbox::new();
        core.process(&mut sock, w.as_bytes(), &mut out);
        let got: Vec<(u32, u16, i32)> = out
            .datagrams()
            .map(|d| {
                let m = MsgIter::new(d).next().unwrap();
                let err = if m.msg_type() == NLMSG_ERROR {
                    i32::from_ne_bytes(m.payload()[..4].try_into().unwrap())
                } else {
                    1
                };
                (m.seq(), m.msg_type(), err)
            })
            .collect();
        let mut want = Vec::new();
        for (i, (name, ack, _)) in reqs.iter().enumerate() {
            let found = NAMES[*name] != "nosuch";
            if found {
                want.push((i as u32, GENL_ID_CTRL, 1));
            }
            if !found {
                want.push((i as u32, NLMSG_ERROR, -2));
            } else if *ack {
                want.push((i as u32, NLMSG_ERROR, 0));
            }
        }
        prop_assert_eq!(got, want);
    }
}
