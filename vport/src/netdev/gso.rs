//! Software segmentation of the large (GSO) frames a packet socket hands
//! over from a veth whose peer offloads TCP or UDP segmentation
//! (`skb_gso_segment`, done where the kernel datapath would have done it on
//! output). ovsd sees bytes, not skbs: a 64 KiB TCP frame written back to
//! a port would exceed its MTU and be dropped, so such frames are cut into
//! MSS-sized packets on receive, each with its own IP length, IPv4 id and
//! checksum, TCP sequence number, flags and checksum (or UDP length and
//! checksum).
//!
//! Frames this does not understand (IP options are fine; IPv6 extension
//! headers, tunnels and other encapsulations are not) are passed on whole.

use super::csum::{add, fold};

/// `VIRTIO_NET_HDR_GSO_TCPV4`.
pub const GSO_TCPV4: u8 = 1;
/// `VIRTIO_NET_HDR_GSO_TCPV6`.
pub const GSO_TCPV6: u8 = 4;
/// `VIRTIO_NET_HDR_GSO_UDP_L4`.
pub const GSO_UDP_L4: u8 = 5;
/// `VIRTIO_NET_HDR_GSO_ECN`: a flag on the type.
const GSO_ECN: u8 = 0x80;

const ETH_HLEN: usize = 14;
const TCP_FIN: u8 = 0x01;
const TCP_PSH: u8 = 0x08;
const TCP_CWR: u8 = 0x80;

/// Where the headers of a GSO frame are.
struct Layout {
    /// Start of the IP header.
    l3: usize,
    /// Start of the TCP/UDP header.
    l4: usize,
    /// Start of the payload.
    payload: usize,
    ipv4: bool,
    tcp: bool,
}

fn layout(frame: &[u8], gso_type: u8) -> Option<Layout> {
    let tcp = match gso_type & !GSO_ECN {
        GSO_TCPV4 | GSO_TCPV6 => true,
        GSO_UDP_L4 => false,
        _ => return None,
    };
    let l3 = ETH_HLEN;
    let ethertype = u16::from_be_bytes([*frame.get(12)?, *frame.get(13)?]);
    let (ipv4, l4) = match ethertype {
        0x0800 => {
            let ihl = usize::from(frame.get(l3)? & 0x0f) * 4;
            let proto = *frame.get(l3 + 9)?;
            if ihl < 20 || proto != if tcp { 6 } else { 17 } {
                return None;
            }
            (true, l3 + ihl)
        }
        0x86dd => {
            let next = *frame.get(l3 + 6)?;
            if next != if tcp { 6 } else { 17 } {
                return None;
            }
            (false, l3 + 40)
        }
        _ => return None,
    };
    let l4_len = if tcp {
        usize::from(frame.get(l4 + 12)? >> 4) * 4
    } else {
        8
    };
    // a TCP header is at least 20 bytes (doff >= 5)
    if l4_len < if tcp { 20 } else { 8 } || l4 + l4_len > frame.len() {
        return None;
    }
    Some(Layout {
        l3,
        l4,
        payload: l4 + l4_len,
        ipv4,
        tcp,
    })
}

/// The pseudo-header sum for an L4 segment of `l4_len` bytes.
fn pseudo(frame: &[u8], at: &Layout, l4_len: usize) -> u32 {
    let proto = if at.tcp { 6u32 } else { 17 };
    let addrs = if at.ipv4 {
        &frame[at.l3 + 12..at.l3 + 20]
    } else {
        &frame[at.l3 + 8..at.l3 + 40]
    };
    add(0, addrs) + proto + l4_len as u32
}

