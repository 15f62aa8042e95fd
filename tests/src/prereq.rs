//! Prerequisites of the client tests: skip loudly on a developer machine,
//! fail in CI.

use std::env;
use std::path::{Path, PathBuf};

/// True when running in CI (`CI=true` or `CI=1`), where every prerequisite
/// is mandatory.
pub fn in_ci() -> bool {
    matches!(env::var("CI").as_deref(), Ok("true") | Ok("1"))
}

/// Checks one prerequisite.
///
/// Returns `true` when `available`. Otherwise panics in CI, and elsewhere
/// prints a loud SKIP message naming `what` is missing and `fix` (how to get
/// it), and returns `false` so the caller can return early.
pub fn require(available: bool, what: &str, fix: &str) -> bool {
    if available {
        return true;
    }
    if in_ci() {
        panic!("missing prerequisite in CI: {what} ({fix})");
    }
    eprintln!();
    eprintln!("!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!");
    eprintln!("!!! SKIPPED: {what} is not available ({fix})");
    eprintln!("!!! This test did not run. In CI (CI=true) this is a failure.");
    eprintln!("!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!");
    false
}

/// Returns from the calling test when a prerequisite is missing (see
/// [`require`]): `require!(ok, "what", "how to fix");`.
#[macro_export]
macro_rules! require {
    ($ok:expr, $what:expr, $fix:expr) => {
        if !$crate::prereq::require($ok, $what, $fix) {
            return;
        }
    };
}

/// Finds an executable by name in `$PATH` and the sbin directories (where
/// Debian puts `genl` and `ip`).
pub fn find_program(name: &str) -> Option<PathBuf> {
    let path = env::var_os("PATH").unwrap_or_default();
    let extra = ["/usr/local/sbin", "/usr/sbin", "/sbin", "/usr/bin", "/bin"];
    env::split_paths(&path)
        .chain(extra.iter().map(PathBuf::from))
        .map(|dir| dir.join(name))
        .find(|p| is_executable(p))
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.metadata()
        .map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        .unwrap_or(false)
}

/// Looks up a client program; `None` (after a loud skip) when it is missing
/// outside CI, panics when it is missing in CI. `package` names the Debian
/// package that provides it.
pub fn program(name: &str, package: &str) -> Option<PathBuf> {
    let found = find_program(name);
    if require(
        found.is_some(),
        &format!("program `{name}`"),
        &format!("apt-get install {package}, or run scripts/test.sh as root"),
    ) {
        found
    } else {
        None
    }
}

/// True when the tests run as root (needed for network namespaces).
pub fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}
