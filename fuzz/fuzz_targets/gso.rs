//! Software GSO segmentation (`vport::netdev::gso::segment`) on arbitrary
//! frames. The first byte picks the GSO type, the next two the segment
//! size. Checked: no panic; every packet has the same header length and at
//! most `gso_size` payload bytes; the payloads, joined, are the frame's.
#![no_main]

use vport::netdev::gso::{segment, GSO_TCPV4, GSO_TCPV6, GSO_UDP_L4};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Some((&t, rest)) = data.split_first() else {
        return;
    };
    let Some((size, frame)) = rest.split_at_checked(2) else {
        return;
    };
    let gso_type = [GSO_TCPV4, GSO_TCPV6, GSO_UDP_L4, 0x80 | GSO_TCPV4, t][usize::from(t % 5)];
    let gso_size = usize::from(u16::from_be_bytes([size[0], size[1]]));
    let Some(segs) = segment(frame, gso_type, gso_size as u16) else {
        return;
    };
    let n = segs.len();
    assert!(n >= 1);
    let total: usize = segs.iter().map(Vec::len).sum();
    if n == 1 {
        // one packet: the frame itself, lengths and checksums rewritten
        assert_eq!(segs[0].len(), frame.len());
    } else {
        // frame = headers + payload; each packet = headers + a piece of it
        let hdr = (total - frame.len()) / (n - 1);
        assert_eq!(total - frame.len(), hdr * (n - 1));
        let mut joined = Vec::with_capacity(frame.len());
        for s in &segs {
            assert!(s.len() > hdr && s.len() - hdr <= gso_size);
            joined.extend_from_slice(&s[hdr..]);
        }
        assert_eq!(&joined[..], &frame[hdr..]);
    }
});
