//! Frames on an `AF_PACKET` socket as the kernel datapath would see them.
//!
//! A packet socket hands over the skb of a locally generated frame before
//! its transport checksum is filled in (`CHECKSUM_PARTIAL`, the offload a
//! veth advertises), and strips an accelerated VLAN tag into ancillary data.
//! The kernel datapath sees the skb itself and completes the checksum on
//! output (`skb_checksum_help`) or keeps the tag in `skb->vlan_tci`; ovsd
//! gets bytes, so on receive it asks for a `virtio_net_hdr`
//! (`PACKET_VNET_HDR`) and `PACKET_AUXDATA`, finishes a partial checksum in
//! software and puts the tag back into the frame.
//!
//! Large (GSO) frames are cut into MTU-sized packets ([`super::gso`]);
//! those it does not know how to cut are passed on whole (and a port whose
//! MTU they exceed drops them on transmit).

use std::io;
use std::os::fd::{AsRawFd, BorrowedFd};

use genl::Errno;

use super::{csum, gso, sys};

/// `sizeof(struct virtio_net_hdr)`.
pub(crate) const VNET_HDR_LEN: usize = 10;
/// `VIRTIO_NET_HDR_F_NEEDS_CSUM`.
const NEEDS_CSUM: u8 = 1;
/// `TP_STATUS_VLAN_VALID`.
const TP_STATUS_VLAN_VALID: u32 = 1 << 4;
/// `TP_STATUS_VLAN_TPID_VALID`.
const TP_STATUS_VLAN_TPID_VALID: u32 = 1 << 6;
/// Ethernet addresses: where an inserted VLAN tag goes.
const ETH_ADDRS: usize = 12;
/// `ETH_P_8021Q`.
const ETH_P_8021Q: u16 = 0x8100;

/// Turns on the virtio header and the ancillary VLAN data on `fd`.
pub(crate) fn enable(fd: BorrowedFd<'_>) -> io::Result<()> {
    for opt in [libc::PACKET_VNET_HDR, libc::PACKET_AUXDATA] {
        let one: libc::c_int = 1;
        // SAFETY: `one` is a live c_int of the size passed.
        let r = unsafe {
            libc::setsockopt(
                fd.as_raw_fd(),
                libc::SOL_PACKET,
                opt,
                (&one as *const libc::c_int).cast(),
                std::mem::size_of::<libc::c_int>() as libc::socklen_t,
            )
        };
        if r != 0 {
            return Err(io::Error::last_os_error());
        }
    }
    Ok(())
}

/// Sends `frame` behind an all-zero virtio header (nothing to offload).
pub(crate) fn transmit(fd: BorrowedFd<'_>, frame: &[u8]) -> Result<(), Errno> {
    let hdr = [0u8; VNET_HDR_LEN];
    let iov = [
        libc::iovec {
            iov_base: hdr.as_ptr() as *mut libc::c_void,
            iov_len: hdr.len(),
        },
        libc::iovec {
            iov_base: frame.as_ptr() as *mut libc::c_void,
            iov_len: frame.len(),
        },
    ];
    // SAFETY: both iovecs point at live buffers of the lengths given; the
    // kernel only reads them.
    let n = unsafe { libc::writev(fd.as_raw_fd(), iov.as_ptr(), 2) };
    if n < 0 {
        let e = io::Error::last_os_error();
        return Err(match e.raw_os_error() {
            Some(libc::EAGAIN) => Errno::ENOBUFS,
            _ => sys::errno(&e),
        });
    }
    Ok(())
}

/// What one read from the socket gave.
pub(crate) enum Received {
    /// One frame, in the caller's buffer, of this length.
    Frame(usize),
    /// A GSO frame cut into these packets (in order).
    Segments(Vec<Vec<u8>>),
}

