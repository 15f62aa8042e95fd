//! Locating the Python interpreter and the helper scripts in `tests/py`.

use crate::prereq;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::OnceLock;

/// The real `python3` executable (pyenv shims resolved through
/// `sys.executable`), or `None` if there is no `python3`.
pub fn interpreter() -> Option<PathBuf> {
    static FOUND: OnceLock<Option<PathBuf>> = OnceLock::new();
    FOUND
        .get_or_init(|| {
            let python = prereq::find_program("python3")?;
            let out = Command::new(python)
                .args(["-c", "import sys; print(sys.executable)"])
                .stdin(Stdio::null())
                .output()
                .ok()?;
            let exe = String::from_utf8(out.stdout).ok()?;
            let exe = PathBuf::from(exe.trim());
            (out.status.success() && exe.is_file()).then_some(exe)
        })
        .clone()
}

/// True when `python3` can import `module`.
pub fn has_module(module: &str) -> bool {
    let Some(python) = interpreter() else {
        return false;
    };
    Command::new(python)
        .args(["-c", &format!("import {module}")])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false)
}

/// The interpreter, or `None` after a loud skip (a failure in CI).
pub fn require_interpreter() -> Option<PathBuf> {
    let found = interpreter();
    if prereq::require(
        found.is_some(),
        "python3",
        "install python3, or run scripts/test.sh as root",
    ) {
        found
    } else {
        None
    }
}

/// The interpreter if it can import `module` (for example `pyroute2`), or
/// `None` after a loud skip (a failure in CI).
pub fn require_module(module: &str, pip_spec: &str) -> Option<PathBuf> {
    let python = require_interpreter()?;
    if prereq::require(
        has_module(module),
        &format!("Python module `{module}`"),
        &format!("python3 -m pip install {pip_spec}, or run scripts/test.sh"),
    ) {
        Some(python)
    } else {
        None
    }
}

/// Path of a helper script in `tests/py`.
pub fn script(name: &str) -> PathBuf {
    let path = crate::paths::py_dir().join(name);
    assert!(
        path.is_file(),
        "helper script {} is missing",
        path.display()
    );
    path
}
