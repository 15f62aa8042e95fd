//! The kernel selftest client `ovs-dpctl.py`, extracted at test time from
//! Debian's `linux-source-6.12` tarball into the build's target directory.
//!
//! The script is GPL-2.0 and is never copied into this repository; it only
//! lives in the (untracked) cache directory.

use crate::client::{run, CLIENT_TIMEOUT};
use crate::paths;
use crate::prereq;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

/// Debian's `linux-source-6.12` tarball.
pub const LINUX_SOURCE: &str = "/usr/src/linux-source-6.12.tar.xz";

/// The selftest directory inside the kernel tree.
pub const SELFTEST_DIR: &str = "tools/testing/selftests/net/openvswitch";

/// Where extracted files are cached: `<target dir>/ovsd-tests-cache/linux-6.12`.
pub fn cache_dir() -> PathBuf {
    let release = paths::release_dir();
    let target = release.parent().map(Path::to_path_buf).unwrap_or(release);
    target.join("ovsd-tests-cache").join("linux-6.12")
}

/// The selftest file `name` (`ovs-dpctl.py`, `openvswitch.sh`), extracted
/// on first use; `None` after a loud skip when the tarball is missing (a
/// failure in CI). Panics if the tarball does not contain it.
pub fn file(name: &str) -> Option<PathBuf> {
    static EXTRACTING: Mutex<()> = Mutex::new(());
    let cached = cache_dir().join(name);
    let _guard = EXTRACTING.lock().unwrap_or_else(|e| e.into_inner());
    if cached.is_file() {
        return Some(cached);
    }
    if !prereq::require(
        Path::new(LINUX_SOURCE).is_file(),
        &format!("the kernel source tarball {LINUX_SOURCE}"),
        "apt-get install linux-source-6.12, or run scripts/test.sh as root",
    ) {
        return None;
    }
    let tar = prereq::program("tar", "tar")?;
    extract(&tar, name, &cached);
    Some(cached)
}

/// `ovs-dpctl.py`, or `None` after a loud skip (see [`file`]).
pub fn ovs_dpctl_py() -> Option<PathBuf> {
    file("ovs-dpctl.py")
}

/// Extracts `*/SELFTEST_DIR/name` from the tarball to `dest` (atomically:
/// into a scratch directory next to it, then renamed).
fn extract(tar: &Path, name: &str, dest: &Path) {
    let dir = dest.parent().expect("cache file has a parent");
    fs::create_dir_all(dir).unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
    let scratch = tempfile::Builder::new()
        .prefix(".extract-")
        .tempdir_in(dir)
        .expect("cannot create a scratch directory");
    let pattern = format!("*/{SELFTEST_DIR}/{name}");
    let mut cmd = Command::new(tar);
    cmd.arg("-xJf")
        .arg(LINUX_SOURCE)
        .arg("-C")
        .arg(scratch.path())
        .arg("--wildcards")
        .arg(&pattern);
    let out = run(&mut cmd, CLIENT_TIMEOUT * 5);
    assert!(
        out.success(),
        "cannot extract {pattern} from {LINUX_SOURCE}\n{out}"
    );
    let found = find(scratch.path(), name)
        .unwrap_or_else(|| panic!("{LINUX_SOURCE} has no member matching {pattern}"));
    fs::rename(&found, dest).unwrap_or_else(|e| panic!("cannot move {}: {e}", found.display()));
}

/// The first file called `name` below `dir`.
fn find(dir: &Path, name: &str) -> Option<PathBuf> {
    for entry in fs::read_dir(dir).ok()?.flatten() {
        let path = entry.path();
        if path.is_dir() {
            if let Some(found) = find(&path, name) {
                return Some(found);
            }
        } else if path.file_name().is_some_and(|n| n == name) {
            return Some(path);
        }
    }
    None
}
