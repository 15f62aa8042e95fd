//! The whole dispatcher input: arbitrary datagrams, with socket options
//! chosen by the first byte, sent by one socket to a fresh core. Every output
//! datagram must be a well-formed sequence of netlink messages.
#![no_main]

use genl::nlmsg::MsgIter;
use ovsd::core::{Core, CoreConfig, Creds, Outbox, Sink};
use std::sync::Arc;

struct Null;
impl Sink for Null {
    fn deliver(&self, _: &[u8]) -> bool {
        true
    }
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Some((&opts, rest)) = data.split_first() else {
        return;
    };
    let core = Core::new(CoreConfig::default());
    let mut sock = core.open_socket(Creds { pid: 1, uid: 0, gid: 0 }, Arc::new(Null));
    core.setsockopt(&mut sock, 11, u32::from(opts & 1)).unwrap();
    core.setsockopt(&mut sock, 10, u32::from(opts & 2)).unwrap();
    let mut out = Outbox::new();
    // several datagrams: split on a marker so the corpus can hold sequences
    for dgram in rest.split(|&b| b == 0xa5 && opts & 4 != 0) {
        out.clear();
        core.process(&mut sock, dgram, &mut out);
        while core.dump_pending(&sock) {
            core.dump_next(&mut sock, &mut out);
        }
        for d in out.datagrams() {
            let mut total = 0;
            for m in MsgIter::new(d) {
                total += (m.len() as usize + 3) & !3;
            }
            assert!(total >= d.len(), "reply datagram is not whole messages");
        }
    }
});
