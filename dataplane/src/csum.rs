//! Checksum arithmetic: the Internet checksum (RFC 1071) with its
//! incremental update (RFC 1624, the kernel's `csum_replace*` /
//! `inet_proto_csum_replace*`), and CRC32c for SCTP (`sctp_compute_cksum`).
//!
//! The executor models every packet as `CHECKSUM_NONE`: checksums in the
//! packet are complete and are updated in place; there is no `skb->csum`.

/// One's-complement sum of `data` as big-endian 16-bit words (an odd last
/// byte padded with zero), added to `initial`, not folded.
pub fn sum_words(data: &[u8], initial: u32) -> u64 {
    let mut s = initial as u64;
    let mut chunks = data.chunks_exact(2);
    for w in &mut chunks {
        s += u16::from_be_bytes([w[0], w[1]]) as u64;
    }
    if let [b] = chunks.remainder() {
        s += (*b as u64) << 8;
    }
    s
}

/// Folds a wide sum to 16 bits with end-around carries (without the final
/// complement).
pub fn fold(mut s: u64) -> u16 {
    while s >> 16 != 0 {
        s = (s & 0xffff) + (s >> 16);
    }
    s as u16
}

/// The Internet checksum of `data` (`ip_fast_csum` / `csum_fold(csum_partial)`):
/// the complement of the folded sum. Over a header whose checksum field is
/// right, this is 0.
pub fn checksum(data: &[u8]) -> u16 {
    !fold(sum_words(data, 0))
}

/// `csum_replace4` / `csum_replace2` / `inet_proto_csum_replace16` on a
/// complete checksum: the big-endian checksum at `check` updated for the
/// bytes `old` becoming `new` (same even length, 16-bit aligned in the
/// checksummed data): `~(~check + ~old + new)`.
pub fn replace(check: [u8; 2], old: &[u8], new: &[u8]) -> [u8; 2] {
    let mut s = !u16::from_be_bytes(check) as u64;
    for w in old.chunks_exact(2) {
        s += !u16::from_be_bytes([w[0], w[1]]) as u64;
    }
    s += sum_words(new, 0);
    (!fold(s)).to_be_bytes()
}

/// [`replace`] on the two checksum bytes at `data[at..at + 2]`.
pub fn replace_at(data: &mut [u8], at: usize, old: &[u8], new: &[u8]) {
    let c = replace([data[at], data[at + 1]], old, new);
    data[at..at + 2].copy_from_slice(&c);
}

/// The IPv4/IPv6 pseudo-header sum for a transport checksum (for tests and
/// for building packets): addresses, protocol and length.
pub fn pseudo_sum(src: &[u8], dst: &[u8], proto: u8, len: usize) -> u32 {
    let mut s = sum_words(src, 0) + sum_words(dst, 0) + proto as u64;
    s += (len as u64 >> 16) + (len as u64 & 0xffff);
    fold(s) as u32
}

/// A transport checksum over `seg` (its checksum field zeroed or not: pass
/// the segment as it should be summed) with pseudo-header sum `pseudo`.
pub fn transport_checksum(pseudo: u32, seg: &[u8]) -> u16 {
    !fold(sum_words(seg, pseudo))
}

/// CRC32c (Castagnoli, reflected polynomial 0x82F63B78), one table of 256
/// entries built at compile time.
const CRC32C_TABLE: [u32; 256] = {
    let mut t = [0u32; 256];
    let mut i = 0;
    while i < 256 {
        let mut c = i as u32;
        let mut k = 0;
        while k < 8 {
            c = if c & 1 != 0 {
                (c >> 1) ^ 0x82F6_3B78
            } else {
                c >> 1
            };
            k += 1;
        }
        t[i] = c;
        i += 1;
    }
    t
};

/// Continues a CRC32c over `data` from register `crc` (no pre/post
/// inversion).
pub fn crc32c_update(mut crc: u32, data: &[u8]) -> u32 {
    for &b in data {
        crc = CRC32C_TABLE[((crc ^ b as u32) & 0xff) as usize] ^ (crc >> 8);
    }
    crc
}

/// The CRC32c of `data` (initial `~0`, final inversion).
pub fn crc32c(data: &[u8]) -> u32 {
    !crc32c_update(!0, data)
}

/// `sctp_compute_cksum`: the CRC32c of the SCTP packet `sctp` with its
/// checksum field (bytes 8..12) taken as zero, as the bytes the field holds
/// on the wire (little-endian). `sctp` is at least 12 bytes.
pub fn sctp_checksum(sctp: &[u8]) -> [u8; 4] {
    let mut crc = crc32c_update(!0, &sctp[..8]);
    crc = crc32c_update(crc, &[0; 4]);
    crc = crc32c_update(crc, &sctp[12..]);
    (!crc).to_le_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32c_check_value() {
        // The standard check value of CRC-32C.
        assert_eq!(crc32c(b"123456789"), 0xE306_9283);
        assert_eq!(crc32c(b""), 0);
    }

    #[test]
    fn sctp_checksum_ignores_its_field() {
        let mut p = vec![0u8; 32];
        p[0] = 0x12;
        p[31] = 0x34;
        let c = sctp_checksum(&p);
        p[8..12].copy_from_slice(&c);
        assert_eq!(sctp_checksum(&p), c);
        let mut q = p.clone();
        q[8..12].fill(0);
        assert_eq!(crc32c(&q).to_le_bytes(), c);
    }

    #[test]
    fn incremental_update_matches_recomputation() {
        // An IPv4 header with a correct checksum.
        let mut h = [
            0x45, 0, 0, 0x54, 0x12, 0x34, 0x40, 0, 64, 6, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
        ];
        let c = checksum(&h);
        h[10..12].copy_from_slice(&c.to_be_bytes());
        assert_eq!(checksum(&h), 0);
        // change the source address and the TTL incrementally
        let old: [u8; 4] = h[12..16].try_into().unwrap();
        let new = [192, 168, 200, 7];
        h[12..16].copy_from_slice(&new);
        replace_at(&mut h, 10, &old, &new);
        assert_eq!(checksum(&h), 0);
        replace_at(&mut h, 10, &[64, 6], &[1, 6]);
        h[8] = 1;
        assert_eq!(checksum(&h), 0);
    }

    #[test]
    fn odd_lengths_pad_with_zero() {
        assert_eq!(sum_words(&[1, 2, 3], 0), 0x0102 + 0x0300);
        assert_eq!(fold(0x1_fffe), 0xffff);
        assert_eq!(pseudo_sum(&[0, 0, 0, 1], &[0, 0, 0, 2], 6, 20), 3 + 6 + 20);
    }
}
