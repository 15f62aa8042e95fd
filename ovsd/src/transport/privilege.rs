//! Who may change the datapath: the kernel checks `CAP_NET_ADMIN` of the
//! sending socket (`netlink_ns_capable` for `GENL_UNS_ADMIN_PERM`). ovsd reads
//! the peer's effective capabilities when it connects. An ovsd that itself
//! runs without `CAP_NET_ADMIN` (no root: CI, containers) stands for a user
//! namespace its user owns, so peers of its own uid are privileged there.

use crate::core::Creds;

/// `CAP_NET_ADMIN`.
const CAP_NET_ADMIN: u32 = 12;

/// The effective capability set of process `pid` (`CapEff` in
/// `/proc/PID/status`), if readable.
fn cap_eff(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("CapEff:"))?;
    u64::from_str_radix(line.split_whitespace().nth(1)?, 16).ok()
}

fn has_net_admin(pid: u32) -> bool {
    cap_eff(pid).is_some_and(|c| c & (1 << CAP_NET_ADMIN) != 0)
}

/// The capabilities a peer has for the emulated kernel: its effective set,
/// or all of them when this ovsd runs without `CAP_NET_ADMIN` and the peer is
/// ovsd's own user (the owner of the user namespace ovsd stands for).
pub fn peer_caps(creds: &Creds) -> u64 {
    let caps = cap_eff(creds.pid).unwrap_or(0);
    // SAFETY: geteuid cannot fail.
    let me = unsafe { libc::geteuid() };
    if !has_net_admin(std::process::id()) && creds.uid == me {
        return u64::MAX;
    }
    caps
}

/// Whether a peer may run NEW/DEL/SET commands.
pub fn peer_is_privileged(creds: &Creds) -> bool {
    peer_caps(creds) & (1 << CAP_NET_ADMIN) != 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_this_process_capabilities() {
        assert!(cap_eff(std::process::id()).is_some());
        // this process: privileged either by capability or as ovsd's own user
        let me = Creds {
            pid: std::process::id(),
            // SAFETY: geteuid cannot fail.
            uid: unsafe { libc::geteuid() },
            gid: 0,
        };
        assert!(peer_is_privileged(&me));
    }
}
