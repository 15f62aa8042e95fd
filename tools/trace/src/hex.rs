//! Lowercase hex, as the trace format writes it.

/// Decodes hex text, ignoring the separators `_ . : -`; `None` if invalid.
pub fn decode(s: &str) -> Option<Vec<u8>> {
    let digits: Vec<u8> = s
        .bytes()
        .filter(|c| !matches!(c, b'_' | b'.' | b':' | b'-'))
        .collect();
    if digits.len() % 2 != 0 {
        return None;
    }
    digits
        .chunks(2)
        .map(|p| u8::from_str_radix(std::str::from_utf8(p).ok()?, 16).ok())
        .collect()
}

/// Encodes bytes as lowercase hex without separators.
pub fn encode(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn round_trip() {
        assert_eq!(super::decode("0a_ff").unwrap(), vec![10, 255]);
        assert_eq!(super::encode(&[10, 255]), "0aff");
        assert!(super::decode("abc").is_none());
    }
}