/// Reads one frame into `buf` without blocking, completed as described in
/// the module documentation.
pub(crate) fn receive(fd: BorrowedFd<'_>, buf: &mut [u8]) -> Result<Option<Received>, Errno> {
    let mut hdr = [0u8; VNET_HDR_LEN];
    // room for the VLAN tag put back in front of the payload
    let room = buf.len().saturating_sub(4);
    let mut iov = [
        libc::iovec {
            iov_base: hdr.as_mut_ptr().cast(),
            iov_len: hdr.len(),
        },
        libc::iovec {
            iov_base: buf.as_mut_ptr().cast(),
            iov_len: room,
        },
    ];
    // u64s keep the control buffer aligned for cmsghdr
    let mut control = [0u64; 16];
    // SAFETY: all-zero is a valid msghdr.
    let mut msg: libc::msghdr = unsafe { std::mem::zeroed() };
    msg.msg_iov = iov.as_mut_ptr();
    msg.msg_iovlen = 2;
    msg.msg_control = control.as_mut_ptr().cast();
    msg.msg_controllen = std::mem::size_of_val(&control);
    // SAFETY: `msg` points at live buffers of the lengths given.
    let n = unsafe { libc::recvmsg(fd.as_raw_fd(), &mut msg, libc::MSG_DONTWAIT) };
    if n < 0 {
        let e = io::Error::last_os_error();
        return match e.raw_os_error() {
            Some(libc::EAGAIN) | Some(libc::EINTR) => Ok(None),
            _ => Err(sys::errno(&e)),
        };
    }
    let mut len = (n as usize).saturating_sub(VNET_HDR_LEN).min(room);
    let vlan = vlan_from_aux(&msg);
    let (gso_type, gso_size) = (hdr[1], u16::from_ne_bytes([hdr[4], hdr[5]]));
    if gso_type != 0 {
        if let Some(mut segs) = gso::segment(&buf[..len], gso_type, gso_size) {
            if let Some((tpid, tci)) = vlan {
                for s in &mut segs {
                    let mut tag = [0u8; 4];
                    tag[..2].copy_from_slice(&tpid.to_be_bytes());
                    tag[2..].copy_from_slice(&tci.to_be_bytes());
                    s.splice(ETH_ADDRS..ETH_ADDRS, tag);
                }
            }
            return Ok(Some(Received::Segments(segs)));
        }
    }
    if hdr[0] & NEEDS_CSUM != 0 {
        let start = usize::from(u16::from_ne_bytes([hdr[6], hdr[7]]));
        let offset = usize::from(u16::from_ne_bytes([hdr[8], hdr[9]]));
        complete_checksum(&mut buf[..len], start, offset);
    }
    if let Some((tpid, tci)) = vlan {
        len = insert_vlan(buf, len, tpid, tci);
    }
    Ok(Some(Received::Frame(len)))
}

/// The accelerated VLAN tag in a `PACKET_AUXDATA` control message.
fn vlan_from_aux(msg: &libc::msghdr) -> Option<(u16, u16)> {
    // SAFETY: `msg` was filled in by recvmsg; the CMSG macros stay within
    // `msg_controllen`.
    unsafe {
        let mut c = libc::CMSG_FIRSTHDR(msg);
        while !c.is_null() {
            if (*c).cmsg_level == libc::SOL_PACKET && (*c).cmsg_type == libc::PACKET_AUXDATA {
                let aux: libc::tpacket_auxdata =
                    std::ptr::read_unaligned(libc::CMSG_DATA(c).cast());
                if aux.tp_status & TP_STATUS_VLAN_VALID == 0 {
                    return None;
                }
                let tpid = if aux.tp_status & TP_STATUS_VLAN_TPID_VALID != 0 {
                    aux.tp_vlan_tpid
                } else {
                    ETH_P_8021Q
                };
                return Some((tpid, aux.tp_vlan_tci));
            }
            c = libc::CMSG_NXTHDR(msg, c);
        }
    }
    None
}

