//! Internet checksum arithmetic (RFC 1071) for the frames ovsd completes or
//! cuts on receive.

/// The ones'-complement sum of `data` added to `sum` (not folded); an odd
/// last byte counts as the high byte of a word.
pub(crate) fn add(mut sum: u32, data: &[u8]) -> u32 {
    let mut chunks = data.chunks_exact(2);
    for c in &mut chunks {
        sum += u32::from(u16::from_be_bytes([c[0], c[1]]));
    }
    if let [last] = chunks.remainder() {
        sum += u32::from(*last) << 8;
    }
    sum
}

/// Folds and inverts a ones'-complement sum (`csum_fold`).
pub(crate) fn fold(mut sum: u32) -> u16 {
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}
