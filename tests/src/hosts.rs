//! Hosts for data-plane tests: each a network namespace of its own with one
//! interface, `eth0`, the far end of a veth pair whose near end (the port a
//! datapath attaches) stays in the test's namespace.

use crate::client::{run, Outcome, CLIENT_TIMEOUT};
use crate::env::TestEnv;
use crate::links::ip_ok;
use crate::netns::Netns;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// A host namespace wired to the test's namespace by a veth pair.
pub struct Host {
    ns: Netns,
    ip_prog: PathBuf,
    /// The near end's name, in the test's namespace.
    pub port: String,
    /// The host's IPv4 address (without prefix length).
    pub addr: String,
}

impl Host {
    /// A host whose `eth0` has `addr`/24 and whose veth peer in `env`'s
    /// namespace is `port` (up). Needs root and `env` to have a namespace.
    pub fn new(env: &TestEnv, ip_prog: &Path, port: &str, addr: &str) -> Host {
        let ns = Netns::new().expect("cannot create a host network namespace");
        let peer = format!("{port}-h");
        ip_ok(
            env,
            ip_prog,
            &["link", "add", port, "type", "veth", "peer", "name", &peer],
        );
        ip_ok(
            env,
            ip_prog,
            &["link", "set", &peer, "netns", &ns.pid().to_string()],
        );
        ip_ok(env, ip_prog, &["link", "set", port, "up"]);
        let host = Host {
            ns,
            ip_prog: ip_prog.to_path_buf(),
            port: port.to_string(),
            addr: addr.to_string(),
        };
        // no IPv6: no router solicitations or DAD among the test's packets
        host.sh("echo 1 > /proc/sys/net/ipv6/conf/all/disable_ipv6 || true");
        host.ip(&["link", "set", &peer, "name", "eth0"]);
        host.ip(&["addr", "add", &format!("{addr}/24"), "dev", "eth0"]);
        host.ip(&["link", "set", "eth0", "up"]);
        host
    }

    /// A command that runs inside the host's namespace.
    pub fn command(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        let mut cmd = Command::new(program);
        self.ns.enter_on_spawn(&mut cmd);
        cmd
    }

    /// Runs `ip ARGS` in the host; panics unless it succeeds.
    pub fn ip(&self, args: &[&str]) -> Outcome {
        let mut cmd = self.command(&self.ip_prog);
        cmd.args(args);
        let out = run(&mut cmd, CLIENT_TIMEOUT);
        assert!(out.success(), "`ip` in a host failed\n{out}");
        out
    }

    /// Runs a shell command in the host.
    pub fn sh(&self, script: &str) -> Outcome {
        let mut cmd = self.command("sh");
        cmd.args(["-c", script]);
        run(&mut cmd, CLIENT_TIMEOUT)
    }

    /// `ping -c COUNT` to `dst`, one second apart at most, two seconds'
    /// wait for each reply.
    pub fn ping(&self, ping: &Path, dst: &str, count: u32) -> Outcome {
        let mut cmd = self.command(ping);
        cmd.args(["-n", "-c", &count.to_string(), "-i", "0.2", "-W", "2", dst]);
        run(
            &mut cmd,
            CLIENT_TIMEOUT + Duration::from_secs(u64::from(count) * 2),
        )
    }

    /// `eth0`'s MAC address, `aa:bb:cc:dd:ee:ff`.
    pub fn mac(&self) -> String {
        let out = self.ip(&["-j", "link", "show", "eth0"]);
        let v: serde_json::Value = serde_json::from_str(out.stdout.trim()).expect("ip -j");
        v[0]["address"].as_str().unwrap_or_default().to_string()
    }
}
