//! NSH (`parse_nsh`): the base header and MD type 1 context; MD type 2
//! leaves the context zero. Unlike every other protocol, a bad NSH header
//! makes extraction fail.

use genl::Errno;

use super::hdr::{be16, bytes, check_header};
use crate::key::FlowKey;
use crate::matching::attrs::NSH_M_TYPE1;
use crate::packet::Packet;

/// `NSH_BASE_HDR_LEN`.
const NSH_BASE_HDR_LEN: usize = 8;
/// `NSH_M_TYPE1_LEN`: base header plus four context words.
const NSH_M_TYPE1_LEN: usize = 24;
/// `NSH_M_TYPE2`.
const NSH_M_TYPE2: u8 = 2;

/// The NSH fields of `key` from the header at `pkt.network`. `-EINVAL`
/// when the base header or the length it gives runs past the frame, the
/// version is not 0, the MD type is neither 1 nor 2, or an MD1 header is
/// not 24 bytes long.
pub(super) fn extract(pkt: &mut Packet, key: &mut FlowKey) -> Result<(), Errno> {
    let nh = usize::from(pkt.network);
    let d = &pkt.data;
    check_header(d, nh.saturating_add(NSH_BASE_HDR_LEN))?;
    let ver_flags_ttl_len = be16(d, nh);
    let version = (ver_flags_ttl_len & 0xc000) >> 14;
    // nsh_hdr_len: the length is counted in 4-byte words.
    let length = usize::from(ver_flags_ttl_len & 0x003f) << 2;
    if version != 0 {
        return Err(Errno::EINVAL);
    }
    check_header(d, nh + length)?;

    key.nsh.flags = ((ver_flags_ttl_len & 0x3000) >> 12) as u8;
    key.nsh.ttl = ((ver_flags_ttl_len & 0x0fc0) >> 6) as u8;
    // parse_nsh: the whole byte, not just the 4-bit MD type.
    key.nsh.mdtype = d[nh + 2];
    key.nsh.np = d[nh + 3];
    key.nsh.path_hdr = bytes(d, nh + 4);
    match key.nsh.mdtype {
        NSH_M_TYPE1 => {
            if length != NSH_M_TYPE1_LEN {
                return Err(Errno::EINVAL);
            }
            for (i, c) in key.nsh.context.iter_mut().enumerate() {
                *c = bytes(d, nh + NSH_BASE_HDR_LEN + 4 * i);
            }
        }
        NSH_M_TYPE2 => key.nsh.context = [[0; 4]; 4],
        _ => return Err(Errno::EINVAL),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::key_extract;

    /// NSH with flags 2, TTL 63, the given length (words) and MD type, next
    /// protocol 1 (IPv4), SPI 0x123456, SI 255, then `rest`.
    fn nsh(len_words: u16, mdtype: u8, rest: &[u8]) -> Vec<u8> {
        let mut f = vec![2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x89, 0x4f];
        let vftl = (2 << 12) | (63 << 6) | len_words;
        f.extend_from_slice(&vftl.to_be_bytes());
        f.extend_from_slice(&[mdtype, 1, 0x12, 0x34, 0x56, 0xff]);
        f.extend_from_slice(rest);
        f
    }

    fn run(f: &[u8]) -> Result<FlowKey, Errno> {
        let mut key = FlowKey::default();
        key_extract(&mut Packet::from_frame(f), &mut key).map(|()| key)
    }

    #[test]
    fn md1_base_and_context() {
        let ctx: Vec<u8> = (1..=16).collect();
        let k = run(&nsh(6, 1, &ctx)).unwrap();
        assert_eq!(
            (k.nsh.flags, k.nsh.ttl, k.nsh.mdtype, k.nsh.np),
            (2, 63, 1, 1)
        );
        assert_eq!(k.nsh.path_hdr, [0x12, 0x34, 0x56, 0xff]);
        assert_eq!(k.nsh.context[0], [1, 2, 3, 4]);
        assert_eq!(k.nsh.context[3], [13, 14, 15, 16]);
    }

    #[test]
    fn md2_has_no_context() {
        let k = run(&nsh(4, 2, &[0, 0, 1, 4, 9, 9, 9, 9])).unwrap();
        assert_eq!(k.nsh.mdtype, 2);
        assert_eq!(k.nsh.context, [[0; 4]; 4]);
    }

    #[test]
    fn errors() {
        let ctx = [0u8; 16];
        // MD1 with the wrong length.
        assert_eq!(run(&nsh(5, 1, &ctx)).err(), Some(Errno::EINVAL));
        // Length past the frame.
        assert_eq!(run(&nsh(6, 1, &ctx[..15])).err(), Some(Errno::EINVAL));
        // Unknown MD type.
        assert_eq!(run(&nsh(2, 3, &[])).err(), Some(Errno::EINVAL));
        // Version 1.
        let mut f = nsh(6, 1, &ctx);
        f[14] |= 0x40;
        assert_eq!(run(&f).err(), Some(Errno::EINVAL));
        // Short base header.
        assert_eq!(run(&nsh(6, 1, &[])[..21]).err(), Some(Errno::EINVAL));
    }
}
