//! Privileged tests run in a private network namespace, never on the host.
//!
//! A test calls [`isolated`] with its own path. In the test process that
//! re-executes the test binary, filtered to that one test, in a child whose
//! network namespace is new (`unshare(CLONE_NEWNET)` between fork and exec),
//! waits for it and asserts it passed; then `isolated` returns `false` and
//! the test returns. In the child it returns `true` and the test body runs.
//! Without root the test is skipped loudly, or fails when `CI=true`.

use std::io::Write;
use std::os::unix::process::CommandExt;
use std::process::Command;

const INSIDE: &str = "OVSD_VPORT_TEST_IN_NETNS";

fn skip(test: &str, why: &str) -> bool {
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("{test}: {why}; privileged tests must run in CI");
    }
    // Straight to stderr: libtest's capture would hide an `eprintln!`.
    let _ = writeln!(
        std::io::stderr(),
        "!!! SKIPPED {test}: {why} (needs root and network namespaces)"
    );
    false
}

/// `true` inside the private namespace (run the body); `false` after the
/// child has run and passed, or when skipped. `test` is
/// `concat!(module_path!(), "::name")`.
pub(crate) fn isolated(test: &str) -> bool {
    if std::env::var_os(INSIDE).is_some() {
        return true;
    }
    let filter = test.split_once("::").map_or(test, |(_crate, rest)| rest);
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        return skip(filter, "not root");
    }
    let exe = std::env::current_exe().expect("test binary path");
    let mut cmd = Command::new(exe);
    cmd.args([filter, "--exact", "--nocapture", "--test-threads=1"])
        .env(INSIDE, "1");
    // SAFETY: the closure only makes one async-signal-safe syscall.
    unsafe {
        cmd.pre_exec(|| {
            if libc::unshare(libc::CLONE_NEWNET) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let out = match cmd.output() {
        Ok(out) => out,
        Err(e) => {
            return skip(
                filter,
                &format!("cannot enter a new network namespace: {e}"),
            )
        }
    };
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && stdout.contains("1 passed"),
        "{filter} in a private netns failed ({}):\n{stdout}\n{stderr}",
        out.status
    );
    false
}

/// Runs `ip ARGS` (inside the private namespace), returning its stdout;
/// panics if it fails.
pub(crate) fn ip(args: &[&str]) -> String {
    let out = Command::new("ip").args(args).output().expect("run ip");
    assert!(
        out.status.success(),
        "ip {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Whether `ip link show dev NAME` finds the device.
pub(crate) fn ip_link_exists(name: &str) -> bool {
    Command::new("ip")
        .args(["link", "show", "dev", name])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

/// The flags between `<` and `>` in `ip -o link show dev NAME`.
pub(crate) fn ip_link_flags(name: &str) -> Vec<String> {
    let line = ip(&["-o", "link", "show", "dev", name]);
    let flags = line
        .split_once('<')
        .and_then(|(_, r)| r.split_once('>'))
        .map(|(f, _)| f)
        .unwrap_or("");
    flags.split(',').map(str::to_owned).collect()
}
