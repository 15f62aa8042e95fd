//! The kernel network interfaces of a test's namespace, as `ip` sees them:
//! listing them, making veth pairs, and the isolation the netdev tests need.

use crate::client::{run, Outcome, CLIENT_TIMEOUT};
use crate::env::TestEnv;
use crate::prereq;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// One interface from `ip -j link show`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// `ifname`.
    pub name: String,
    /// `ifindex`.
    pub ifindex: u32,
    /// `IFF_UP` is among its flags.
    pub up: bool,
}

/// The `ip` program (iproute2), or `None` after a loud skip (a failure in
/// CI).
pub fn require_ip() -> Option<PathBuf> {
    prereq::program("ip", "iproute2")
}

/// True when the test runs in its own network namespace and TAP devices can
/// be made (root and `/dev/net/tun`); otherwise a loud skip (a failure in
/// CI). The netdev tests must never create devices in the host's namespace.
pub fn require_private_netns(env: &TestEnv) -> bool {
    prereq::require(
        env.has_netns() && Path::new("/dev/net/tun").exists(),
        "root with a private network namespace and /dev/net/tun",
        "run the tests as root, e.g. scripts/test.sh",
    )
}

/// Runs `ip ARGS` inside the test's namespace.
pub fn ip(env: &TestEnv, ip: &Path, args: &[&str]) -> Outcome {
    let mut cmd = env.command(ip);
    cmd.args(args);
    run(&mut cmd, CLIENT_TIMEOUT)
}

/// Runs `ip ARGS` and panics with its output unless it exits 0.
pub fn ip_ok(env: &TestEnv, ip_prog: &Path, args: &[&str]) -> Outcome {
    let out = ip(env, ip_prog, args);
    assert!(out.success(), "`ip` failed\n{out}");
    out
}

/// Every interface in the test's namespace, in `ip`'s order.
pub fn links(env: &TestEnv, ip_prog: &Path) -> Vec<Link> {
    let out = ip_ok(env, ip_prog, &["-j", "link", "show"]);
    let parsed: Value = serde_json::from_str(out.stdout.trim())
        .unwrap_or_else(|e| panic!("`ip -j link show` printed bad JSON ({e})\n{out}"));
    parsed
        .as_array()
        .unwrap_or_else(|| panic!("`ip -j link show` is not a list\n{out}"))
        .iter()
        .map(|l| Link {
            name: l["ifname"].as_str().unwrap_or_default().to_string(),
            ifindex: l["ifindex"].as_u64().unwrap_or_default() as u32,
            up: l["flags"]
                .as_array()
                .is_some_and(|f| f.iter().any(|x| x == "UP")),
        })
        .collect()
}

/// The interface named `name`, if the namespace has one.
pub fn link(env: &TestEnv, ip_prog: &Path, name: &str) -> Option<Link> {
    links(env, ip_prog).into_iter().find(|l| l.name == name)
}

/// The names of every interface in the namespace.
pub fn names(env: &TestEnv, ip_prog: &Path) -> Vec<String> {
    links(env, ip_prog).into_iter().map(|l| l.name).collect()
}

/// Creates the veth pair `a`/`b` in the test's namespace and sets both up.
pub fn add_veth(env: &TestEnv, ip_prog: &Path, a: &str, b: &str) {
    ip_ok(
        env,
        ip_prog,
        &["link", "add", a, "type", "veth", "peer", "name", b],
    );
    ip_ok(env, ip_prog, &["link", "set", a, "up"]);
    ip_ok(env, ip_prog, &["link", "set", b, "up"]);
}

/// Turns IPv6 off for every current and future interface of the test's
/// namespace (as the kernel recordings did), so that interfaces going up
/// send no router solicitations and their counters stay at zero.
pub fn disable_ipv6(env: &TestEnv) {
    for key in ["all", "default"] {
        let path = format!("/proc/sys/net/ipv6/conf/{key}/disable_ipv6");
        let mut cmd = env.command("sh");
        cmd.args(["-c", &format!("[ ! -e {path} ] || echo 1 > {path}")]);
        let out = run(&mut cmd, CLIENT_TIMEOUT);
        assert!(out.success(), "cannot disable IPv6\n{out}");
    }
}
