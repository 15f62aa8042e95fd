//! `struct sockaddr_nl`: building the addresses the library reports and
//! checking the ones the application passes in.

use libc::{c_int, sa_family_t, sockaddr, socklen_t};

/// `sizeof(struct sockaddr_nl)`.
pub const NL_ADDR_LEN: usize = 12;

/// The 12 bytes of `{AF_NETLINK, 0, nl_pid, nl_groups}` in host order.
pub fn nl_addr(pid: u32, groups: u32) -> [u8; NL_ADDR_LEN] {
    let mut out = [0u8; NL_ADDR_LEN];
    out[..2].copy_from_slice(&(libc::AF_NETLINK as sa_family_t).to_ne_bytes());
    out[4..8].copy_from_slice(&pid.to_ne_bytes());
    out[8..12].copy_from_slice(&groups.to_ne_bytes());
    out
}

/// Writes `{AF_NETLINK, pid, groups}` to a caller's address buffer the way
/// the kernel does: at most `*len` bytes are copied and `*len` becomes 12.
///
/// # Safety
/// `addr` must have room for `*len` bytes; `len` must be valid or null.
pub unsafe fn fill(addr: *mut sockaddr, len: *mut socklen_t, pid: u32, groups: u32) -> c_int {
    if addr.is_null() || len.is_null() {
        return libc::EFAULT;
    }
    let bytes = nl_addr(pid, groups);
    let n = (*len as usize).min(NL_ADDR_LEN);
    std::ptr::copy_nonoverlapping(bytes.as_ptr(), addr.cast::<u8>(), n);
    *len = NL_ADDR_LEN as socklen_t;
    0
}

/// What an application-supplied address means.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// `AF_UNSPEC` (only meaningful for `connect`).
    Unspec,
    /// `{AF_NETLINK, nl_pid, nl_groups}`.
    Netlink {
        /// Port id.
        pid: u32,
        /// Legacy group bitmask.
        groups: u32,
    },
}

/// Parses the bytes of an application-supplied address. A buffer of at
/// least two bytes with family `AF_UNSPEC` is `Unspec`; `AF_NETLINK` needs 12
/// bytes; anything else is `EINVAL`.
pub fn parse(bytes: &[u8]) -> Result<Target, c_int> {
    if bytes.len() < 2 {
        return Err(libc::EINVAL);
    }
    let family = c_int::from(sa_family_t::from_ne_bytes([bytes[0], bytes[1]]));
    if family == libc::AF_UNSPEC {
        return Ok(Target::Unspec);
    }
    if family != libc::AF_NETLINK || bytes.len() < NL_ADDR_LEN {
        return Err(libc::EINVAL);
    }
    let w = |i: usize| u32::from_ne_bytes([bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]]);
    Ok(Target::Netlink {
        pid: w(4),
        groups: w(8),
    })
}

/// Reads and parses an application-supplied address (`EFAULT` if null).
///
/// # Safety
/// `addr` must point to `len` readable bytes or be null.
pub unsafe fn read(addr: *const sockaddr, len: socklen_t) -> Result<Target, c_int> {
    if addr.is_null() {
        return Err(libc::EFAULT);
    }
    let n = (len as usize).min(NL_ADDR_LEN);
    let bytes = std::slice::from_raw_parts(addr.cast::<u8>(), n);
    parse(bytes)
}

/// Checks a destination address of a send: `Ok` for `{AF_NETLINK, 0, 0}`,
/// `EOPNOTSUPP` for another user socket or a multicast group, `EINVAL` for
/// a short address or another family.
pub fn check_destination(t: Result<Target, c_int>) -> Result<(), c_int> {
    match t? {
        Target::Netlink { pid: 0, groups: 0 } => Ok(()),
        Target::Netlink { .. } => Err(libc::EOPNOTSUPP),
        Target::Unspec => Err(libc::EINVAL),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_is_sockaddr_nl() {
        let b = nl_addr(0x0102_0304, 5);
        let mut sa: libc::sockaddr_nl = unsafe { std::mem::zeroed() };
        unsafe {
            std::ptr::copy_nonoverlapping(
                b.as_ptr(),
                (&mut sa as *mut libc::sockaddr_nl).cast::<u8>(),
                12,
            )
        };
        assert_eq!(std::mem::size_of::<libc::sockaddr_nl>(), NL_ADDR_LEN);
        assert_eq!(c_int::from(sa.nl_family), libc::AF_NETLINK);
        assert_eq!(sa.nl_pid, 0x0102_0304);
        assert_eq!(sa.nl_groups, 5);
    }

    #[test]
    fn fill_truncates_and_reports_12() {
        let mut buf = [0xffu8; 16];
        let mut len: socklen_t = 4;
        let r = unsafe { fill(buf.as_mut_ptr().cast(), &mut len, 7, 0) };
        assert_eq!(r, 0);
        assert_eq!(len, 12);
        assert_eq!(&buf[..2], &(libc::AF_NETLINK as u16).to_ne_bytes());
        assert_eq!(&buf[4..], &[0xff; 12]);
        let mut len: socklen_t = 16;
        unsafe { fill(buf.as_mut_ptr().cast(), &mut len, 7, 0) };
        assert_eq!(len, 12);
        assert_eq!(&buf[4..8], &7u32.to_ne_bytes());
        assert_eq!(&buf[12..], &[0xff; 4]);
    }

    #[test]
    fn parse_rules() {
        assert_eq!(
            parse(&nl_addr(9, 3)),
            Ok(Target::Netlink { pid: 9, groups: 3 })
        );
        assert_eq!(parse(&nl_addr(9, 3)[..11]), Err(libc::EINVAL));
        assert_eq!(parse(&[0, 0]), Ok(Target::Unspec));
        assert_eq!(parse(&[1]), Err(libc::EINVAL));
        let mut inet = nl_addr(0, 0);
        inet[..2].copy_from_slice(&(libc::AF_INET as u16).to_ne_bytes());
        assert_eq!(parse(&inet), Err(libc::EINVAL));
    }

    #[test]
    fn destinations() {
        assert_eq!(check_destination(parse(&nl_addr(0, 0))), Ok(()));
        assert_eq!(
            check_destination(parse(&nl_addr(5, 0))),
            Err(libc::EOPNOTSUPP)
        );
        assert_eq!(
            check_destination(parse(&nl_addr(0, 1))),
            Err(libc::EOPNOTSUPP)
        );
        assert_eq!(check_destination(parse(&[0, 0])), Err(libc::EINVAL));
    }
}
