//! `PUSH_NSH` / `POP_NSH`: `push_nsh` / `pop_nsh` over `nsh_push` /
//! `nsh_pop`, with the header built as `nsh_hdr_from_nlattr` builds it.

use flowtable::actions::PushNsh;
use flowtable::Packet;
use genl::Errno;

use crate::skb::{
    shift_inner_insert, shift_inner_remove, KeyState, MAC_PROTO_ETHERNET, MAC_PROTO_NONE,
};

/// `ETH_P_NSH`.
const ETH_P_NSH: u16 = 0x894f;
/// `ETH_P_TEB`.
const ETH_P_TEB: u16 = 0x6558;
/// `NSH_BASE_HDR_LEN`.
const BASE_LEN: usize = 8;
/// `NSH_HDR_MAX_LEN`.
const MAX_LEN: usize = 256;
/// `-EAFNOSUPPORT`.
const EAFNOSUPPORT: Errno = Errno(97);

/// `tun_p_from_eth_p`.
fn tun_p_from_eth_p(t: u16) -> u8 {
    match t {
        0x0800 => 1,
        0x86dd => 2,
        ETH_P_NSH => 4,
        0x8847 => 5,
        _ => 0,
    }
}

/// `tun_p_to_eth_p`.
fn tun_p_to_eth_p(np: u8) -> u16 {
    match np {
        1 => 0x0800,
        2 => 0x86dd,
        3 => ETH_P_TEB,
        4 => ETH_P_NSH,
        5 => 0x8847,
        _ => 0,
    }
}

/// `nsh_hdr_len`: the length field (6 bits of 4-byte words).
fn nsh_hdr_len(b0: u8, b1: u8) -> usize {
    ((u16::from_be_bytes([b0, b1]) & 0x3f) as usize) << 2
}

/// `push_nsh`: an NSH header (base from the action, `np` from the packet)
/// in front of the packet, which becomes an L3 NSH packet.
pub(crate) fn push_nsh(pkt: &mut Packet, kx: &mut KeyState<'_>, a: &PushNsh) -> Result<(), Errno> {
    // nsh_hdr_from_nlattr
    let mut buf = [0u8; MAX_LEN];
    let md = &a.md;
    if md.len() > MAX_LEN - BASE_LEN {
        return Err(Errno::ENOBUFS);
    }
    let (flags, ttl) = (a.base[0], a.base[1]);
    buf[2] = a.base[2]; // mdtype
    buf[3] = a.base[3]; // np
    buf[4..8].copy_from_slice(&a.base[4..8]);
    buf[BASE_LEN..BASE_LEN + md.len()].copy_from_slice(md);
    // nsh_set_flags_ttl_len takes the length as a u8
    let len = ((BASE_LEN + md.len()) as u8) >> 2;
    let v =
        (((flags as u16) << 12) & 0x3000) | (((ttl as u16) << 6) & 0x0fc0) | (len as u16 & 0x3f);
    buf[0..2].copy_from_slice(&v.to_be_bytes());
    // nsh_push
    let next_proto = if pkt.mac_len != 0 {
        3 // TUN_P_ETHERNET
    } else {
        match tun_p_from_eth_p(pkt.protocol) {
            0 => return Err(EAFNOSUPPORT),
            p => p,
        }
    };
    let length = nsh_hdr_len(buf[0], buf[1]);
    pkt.data.splice(0..0, buf[..length].iter().copied());
    if pkt.data.len() > 3 {
        pkt.data[3] = next_proto;
    }
    pkt.protocol = ETH_P_NSH;
    shift_inner_insert(pkt, 0, length);
    pkt.network = 0;
    pkt.mac_len = 0;
    kx.key.mac_proto = MAC_PROTO_NONE;
    kx.invalidate();
    Ok(())
}

