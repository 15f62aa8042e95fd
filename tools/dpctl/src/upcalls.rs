//! `upcalls DP [PORT]`: becomes the datapath's upcall listener and prints
//! each MISS and ACTION upcall with its decoded flow key (what the kernel
//! selftests' `ovs-dpctl.py add-if -u` does).
//!
//! A datapath with per-CPU dispatch (`OVS_DP_F_DISPATCH_UPCALL_PER_CPU`,
//! as `add-dp` creates it) gets this socket as every CPU's upcall pid; one
//! with per-vport dispatch gets it as the upcall pid of PORT, or of every
//! port. ACTION upcalls come from `userspace(pid=N)` actions naming the
//! pid this command prints when it starts. With PORT, only upcalls whose
//! key has `in_port(PORT)` are printed.

use crate::ctx::Ctx;
use crate::errors::{CmdResult, Failure};
use crate::packets::Upcall;
use genl::ovs::datapath as dp;

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// An upcall as two lines: kind, datapath, key and the other attributes;
/// then the packet in hex.
pub fn format_upcall(u: &Upcall, dp_name: &str, names: Option<&[(u32, String)]>) -> String {
    let mut s = format!(
        "{} system@{dp_name}: {}",
        u.kind(),
        crate::odp::format_flow(&u.key, None, names, true)
    );
    if let Some(d) = &u.userdata {
        s.push_str(&format!(", userdata:{}", hex(d)));
    }
    if let Some(a) = &u.actions {
        s.push_str(&format!(
            ", actions:{}",
            crate::odp::format_actions(a, names)
        ));
    }
    if let Some(t) = &u.egress_tun_key {
        let mut k = String::new();
        crate::odp::key_format::format_key_attr(
            &mut k,
            crate::odp::attrs::KEY_TUNNEL,
            t,
            None,
            None,
            false,
        );
        s.push_str(&format!(", egress_tun_key:{k}"));
    }
    if let Some(m) = u.mru {
        s.push_str(&format!(", mru:{m}"));
    }
    if let Some(l) = u.len {
        s.push_str(&format!(", len:{l}"));
    }
    if let Some(h) = u.hash {
        s.push_str(&format!(", hash:{h:#x}"));
    }
    s.push_str(&format!(
        "\n  packet({} bytes): {}",
        u.packet.len(),
        hex(&u.packet)
    ));
    s
}

fn n_cpus() -> usize {
    // SAFETY: sysconf has no memory-safety preconditions.
    let n = unsafe { libc::sysconf(libc::_SC_NPROCESSORS_CONF) };
    usize::try_from(n).unwrap_or(1).max(1)
}

/// `upcalls DP [PORT]` (until killed, or `--count N` upcalls).
pub fn upcalls(ctx: &Ctx, args: &[String]) -> CmdResult {
    let (mut ctl, info) = ctx.open_dp(&args[0])?;
    let ports = ctl.ports(info.ifindex).unwrap_or_default();
    let only = match args.get(1) {
        None => None,
        Some(p) => Some(
            ports
                .iter()
                .find(|x| &x.name == p || x.port_no.to_string() == *p)
                .map(|x| x.port_no)
                .ok_or_else(|| Failure::plain(format!("no port named {p}")))?,
        ),
    };
    let mut listen = ctx
        .dpif()
        .map_err(|e| Failure::new("opening datapath", e.0))?;
    if listen.fams.packet.is_none() {
        return Err(Failure::new("no ovs_packet family", libc::EOPNOTSUPP));
    }
    let pid = listen.client.portid();
    if info.features & dp::OVS_DP_F_DISPATCH_UPCALL_PER_CPU != 0 {
        ctl.set_per_cpu_pids(&info.name, info.features, pid, n_cpus())
            .map_err(|e| Failure::new("setting upcall pids", e.0))?;
    } else {
        for p in ports
            .iter()
            .filter(|p| only.map_or(true, |o| o == p.port_no))
        {
            ctl.set_port_upcall_pid(info.ifindex, p.port_no, pid)
                .map_err(|e| Failure::new(format!("setting upcall pid of {}", p.name), e.0))?;
        }
    }
    let names: Option<Vec<(u32, String)>> = ctx
        .opts
        .names
        .then(|| ports.iter().map(|p| (p.port_no, p.name.clone())).collect());
    eprintln!(
        "{}: listening for upcalls of system@{} as pid {pid}",
        crate::PROGRAM,
        info.name
    );
    let fam = listen.fams.packet.as_ref().map_or(0, |f| f.id);
    let mut seen = 0u64;
    loop {
        let msgs = listen
            .client
            .next_message(4)
            .map_err(|e| Failure::new("receiving upcall", e.0))?;
        for m in msgs.iter().filter(|m| m.family == fam) {
            let Some(u) = Upcall::decode(m) else {
                continue;
            };
            if only.is_some_and(|o| u.in_port() != Some(o)) {
                continue;
            }
            if ctx.opts.json {
                println!("{}", crate::json::upcall(&u, &info.name, names.as_deref()));
            } else {
                println!("{}", format_upcall(&u, &info.name, names.as_deref()));
            }
            seen += 1;
            if ctx.opts.count.is_some_and(|c| seen >= c) {
                return Ok(());
            }
        }
    }
}
