//! `ovs-vswitchd` with its own `ovsdb-server`, both in the test's
//! directory and network namespace; vswitchd reaches ovsd through the
//! preload library.

use crate::client::{run, Outcome, CLIENT_TIMEOUT};
use crate::daemon::DAEMON_TIMEOUT;
use crate::netns::die_with_parent;
use crate::prereq;
use crate::Daemon;
use std::fs::{self, File};
use std::os::unix::net::UnixStream;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

/// The Open vSwitch database schema installed by `openvswitch-common`.
pub const SCHEMA: &str = "/usr/share/openvswitch/vswitch.ovsschema";

/// The OVS programs the sandbox runs.
struct Programs {
    tool: PathBuf,
    server: PathBuf,
    appctl: PathBuf,
    vsctl: PathBuf,
    vswitchd: PathBuf,
}

impl Programs {
    /// All programs, or `None` after a loud skip (a failure in CI).
    fn find() -> Option<Programs> {
        let programs = Programs {
            tool: prereq::program("ovsdb-tool", "openvswitch-common")?,
            server: prereq::program("ovsdb-server", "openvswitch-common")?,
            appctl: prereq::program("ovs-appctl", "openvswitch-common")?,
            vsctl: prereq::program("ovs-vsctl", "openvswitch-switch")?,
            vswitchd: prereq::program("ovs-vswitchd", "openvswitch-switch")?,
        };
        prereq::require(
            Path::new(SCHEMA).is_file(),
            SCHEMA,
            "apt-get install openvswitch-common",
        )
        .then_some(programs)
    }
}

/// A running `ovsdb-server` + `ovs-vswitchd` pair, killed on drop.
pub struct Vswitchd<'d, 'e> {
    daemon: &'d Daemon<'e>,
    programs: Programs,
    dir: PathBuf,
    server: Option<Child>,
    vswitchd: Option<Child>,
}

impl<'d, 'e> Vswitchd<'d, 'e> {
    /// Creates a database in `dir`, starts `ovsdb-server` on
    /// `dir/db.sock` and `ovs-vswitchd` (through the preload library,
    /// talking to `daemon`), and initializes the database. `None` after a
    /// loud skip when a program is missing (a failure in CI).
    pub fn start(daemon: &'d Daemon<'e>, dir: &Path) -> Option<Vswitchd<'d, 'e>> {
        let programs = Programs::find()?;
        let mut sandbox = Vswitchd {
            daemon,
            programs,
            dir: dir.to_path_buf(),
            server: None,
            vswitchd: None,
        };
        sandbox.start_server();
        let out = sandbox.vsctl(&["--no-wait", "init"]);
        assert!(out.success(), "ovs-vsctl init failed\n{out}");
        sandbox.start_vswitchd();
        Some(sandbox)
    }

    fn db_socket(&self) -> PathBuf {
        self.dir.join("db.sock")
    }

    /// vswitchd's log file.
    pub fn log_path(&self) -> PathBuf {
        self.dir.join("ovs-vswitchd.log")
    }

    /// vswitchd's log file and console output so far.
    pub fn log(&self) -> String {
        let read = |p: PathBuf| fs::read_to_string(p).unwrap_or_default();
        format!(
            "{}\n--- vswitchd console ---\n{}",
            read(self.log_path()),
            read(self.dir.join("ovs-vswitchd.console"))
        )
    }

    /// A command for an OVS program in the test's namespace and directories;
    /// with the preload library only when `preload` is set.
    fn command(&self, program: &Path, preload: bool) -> Command {
        let mut cmd = self.daemon.client(program);
        if !preload {
            cmd.env_remove("LD_PRELOAD");
        }
        cmd
    }

    /// Spawns a long-running program with its output in `dir/NAME.console`.
    fn spawn(&self, mut cmd: Command, name: &str) -> Child {
        let console = File::create(self.dir.join(format!("{name}.console")))
            .expect("cannot create a console log");
        cmd.stdin(Stdio::null())
            .stdout(console.try_clone().expect("dup of the console log"))
            .stderr(console);
        // SAFETY: die_with_parent is async-signal-safe.
        unsafe { cmd.pre_exec(die_with_parent) };
        cmd.spawn()
            .unwrap_or_else(|e| panic!("cannot start {name}: {e}"))
    }