/// `skb_checksum_help`: stores the folded ones'-complement sum of
/// `frame[start..]` (which starts from the pseudo-header sum the stack left
/// in the checksum field) at `start + offset`. Out-of-range offsets leave
/// the frame alone.
pub(crate) fn complete_checksum(frame: &mut [u8], start: usize, offset: usize) {
    let at = start + offset;
    if start > frame.len() || at + 2 > frame.len() {
        return;
    }
    let mut folded = csum::fold(csum::add(0, &frame[start..]));
    // skb_checksum_help: a folded 0 goes out as CSUM_MANGLED_0
    if folded == 0 {
        folded = 0xffff;
    }
    frame[at..at + 2].copy_from_slice(&folded.to_be_bytes());
}

/// Puts a VLAN tag back after the Ethernet addresses of the `len`-byte
/// frame in `buf` (which has room for it); returns the new length.
pub(crate) fn insert_vlan(buf: &mut [u8], len: usize, tpid: u16, tci: u16) -> usize {
    if len < ETH_ADDRS || len + 4 > buf.len() {
        return len;
    }
    buf.copy_within(ETH_ADDRS..len, ETH_ADDRS + 4);
    buf[ETH_ADDRS..ETH_ADDRS + 2].copy_from_slice(&tpid.to_be_bytes());
    buf[ETH_ADDRS + 2..ETH_ADDRS + 4].copy_from_slice(&tci.to_be_bytes());
    len + 4
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A UDP/IPv4 frame whose checksum field holds the pseudo-header sum,
    /// as a `CHECKSUM_PARTIAL` skb has it.
    fn partial_udp() -> (Vec<u8>, u16) {
        let mut f = vec![0u8; 14];
        f[12..14].copy_from_slice(&[0x08, 0x00]);
        let ip = [
            0x45, 0, 0, 30, 0, 0, 0x40, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
        ];
        f.extend_from_slice(&ip);
        let udp = [0x12, 0x34, 0x56, 0x78, 0, 10, 0, 0, 0xab, 0xcd];
        f.extend_from_slice(&udp);
        // pseudo header: src, dst, proto, length
        let words: [u32; 6] = [0x0a00, 0x0001, 0x0a00, 0x0002, 17, 10];
        let mut s: u32 = words.iter().sum();
        while s > 0xffff {
            s = (s & 0xffff) + (s >> 16);
        }
        f[40..42].copy_from_slice(&(s as u16).to_be_bytes());
        // the full checksum, by hand: pseudo + header + data, folded, inverted
        let mut full = s + 0x1234 + 0x5678 + 10 + 0xabcd;
        while full > 0xffff {
            full = (full & 0xffff) + (full >> 16);
        }
        (f, !(full as u16))
    }

    #[test]
    fn a_partial_udp_checksum_is_completed() {
        let (mut f, want) = partial_udp();
        complete_checksum(&mut f, 34, 6);
        assert_eq!(u16::from_be_bytes([f[40], f[41]]), want);
    }

    #[test]
    fn out_of_range_offsets_leave_the_frame_alone() {
        let (f, _) = partial_udp();
        for (start, off) in [(100, 0), (34, 100), (43, 0)] {
            let mut g = f.clone();
            complete_checksum(&mut g, start, off);
            assert_eq!(g, f, "start {start} offset {off}");
        }
    }

    #[test]
    fn odd_lengths_pad_the_last_byte() {
        let mut f = vec![0u8, 0, 0x01];
        complete_checksum(&mut f, 0, 0);
        // sum = 0x0100 → !0x0100
        assert_eq!(u16::from_be_bytes([f[0], f[1]]), !0x0100);
    }

    #[test]
    fn a_vlan_tag_goes_back_after_the_addresses() {
        let mut buf = vec![0u8; 64];
        let frame: Vec<u8> = (1..=16).collect();
        buf[..16].copy_from_slice(&frame);
        let n = insert_vlan(&mut buf, 16, 0x8100, 0x2005);
        assert_eq!(n, 20);
        assert_eq!(&buf[..12], &frame[..12]);
        assert_eq!(&buf[12..16], &[0x81, 0x00, 0x20, 0x05]);
        assert_eq!(&buf[16..20], &frame[12..16]);
        // no room: unchanged
        let mut small = frame.clone();
        assert_eq!(insert_vlan(&mut small, 16, 0x8100, 1), 16);
        assert_eq!(small, frame);
    }
}
