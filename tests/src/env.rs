//! One test's private world: a temporary directory and, when possible, a
//! private network namespace.

use crate::netns::Netns;
use crate::prereq;
use std::path::{Path, PathBuf};
use std::process::Command;
use tempfile::TempDir;

/// A test's temporary directory plus (as root) its own network namespace.
/// Every process started through [`TestEnv::command`] runs inside it.
pub struct TestEnv {
    dir: TempDir,
    netns: Option<Netns>,
}

impl TestEnv {
    /// Creates the directory and, when running as root, a network namespace.
    ///
    /// Without root the processes share the host's namespace (announced on
    /// stderr); the tests in this crate do not depend on the isolation.
    pub fn new() -> TestEnv {
        let dir = tempfile::Builder::new()
            .prefix("ovsd-test-")
            .tempdir()
            .expect("cannot create a temporary directory");
        let netns = if prereq::is_root() {
            match Netns::new() {
                Ok(ns) => Some(ns),
                Err(e) if prereq::in_ci() => panic!("cannot create a network namespace: {e}"),
                Err(e) => {
                    eprintln!("note: no private network namespace ({e}); using the host's");
                    None
                }
            }
        } else {
            eprintln!("note: not root, so no private network namespace; using the host's");
            None
        };
        TestEnv { dir, netns }
    }

    /// The temporary directory (removed when the environment is dropped).
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// The default daemon socket path for this test.
    pub fn socket_path(&self) -> PathBuf {
        self.dir().join("ovsd.sock")
    }

    /// True when the test has its own network namespace.
    pub fn has_netns(&self) -> bool {
        self.netns.is_some()
    }

    /// A command for `program` that runs inside this environment's network
    /// namespace, with its working directory in the temporary directory (and
    /// Python told not to write bytecode into the source tree).
    pub fn command(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        let mut cmd = Command::new(program);
        cmd.current_dir(self.dir())
            .env("PYTHONDONTWRITEBYTECODE", "1");
        if let Some(ns) = &self.netns {
            ns.enter_on_spawn(&mut cmd);
        }
        cmd
    }
}

impl Default for TestEnv {
    fn default() -> Self {
        TestEnv::new()
    }
}