    fn start_server(&mut self) {
        let db = self.dir.join("conf.db");
        let mut create = self.command(&self.programs.tool, false);
        create.arg("create").arg(&db).arg(SCHEMA);
        let out = run(&mut create, CLIENT_TIMEOUT);
        assert!(out.success(), "ovsdb-tool create failed\n{out}");

        let mut cmd = self.command(&self.programs.server, false);
        cmd.arg(&db)
            .arg(format!("--remote=punix:{}", self.db_socket().display()))
            .arg(format!(
                "--log-file={}",
                self.dir.join("ovsdb-server.log").display()
            ));
        self.server = Some(self.spawn(cmd, "ovsdb-server"));
        let deadline = Instant::now() + DAEMON_TIMEOUT;
        while UnixStream::connect(self.db_socket()).is_err() {
            let exited = self
                .server
                .as_mut()
                .and_then(|c| c.try_wait().ok().flatten());
            if let Some(status) = exited {
                panic!(
                    "ovsdb-server exited ({status})\n{}",
                    fs::read_to_string(self.dir.join("ovsdb-server.console")).unwrap_or_default()
                );
            }
            assert!(
                Instant::now() < deadline,
                "ovsdb-server did not listen within {DAEMON_TIMEOUT:?} (hang guard)"
            );
            thread::sleep(Duration::from_millis(20));
        }
    }

    fn start_vswitchd(&mut self) {
        let mut cmd = self.command(&self.programs.vswitchd, true);
        cmd.arg(format!("unix:{}", self.db_socket().display()))
            .arg(format!("--log-file={}", self.log_path().display()))
            .arg(format!("--unixctl={}", self.ctl_socket().display()));
        self.vswitchd = Some(self.spawn(cmd, "ovs-vswitchd"));
    }

    fn ctl_socket(&self) -> PathBuf {
        self.dir.join("ovs-vswitchd.ctl")
    }

    /// Runs `ovs-appctl -t <vswitchd's control socket> ARGS` under the
    /// hang guard.
    pub fn appctl(&self, args: &[&str]) -> Outcome {
        let mut cmd = self.command(&self.programs.appctl, false);
        cmd.arg("-t").arg(self.ctl_socket()).args(args);
        run(&mut cmd, CLIENT_TIMEOUT)
    }

    /// Runs `ovs-vsctl --db=unix:<db.sock> ARGS` under the hang guard.
    pub fn vsctl(&self, args: &[&str]) -> Outcome {
        let mut cmd = self.command(&self.programs.vsctl, false);
        cmd.arg(format!("--db=unix:{}", self.db_socket().display()))
            .args(args);
        run(&mut cmd, CLIENT_TIMEOUT)
    }

    /// True while vswitchd has not exited.
    pub fn vswitchd_running(&mut self) -> bool {
        self.vswitchd
            .as_mut()
            .is_some_and(|c| matches!(c.try_wait(), Ok(None)))
    }
}

/// SIGTERM, then SIGKILL if the process is still there after the hang
/// guard; always reaps it.
fn stop(child: &mut Child) {
    // SAFETY: kill takes plain integers; the pid is our unreaped child.
    unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGTERM) };
    let deadline = Instant::now() + DAEMON_TIMEOUT;
    while matches!(child.try_wait(), Ok(None)) && Instant::now() < deadline {
        thread::sleep(Duration::from_millis(10));
    }
    let _ = child.kill();
    let _ = child.wait();
}

impl Drop for Vswitchd<'_, '_> {
    fn drop(&mut self) {
        if thread::panicking() {
            eprintln!("--- ovs-vswitchd log ---\n{}", self.log());
        }
        if let Some(mut c) = self.vswitchd.take() {
            stop(&mut c);
        }
        if let Some(mut c) = self.server.take() {
            stop(&mut c);
        }
    }
}
