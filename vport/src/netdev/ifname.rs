//! Interface names: validity as `dev_valid_name` sees it, and their
//! `ifr_name` form.

use genl::Errno;

/// Whether the kernel would accept `name` for a new net device
/// (`dev_valid_name`): 1..=15 bytes, not `.`/`..`, no `/`, `:` or white
/// space. `%` is refused too: the kernel would treat it as a `%d` template
/// and pick another name, which ovsd does not emulate.
pub(crate) fn is_valid(name: &str) -> bool {
    !name.is_empty()
        && name.len() < libc::IFNAMSIZ
        && name != "."
        && name != ".."
        && !name
            .bytes()
            .any(|b| matches!(b, b'/' | b':' | b'%' | 0 | b'\t'..=b'\r' | b' ' | 0xa0))
}

/// `EINVAL` unless [`is_valid`].
pub(crate) fn check(name: &str) -> Result<(), Errno> {
    if is_valid(name) {
        Ok(())
    } else {
        Err(Errno::EINVAL)
    }
}

/// `name` as a NUL-terminated `ifr_name`; `None` if it cannot fit.
pub(crate) fn to_ifr_name(name: &str) -> Option<[libc::c_char; libc::IFNAMSIZ]> {
    if name.len() >= libc::IFNAMSIZ || name.bytes().any(|b| b == 0) {
        return None;
    }
    let mut out = [0 as libc::c_char; libc::IFNAMSIZ];
    for (o, b) in out.iter_mut().zip(name.bytes()) {
        *o = b as libc::c_char;
    }
    Some(out)
}

/// The name in an `ifr_name` (up to the first NUL).
pub(crate) fn from_ifr_name(raw: &[libc::c_char; libc::IFNAMSIZ]) -> String {
    let bytes: Vec<u8> = raw
        .iter()
        .take_while(|&&c| c != 0)
        .map(|&c| c as u8)
        .collect();
    String::from_utf8_lossy(&bytes).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validity() {
        for ok in ["br0", "ovs-system", "a", "123456789012345", "vif1.0", "é"] {
            assert!(is_valid(ok), "{ok:?}");
        }
        for bad in [
            "",
            ".",
            "..",
            "1234567890123456",
            "a/b",
            "a:1",
            "a b",
            "a\tb",
            "a\x0bb",
            "br%d",
            "a\0b",
        ] {
            assert!(!is_valid(bad), "{bad:?}");
            assert_eq!(check(bad), Err(Errno::EINVAL));
        }
    }

    #[test]
    fn ifr_name_round_trip() {
        let raw = to_ifr_name("dp0").unwrap();
        assert_eq!(raw[3], 0);
        assert_eq!(from_ifr_name(&raw), "dp0");
        assert_eq!(
            from_ifr_name(&to_ifr_name("123456789012345").unwrap()),
            "123456789012345"
        );
        assert!(to_ifr_name("1234567890123456").is_none());
    }
}
