//! Starting, probing and stopping one `ovsd` process.

use crate::client::{self, Outcome, CLIENT_TIMEOUT};
use crate::env::TestEnv;
use crate::netns::die_with_parent;
use crate::paths;
use crate::unix::seqpacket_connect;
use std::ffi::OsStr;
use std::fs::{self, File};
use std::io;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

/// Hang guard for the daemon starting to accept connections or exiting.
pub const DAEMON_TIMEOUT: Duration = Duration::from_secs(20);

/// A running (or exited) `ovsd` started by a test.
///
/// Dropping a still-running daemon kills it with SIGKILL; tests that check
/// shutdown call [`Daemon::stop`]. On a panicking test the daemon's log is
/// printed.
pub struct Daemon<'e> {
    env: &'e TestEnv,
    child: Option<Child>,
    status: Option<ExitStatus>,
    socket: PathBuf,
    log: PathBuf,
}

impl<'e> Daemon<'e> {
    /// Starts `ovsd --socket <env socket path>` and waits until the socket
    /// accepts connections.
    pub fn start(env: &'e TestEnv) -> Daemon<'e> {
        Daemon::start_at(env, &env.socket_path())
    }

    /// Starts `ovsd --socket <socket>` and waits until it accepts connections.
    pub fn start_at(env: &'e TestEnv, socket: &Path) -> Daemon<'e> {
        let mut daemon = Daemon::spawn(env, socket, |cmd| {
            cmd.arg("--socket").arg(socket);
        });
        daemon.wait_ready();
        daemon
    }

    /// Starts `ovsd --socket <env socket path> ARGS…` (for example
    /// `--netdev tap`) and waits until the socket accepts connections.
    pub fn start_with(env: &'e TestEnv, args: &[&str]) -> Daemon<'e> {
        Daemon::start_at_with(env, &env.socket_path(), args)
    }

    /// Starts `ovsd --socket <socket> ARGS…` and waits until it accepts
    /// connections.
    pub fn start_at_with(env: &'e TestEnv, socket: &Path, args: &[&str]) -> Daemon<'e> {
        let mut daemon = Daemon::spawn(env, socket, |cmd| {
            cmd.arg("--socket").arg(socket).args(args);
        });
        daemon.wait_ready();
        daemon
    }

    /// True while the daemon process has not exited.
    pub fn is_running(&mut self) -> bool {
        self.try_status().is_none()
    }

    /// Starts `ovsd` without waiting. `socket` is where the daemon is
    /// expected to listen; `configure` adds the arguments and environment
    /// that tell it so (for example `--socket`, or `OVSD_SOCKET`).
    pub fn spawn(
        env: &'e TestEnv,
        socket: &Path,
        configure: impl FnOnce(&mut Command),
    ) -> Daemon<'e> {
        static COUNT: AtomicUsize = AtomicUsize::new(0);
        let n = COUNT.fetch_add(1, Ordering::Relaxed);
        let log = env.dir().join(format!("ovsd-{n}.log"));
        let log_file = File::create(&log).expect("cannot create the daemon log");
        let mut cmd = env.command(paths::ovsd_bin());
        cmd.env_remove("OVSD_SOCKET")
            .env_remove("LD_PRELOAD")
            .env(
                "RUST_LOG",
                std::env::var("RUST_LOG").unwrap_or_else(|_| "info".into()),
            )
            .stdin(Stdio::null())
            .stdout(log_file.try_clone().expect("dup of the log file"))
            .stderr(log_file);
        // SAFETY: die_with_parent is async-signal-safe.
        unsafe { cmd.pre_exec(die_with_parent) };
        configure(&mut cmd);
        let child = cmd.spawn().expect("cannot start ovsd");
        Daemon {
            env,
            child: Some(child),
            status: None,
            socket: socket.to_path_buf(),
            log,
        }
    }

    /// Waits until the daemon's socket accepts a `SOCK_SEQPACKET`
    /// connection; panics (with the daemon's log) if the daemon exits first
    /// or the hang guard expires.
    pub fn wait_ready(&mut self) {
        let deadline = Instant::now() + DAEMON_TIMEOUT;
        loop {
            if let Some(status) = self.try_status() {
                panic!(
                    "ovsd exited ({status}) before accepting connections on {}\n\
                     --- ovsd log ---\n{}",
                    self.socket.display(),
                    self.log()
                );
            }
            if seqpacket_connect(&self.socket).is_ok() {
                return;
            }
            if Instant::now() > deadline {
                panic!(
                    "ovsd did not accept connections on {} within {DAEMON_TIMEOUT:?}\n\
                     --- ovsd log ---\n{}",
                    self.socket.display(),
                    self.log()
                );
            }
            thread::sleep(Duration::from_millis(20));
        }
    }

    /// The socket path the daemon was told to use.
    pub fn socket(&self) -> &Path {
        &self.socket
    }

    /// The daemon's process id.
    pub fn pid(&self) -> libc::pid_t {
        self.child.as_ref().expect("daemon was reaped").id() as libc::pid_t
    }

    /// Everything the daemon wrote to stdout and stderr so far.
    pub fn log(&self) -> String {
        fs::read(&self.log)
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default()
    }

    /// A command for a client `program` that talks to this daemon: it runs
    /// in the test's namespace with `LD_PRELOAD` set to the preload library
    /// and `OVSD_SOCKET` to the daemon's socket, and OVS's directories
    /// pointed at the test's temporary directory.
    pub fn client(&self, program: impl AsRef<OsStr>) -> Command {
        let mut cmd = self.env.command(program);
        let dir = self.env.dir();
        cmd.env("LD_PRELOAD", paths::preload_lib())
            .env("OVSD_SOCKET", &self.socket)
            .env("OVS_RUNDIR", dir)
            .env("OVS_LOGDIR", dir)
            .env("OVS_DBDIR", dir)
            .env("OVS_SYSCONFDIR", dir);
        cmd
    }

    /// Runs a client command (see [`Daemon::client`]) under the hang guard.
    pub fn run(&self, cmd: &mut Command) -> Outcome {
        client::run(cmd, CLIENT_TIMEOUT)
    }

    /// Runs a client command and panics, showing its output and the
    /// daemon's log, unless it exits 0.
    pub fn run_ok(&self, cmd: &mut Command) -> Outcome {
        let out = self.run(cmd);
        assert!(
            out.success(),
            "client failed\n{out}\n--- ovsd log ---\n{}",
            self.log()
        );
        out
    }

    /// Sends `signal` to the daemon.
    pub fn signal(&self, signal: libc::c_int) {
        // SAFETY: kill takes plain integers; the pid is our unreaped child.
        let rc = unsafe { libc::kill(self.pid(), signal) };
        assert_eq!(rc, 0, "kill: {}", io::Error::last_os_error());
    }

    /// The exit status if the daemon has exited (reaping it).
    pub fn try_status(&mut self) -> Option<ExitStatus> {
        if self.status.is_none() {
            if let Some(child) = self.child.as_mut() {
                self.status = child.try_wait().expect("waitpid on ovsd");
            }
        }
        self.status
    }

    /// Waits for the daemon to exit; panics with its log if it is still
    /// running after the hang guard.
    pub fn wait_exit(&mut self) -> ExitStatus {
        let deadline = Instant::now() + DAEMON_TIMEOUT;
        loop {
            if let Some(status) = self.try_status() {
                return status;
            }
            if Instant::now() > deadline {
                panic!(
                    "ovsd did not exit within {DAEMON_TIMEOUT:?} (hang guard)\n\
                     --- ovsd log ---\n{}",
                    self.log()
                );
            }
            thread::sleep(Duration::from_millis(10));
        }
    }

    /// Stops the daemon with `signal` and asserts a clean shutdown: exit
    /// status 0 and the socket file removed.
    pub fn stop_with(&mut self, signal: libc::c_int) {
        self.signal(signal);
        let status = self.wait_exit();
        assert!(
            status.success(),
            "ovsd did not exit cleanly on signal {signal}: {status}\n--- ovsd log ---\n{}",
            self.log()
        );
        assert!(
            fs::symlink_metadata(&self.socket).is_err(),
            "ovsd exited but left its socket file {} behind\n--- ovsd log ---\n{}",
            self.socket.display(),
            self.log()
        );
    }

    /// Stops the daemon with SIGTERM and asserts a clean shutdown.
    pub fn stop(mut self) {
        self.stop_with(libc::SIGTERM);
    }
}

impl Drop for Daemon<'_> {
    fn drop(&mut self) {
        if thread::panicking() {
            eprintln!("--- ovsd log ({}) ---\n{}", self.log.display(), self.log());
        }
        if self.try_status().is_none() {
            if let Some(child) = self.child.as_mut() {
                let _ = child.kill();
                let _ = child.wait();
            }
        }
    }
}
