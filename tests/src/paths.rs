//! Where the build artifacts under test live.

use std::env;
use std::path::{Path, PathBuf};

/// Environment variable that overrides the directory holding the release
/// artifacts (`ovsd`, `libovsd_preload.so`).
pub const RELEASE_DIR_VAR: &str = "OVSD_RELEASE_DIR";

/// The workspace root (the parent of this crate's directory).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent directory")
        .to_path_buf()
}

/// The directory of the release build (`<target dir>/release`).
///
/// Taken from `$OVSD_RELEASE_DIR` if set, else derived from the running test
/// executable (`<target dir>/<profile>/deps/<test>`), else
/// `<workspace>/target/release`.
pub fn release_dir() -> PathBuf {
    if let Some(dir) = env::var_os(RELEASE_DIR_VAR) {
        return PathBuf::from(dir);
    }
    if let Ok(exe) = env::current_exe() {
        let deps = exe.parent();
        if let Some(target) = deps
            .filter(|d| d.ends_with("deps"))
            .and_then(Path::parent)
            .and_then(Path::parent)
        {
            return target.join("release");
        }
    }
    workspace_root().join("target").join("release")
}

/// Path of a release artifact; panics with a clear message if it is missing.
pub fn artifact(name: &str) -> PathBuf {
    let path = release_dir().join(name);
    if !path.is_file() {
        panic!(
            "release artifact {} is missing: build it first with \
             `cargo build --release --workspace` (scripts/test.sh does this \
             before running the tests)",
            path.display()
        );
    }
    path
}

/// The `ovsd` daemon binary of the release build.
pub fn ovsd_bin() -> PathBuf {
    artifact("ovsd")
}

/// The absolute path of the release build's preload library.
pub fn preload_lib() -> PathBuf {
    let lib = artifact("libovsd_preload.so");
    lib.canonicalize().unwrap_or(lib)
}

/// The directory holding the Python helper scripts (`tests/py`).
pub fn py_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("py")
}
