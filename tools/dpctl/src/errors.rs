//! Errors as ovs-dpctl words them: `PROGRAM: what (strerror text)`.

use std::ffi::CStr;
use std::fmt;

/// The C library's message for `errno` (what ovs-dpctl prints).
pub fn strerror(errno: i32) -> String {
    // SAFETY: strerror returns a pointer to a static (or thread-local)
    // NUL-terminated string, copied at once.
    unsafe {
        let p = libc::strerror(errno);
        if p.is_null() {
            return format!("Unknown error {errno}");
        }
        CStr::from_ptr(p).to_string_lossy().into_owned()
    }
}

/// A command's failure: the message and the errno ovs-dpctl appends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// What failed (`updating flow table`, `opening datapath`, ...).
    pub what: String,
    /// The errno, if any (0: none).
    pub errno: i32,
    /// Lines printed on stdout after the error (ovs-dpctl's hints).
    pub hint: Option<String>,
    /// An error line ovs-dpctl prints before this one.
    pub before: Option<String>,
}

impl Failure {
    /// A failure with an errno.
    pub fn new(what: impl Into<String>, errno: i32) -> Failure {
        Failure {
            what: what.into(),
            errno,
            hint: None,
            before: None,
        }
    }

    /// Adds an error line printed before this one.
    pub fn with_log(mut self, line: impl Into<String>) -> Failure {
        self.before = Some(line.into());
        self
    }

    /// Adds a stdout hint printed after this one.
    pub fn with_hint(mut self, line: impl Into<String>) -> Failure {
        self.hint = Some(line.into());
        self
    }

    /// A failure without an errno.
    pub fn plain(what: impl Into<String>) -> Failure {
        Failure::new(what, 0)
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.what)?;
        if self.errno != 0 {
            write!(f, " ({})", strerror(self.errno))?;
        }
        Ok(())
    }
}

/// Every command returns this.
pub type CmdResult = Result<(), Failure>;