/// `pop_nsh`: the NSH header at the start of the packet goes; what follows
/// (by its `np`) is Ethernet or L3.
pub(crate) fn pop_nsh(pkt: &mut Packet, kx: &mut KeyState<'_>) -> Result<(), Errno> {
    let d = &pkt.data;
    if d.len() < BASE_LEN {
        return Err(Errno::ENOMEM);
    }
    let length = nsh_hdr_len(d[0], d[1]);
    if length < BASE_LEN {
        return Err(Errno::EINVAL);
    }
    let inner = tun_p_to_eth_p(d[3]);
    if d.len() < length {
        return Err(Errno::ENOMEM);
    }
    if inner == 0 {
        return Err(EAFNOSUPPORT);
    }
    pkt.data.drain(0..length);
    shift_inner_remove(pkt, 0, length);
    pkt.network = 0;
    pkt.mac_len = 0;
    pkt.protocol = inner;
    kx.key.mac_proto = if inner == ETH_P_TEB {
        MAC_PROTO_ETHERNET
    } else {
        MAC_PROTO_NONE
    };
    kx.invalidate();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use flowtable::FlowKey;

    fn md1() -> PushNsh {
        PushNsh {
            payload: Vec::new(),
            base: [0x02, 63, 1, 0, 0, 0, 0x10, 0xff],
            md: (1..=16).collect(),
        }
    }

    #[test]
    fn push_md1_on_ethernet_then_pop() {
        let f: Vec<u8> = (0..40).collect();
        let mut p = Packet::from_frame(&f);
        p.protocol = 0x0800;
        p.mac_len = 14;
        p.network = 14;
        p.transport = 34;
        let mut k = FlowKey::default();
        let mut kx = KeyState {
            key: &mut k,
            invalid: false,
        };
        push_nsh(&mut p, &mut kx, &md1()).unwrap();
        // flags 2, ttl 63, len 6 words
        let v = (2u16 << 12) | (63 << 6) | 6;
        assert_eq!(&p.data[0..2], &v.to_be_bytes());
        assert_eq!(&p.data[2..8], &[1, 3, 0, 0, 0x10, 0xff]);
        assert_eq!(&p.data[8..24], &(1..=16).collect::<Vec<u8>>()[..]);
        assert_eq!(&p.data[24..], &f[..]);
        assert_eq!(
            (p.protocol, p.network, p.mac_len, p.transport),
            (ETH_P_NSH, 0, 0, 58)
        );
        assert_eq!((kx.key.mac_proto, kx.invalid), (MAC_PROTO_NONE, true));
        pop_nsh(&mut p, &mut kx).unwrap();
        assert_eq!(p.data, f);
        assert_eq!((p.protocol, p.transport), (ETH_P_TEB, 34));
        assert_eq!(kx.key.mac_proto, MAC_PROTO_ETHERNET);
    }

    #[test]
    fn push_on_l3_needs_a_known_protocol_and_pop_checks() {
        let mut p = Packet::from_frame(&[0x45; 20]);
        p.protocol = 0x0806;
        p.network = 0;
        let mut k = FlowKey::default();
        let mut kx = KeyState {
            key: &mut k,
            invalid: false,
        };
        assert_eq!(push_nsh(&mut p, &mut kx, &md1()), Err(EAFNOSUPPORT));
        p.protocol = 0x86dd;
        push_nsh(&mut p, &mut kx, &md1()).unwrap();
        assert_eq!(p.data[3], 2);
        pop_nsh(&mut p, &mut kx).unwrap();
        assert_eq!(p.protocol, 0x86dd);
        assert_eq!(kx.key.mac_proto, MAC_PROTO_NONE);
        // too short, bad length, unknown next protocol
        let mut p = Packet::from_frame(&[0; 7]);
        assert_eq!(pop_nsh(&mut p, &mut kx), Err(Errno::ENOMEM));
        let mut p = Packet::from_frame(&[0, 1, 0, 1, 0, 0, 0, 0]);
        assert_eq!(pop_nsh(&mut p, &mut kx), Err(Errno::EINVAL));
        let mut p = Packet::from_frame(&[0, 2, 0, 9, 0, 0, 0, 0]);
        assert_eq!(pop_nsh(&mut p, &mut kx), Err(EAFNOSUPPORT));
        let mut p = Packet::from_frame(&[0, 3, 0, 1, 0, 0, 0, 0]);
        assert_eq!(pop_nsh(&mut p, &mut kx), Err(Errno::ENOMEM));
    }
}
