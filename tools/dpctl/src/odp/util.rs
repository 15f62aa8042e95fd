//! Small helpers shared by the parsers and printers.

use genl::{Attr, AttrIter};
use std::net::{Ipv4Addr, Ipv6Addr};

/// C's `%#x`: `0` for zero, else `0x…`.
pub fn hx(v: u64) -> String {
    if v == 0 {
        "0".into()
    } else {
        format!("{v:#x}")
    }
}

/// OVS's `ds_put_hex`: `0x` and the bytes without leading zero bytes
/// (the first one without its leading zero digit), or `0`.
pub fn put_hex(b: &[u8]) -> String {
    match b.iter().position(|&x| x != 0) {
        None => "0".into(),
        Some(i) => {
            let mut s = format!("{:#x}", b[i]);
            for x in &b[i + 1..] {
                s.push_str(&format!("{x:02x}"));
            }
            s
        }
    }
}

/// Bytes as `%02x` separated by spaces (odp-util's generic key format).
pub fn spaced_hex(b: &[u8]) -> String {
    b.iter()
        .map(|x| format!("{x:02x}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// A MAC address.
pub fn mac(b: &[u8]) -> String {
    b.iter()
        .map(|x| format!("{x:02x}"))
        .collect::<Vec<_>>()
        .join(":")
}

/// `N` bytes at `off`, zero-filled where `b` is too short (a printer
/// must not panic on a malformed attribute; its length is checked, and
/// reported, elsewhere).
fn at<const N: usize>(b: &[u8], off: usize) -> [u8; N] {
    let mut a = [0u8; N];
    for (i, x) in a.iter_mut().enumerate() {
        *x = b.get(off + i).copied().unwrap_or(0);
    }
    a
}

/// An IPv4 address from 4 bytes.
pub fn ip4(b: &[u8]) -> String {
    Ipv4Addr::from(at::<4>(b, 0)).to_string()
}

/// An IPv6 address from 16 bytes.
pub fn ip6(b: &[u8]) -> String {
    Ipv6Addr::from(at::<16>(b, 0)).to_string()
}

/// Big-endian u16 at `off`.
pub fn be16(b: &[u8], off: usize) -> u16 {
    u16::from_be_bytes(at(b, off))
}

/// Big-endian u32 at `off`.
pub fn be32(b: &[u8], off: usize) -> u32 {
    u32::from_be_bytes(at(b, off))
}

/// Native-endian u32 at `off`.
pub fn ne32(b: &[u8], off: usize) -> u32 {
    u32::from_ne_bytes(at(b, off))
}

/// The attribute `kind` among `attrs`.
pub fn find(attrs: &[u8], kind: u16) -> Option<Attr<'_>> {
    AttrIter::new(attrs).find(|a| a.kind == kind)
}

/// True when every byte is `v`.
pub fn all(b: &[u8], v: u8) -> bool {
    b.iter().all(|&x| x == v)
}