/// Cuts the GSO frame `frame` (`gso_type`, `gso_size` from its virtio
/// header) into packets of at most `gso_size` payload bytes; `None` when
/// the frame is not one this knows how to cut.
pub fn segment(frame: &[u8], gso_type: u8, gso_size: u16) -> Option<Vec<Vec<u8>>> {
    let at = layout(frame, gso_type)?;
    let mss = usize::from(gso_size);
    let payload = &frame[at.payload..];
    if mss == 0 || payload.is_empty() {
        return None;
    }
    let count = payload.len().div_ceil(mss);
    let seq0 = if at.tcp {
        u32::from_be_bytes(frame[at.l4 + 4..at.l4 + 8].try_into().ok()?)
    } else {
        0
    };
    let id0 = if at.ipv4 {
        u16::from_be_bytes([frame[at.l3 + 4], frame[at.l3 + 5]])
    } else {
        0
    };
    let mut out = Vec::with_capacity(count);
    for (i, chunk) in payload.chunks(mss).enumerate() {
        let mut seg = Vec::with_capacity(at.payload + chunk.len());
        seg.extend_from_slice(&frame[..at.payload]);
        seg.extend_from_slice(chunk);
        let l4_len = seg.len() - at.l4;
        if at.ipv4 {
            let total = (seg.len() - at.l3) as u16;
            seg[at.l3 + 2..at.l3 + 4].copy_from_slice(&total.to_be_bytes());
            let id = id0.wrapping_add(i as u16);
            seg[at.l3 + 4..at.l3 + 6].copy_from_slice(&id.to_be_bytes());
            seg[at.l3 + 10..at.l3 + 12].fill(0);
            let c = fold(add(0, &seg[at.l3..at.l4]));
            seg[at.l3 + 10..at.l3 + 12].copy_from_slice(&c.to_be_bytes());
        } else {
            let plen = (seg.len() - at.l3 - 40) as u16;
            seg[at.l3 + 4..at.l3 + 6].copy_from_slice(&plen.to_be_bytes());
        }
        let csum_at = if at.tcp {
            let seq = seq0.wrapping_add((i * mss) as u32);
            seg[at.l4 + 4..at.l4 + 8].copy_from_slice(&seq.to_be_bytes());
            let flags = &mut seg[at.l4 + 13];
            if i + 1 < count {
                *flags &= !(TCP_FIN | TCP_PSH);
            }
            if i > 0 {
                *flags &= !TCP_CWR;
            }
            at.l4 + 16
        } else {
            seg[at.l4 + 4..at.l4 + 6].copy_from_slice(&(l4_len as u16).to_be_bytes());
            at.l4 + 6
        };
        seg[csum_at..csum_at + 2].fill(0);
        let mut c = fold(add(pseudo(&seg, &at, l4_len), &seg[at.l4..]));
        if !at.tcp && c == 0 {
            // UDP: a computed 0 goes out as 0xffff
            c = 0xffff;
        }
        seg[csum_at..csum_at + 2].copy_from_slice(&c.to_be_bytes());
        out.push(seg);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An Ethernet + IPv4 + TCP frame carrying `payload`, with `flags`.
    fn tcp4(payload: &[u8], flags: u8) -> Vec<u8> {
        let mut f = vec![2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x00];
        let total = (20 + 20 + payload.len()) as u16;
        f.extend_from_slice(&[0x45, 0, 0, 0, 0x12, 0x34, 0x40, 0, 64, 6, 0, 0]);
        f[16..18].copy_from_slice(&total.to_be_bytes());
        f.extend_from_slice(&[10, 0, 0, 1, 10, 0, 0, 2]);
        // ports 1000 → 2000, seq 0xfffffff0, ack 7, doff 5
        f.extend_from_slice(&[0x03, 0xe8, 0x07, 0xd0, 0xff, 0xff, 0xff, 0xf0]);
        f.extend_from_slice(&[0, 0, 0, 7, 0x50, flags, 0xff, 0xff, 0, 0, 0, 0]);
        f.extend_from_slice(payload);
        f
    }

    /// Checks a segment's IPv4 and TCP checksums independently.
    fn checksums_ok(seg: &[u8]) -> bool {
        let ip_ok = fold(add(0, &seg[14..34])) == 0;
        let tcp_len = seg.len() - 34;
        let pseudo = add(0, &seg[26..34]) + 6 + tcp_len as u32;
        ip_ok && fold(add(pseudo, &seg[34..])) == 0
    }

    #[test]
    fn tcp_is_cut_at_the_mss_with_headers_fixed() {
        let payload: Vec<u8> = (0..2500u32).map(|i| i as u8).collect();
        let frame = tcp4(&payload, TCP_PSH | TCP_FIN | 0x10 | TCP_CWR);
        let segs = segment(&frame, GSO_TCPV4, 1000).unwrap();
        assert_eq!(segs.len(), 3);
        let mut joined = Vec::new();
        for (i, s) in segs.iter().enumerate() {
            assert!(checksums_ok(s), "segment {i}");
            let total = u16::from_be_bytes([s[16], s[17]]) as usize;
            assert_eq!(total, s.len() - 14);
            assert_eq!(u16::from_be_bytes([s[18], s[19]]), 0x1234 + i as u16);
            let seq = u32::from_be_bytes(s[38..42].try_into().unwrap());
            assert_eq!(seq, 0xffff_fff0u32.wrapping_add(1000 * i as u32));
            let flags = s[47];
            assert_eq!(flags & (TCP_FIN | TCP_PSH) != 0, i == 2, "segment {i}");
            assert_eq!(flags & TCP_CWR != 0, i == 0, "segment {i}");
            assert_eq!(flags & 0x10, 0x10, "ACK everywhere");
            joined.extend_from_slice(&s[54..]);
        }
        assert_eq!(joined, payload);
        assert_eq!(segs[2].len(), 54 + 500);
    }

    #[test]
    fn udp_segments_get_their_own_length_and_checksum() {
        let mut f = vec![2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x86, 0xdd];
        f.extend_from_slice(&[0x60, 0, 0, 0, 0, 0, 17, 64]);
        f.extend_from_slice(&[0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
        f.extend_from_slice(&[0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2]);
        f.extend_from_slice(&[0x13, 0x88, 0x13, 0x89, 0, 0, 0, 0]);
        f.extend((0..300u32).map(|i| (i * 7) as u8));
        let segs = segment(&f, GSO_UDP_L4, 128).unwrap();
        assert_eq!(segs.len(), 3);
        for s in &segs {
            let udp_len = u16::from_be_bytes([s[58], s[59]]) as usize;
            assert_eq!(udp_len, s.len() - 54);
            assert_eq!(u16::from_be_bytes([s[18], s[19]]) as usize, udp_len);
            let pseudo = add(0, &s[22..54]) + 17 + udp_len as u32;
            assert_eq!(fold(add(pseudo, &s[54..])), 0);
        }
    }

    #[test]
    fn frames_it_does_not_know_are_left_whole() {
        let frame = tcp4(&[1; 100], 0x10);
        // wrong type for the protocol, unknown type, no payload, no MSS
        assert!(segment(&frame, GSO_UDP_L4, 10).is_none());
        assert!(segment(&frame, 3, 10).is_none());
        assert!(segment(&tcp4(&[], 0x10), GSO_TCPV4, 10).is_none());
        assert!(segment(&frame, GSO_TCPV4, 0).is_none());
        assert!(segment(&frame[..40], GSO_TCPV4, 10).is_none());
        // a TCP data offset under 5 words (found by the gso fuzz target)
        let mut short = frame.clone();
        short[46] = 0x20;
        assert!(segment(&short, GSO_TCPV4, 10).is_none());
        // ECN flag on the type is fine
        assert_eq!(segment(&frame, GSO_TCPV4 | GSO_ECN, 40).unwrap().len(), 3);
    }
}
