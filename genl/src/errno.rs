//! Kernel errno values as a small value type.

use std::fmt;

/// A positive Linux errno (the kernel returns its negation in `NLMSG_ERROR`).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Errno(pub i32);

impl Errno {
    /// Operation not permitted.
    pub const EPERM: Errno = Errno(1);
    /// No such file or directory (unknown family, missing flow).
    pub const ENOENT: Errno = Errno(2);
    /// Interrupted: used internally by the dump start path, never sent.
    pub const EINTR: Errno = Errno(4);
    /// Try again (a full receive queue under `MSG_DONTWAIT`).
    pub const EAGAIN: Errno = Errno(11);
    /// Out of memory.
    pub const ENOMEM: Errno = Errno(12);
    /// Device or resource busy.
    pub const EBUSY: Errno = Errno(16);
    /// File exists.
    pub const EEXIST: Errno = Errno(17);
    /// No such device.
    pub const ENODEV: Errno = Errno(19);
    /// Invalid argument.
    pub const EINVAL: Errno = Errno(22);
    /// File too large (port number out of range).
    pub const EFBIG: Errno = Errno(27);
    /// Numerical result out of range (attribute policy failures).
    pub const ERANGE: Errno = Errno(34);
    /// Message too long.
    pub const EMSGSIZE: Errno = Errno(90);
    /// Protocol not available (unknown socket option).
    pub const ENOPROTOOPT: Errno = Errno(92);
    /// Operation not supported.
    pub const EOPNOTSUPP: Errno = Errno(95);
    /// Address family not supported (unknown vport type).
    pub const EAFNOSUPPORT: Errno = Errno(97);
    /// Address already in use (explicit bind to a taken port id).
    pub const EADDRINUSE: Errno = Errno(98);
    /// No buffer space available (receive queue overrun).
    pub const ENOBUFS: Errno = Errno(105);
    /// Connection refused (no socket has the destination port id).
    pub const ECONNREFUSED: Errno = Errno(111);
    /// Value too large for defined data type (action nesting too deep).
    pub const EOVERFLOW: Errno = Errno(75);

    /// The value carried in an `NLMSG_ERROR` / `NLMSG_DONE` payload.
    pub fn to_wire(self) -> i32 {
        -self.0
    }

    /// The symbolic name, for logs and test output.
    pub fn name(self) -> &'static str {
        match self.0 {
            1 => "EPERM",
            2 => "ENOENT",
            4 => "EINTR",
            11 => "EAGAIN",
            12 => "ENOMEM",
            16 => "EBUSY",
            17 => "EEXIST",
            19 => "ENODEV",
            22 => "EINVAL",
            27 => "EFBIG",
            34 => "ERANGE",
            75 => "EOVERFLOW",
            90 => "EMSGSIZE",
            92 => "ENOPROTOOPT",
            95 => "EOPNOTSUPP",
            97 => "EAFNOSUPPORT",
            98 => "EADDRINUSE",
            105 => "ENOBUFS",
            111 => "ECONNREFUSED",
            _ => "E?",
        }
    }
}

impl fmt::Debug for Errno {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}({})", self.name(), self.0)
    }
}

impl fmt::Display for Errno {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

impl std::error::Error for Errno {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_value_is_negative() {
        assert_eq!(Errno::ENOENT.to_wire(), -2);
        assert_eq!(Errno::ERANGE.name(), "ERANGE");
    }
}
