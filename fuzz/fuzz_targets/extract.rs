//! Key extraction (`key_extract`) on arbitrary bytes. The first byte picks
//! the packet's setup (bits 0-1): an Ethernet frame; an Ethernet frame with
//! an accelerated tag (TPID bit + TCI from the next 3 bytes); an L3 packet
//! (`protocol` from the next 2 bytes); or any `mac_proto` (next byte) with
//! any `protocol` (next 2). Bit 2 sets `SW_FLOW_KEY_INVALID`.
//!
//! Checked: no panic; the offsets stay within `pkt.data`; the frame on the
//! wire is unchanged (a removed tag is only accelerated); extraction is
//! idempotent; and whenever the key's canonical netlink form parses, it
//! parses to the same key.
#![no_main]

use flowtable::extract::key_extract;
use flowtable::matching::{parse_key, put_key};
use flowtable::packet::NO_OFFSET;
use flowtable::{FlowKey, Packet, VlanTag};
use genl::Writer;

fn setup(data: &[u8]) -> Option<(Packet, FlowKey)> {
    let (&mode, rest) = data.split_first()?;
    let mut key = FlowKey {
        in_port: 1u16.to_ne_bytes(),
        ..FlowKey::default()
    };
    let pkt = match mode & 3 {
        0 => Packet::from_frame(rest),
        1 => {
            let (h, frame) = rest.split_at_checked(3)?;
            let mut p = Packet::from_frame(frame);
            p.vlan = Some(VlanTag {
                tpid: if h[0] & 1 != 0 { 0x88a8 } else { 0x8100 },
                tci: u16::from_be_bytes([h[1], h[2]]),
            });
            p
        }
        2 => {
            let (h, frame) = rest.split_at_checked(2)?;
            key.mac_proto = 1;
            let mut p = Packet::from_frame(frame);
            p.protocol = u16::from_be_bytes([h[0], h[1]]);
            p
        }
        _ => {
            let (h, frame) = rest.split_at_checked(3)?;
            key.mac_proto = h[0];
            let mut p = Packet::from_frame(frame);
            p.protocol = u16::from_be_bytes([h[1], h[2]]);
            p
        }
    };
    if mode & 4 != 0 {
        key.mac_proto |= 0x80;
    }
    Some((pkt, key))
}

fn within(off: u16, len: usize) -> bool {
    off == NO_OFFSET || usize::from(off) <= len
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Some((mut pkt, mut key)) = setup(data) else {
        return;
    };
    let mut before = Vec::new();
    pkt.wire_bytes(&mut before);
    let meta = key;
    let res = key_extract(&mut pkt, &mut key);

    let len = pkt.data.len();
    assert!(within(pkt.network, len), "network {} > {len}", pkt.network);
    assert!(within(pkt.transport, len), "transport {} > {len}", pkt.transport);
    assert!(within(pkt.inner_network, len), "inner {} > {len}", pkt.inner_network);
    assert!(usize::from(pkt.mac_len) <= len || pkt.mac_len == NO_OFFSET);
    let mut after = Vec::new();
    pkt.wire_bytes(&mut after);
    assert_eq!(before, after, "the wire frame changed");
    if res.is_err() {
        return;
    }
    assert_eq!(pkt.mac_len, pkt.network);
    if key.mac_proto & 0x7f == 0 {
        let t = key.eth_type();
        assert!(t >= 0x0600 || t == 0x0004, "Ethernet eth_type {t:#06x}");
    }

    // Extracting again from the extracted packet gives the same key.
    let mut again = meta;
    let mut pkt2 = pkt.clone();
    key_extract(&mut pkt2, &mut again).expect("re-extraction succeeds");
    assert_eq!(again, key, "extraction is not idempotent");
    assert_eq!(pkt2, pkt);

    // The canonical key (as an upcall carries it) parses back to itself.
    if key.mac_proto & 0x80 == 0 {
        let mut w = Writer::new();
        put_key(&mut w, &key, &key, 1, false);
        if let Ok(parsed) = parse_key(&w.as_bytes()[4..]) {
            assert_eq!(parsed, key, "put_key/parse_key disagree with extraction");
        }
    }
});
