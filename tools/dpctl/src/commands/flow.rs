//! `add-flow`, `mod-flow`, `get-flow`, `del-flow`, `del-flows`,
//! `dump-flows`, with ovs-dpctl's output and log lines.

use crate::ctx::Ctx;
use crate::dpif::{DpInfo, Dpif};
use crate::errors::{CmdResult, Failure};
use crate::flows::{FlowId, FlowInfo, PutFlags};
use crate::odp::{self, format_actions, format_flow, format_ufid};

/// Port names as `(number, name)`.
pub(crate) fn names(dpif: &mut Dpif, dp: &DpInfo) -> Vec<(u32, String)> {
    crate::commands::show::port_names(dpif, dp)
}

/// Port numbers by name, for parsing.
pub(crate) fn numbers(dpif: &mut Dpif, dp: &DpInfo) -> Vec<(String, u32)> {
    names(dpif, dp).into_iter().map(|(n, s)| (s, n)).collect()
}

/// ovs-dpctl's flow statistics: `packets:N, bytes:N, used:…[, flags:…]`.
pub fn format_stats(f: &FlowInfo) -> String {
    let used = match f.used {
        Some(u) if u != 0 => {
            let now = monotonic_ms();
            format!("{:.3}s", now.saturating_sub(u) as f64 / 1000.0)
        }
        _ => "never".into(),
    };
    let mut s = format!("packets:{}, bytes:{}, used:{used}", f.stats.0, f.stats.1);
    if f.tcp_flags != 0 {
        s.push_str(", flags:");
        let t = f.tcp_flags;
        for (bit, c) in [
            (0x02, 'S'),
            (0x01, 'F'),
            (0x08, 'P'),
            (0x04, 'R'),
            (0x20, 'U'),
            (0x10, '.'),
            (0x40, 'E'),
            (0x80, 'C'),
        ] {
            if t & bit != 0 {
                s.push(c);
            }
        }
    }
    s
}

fn monotonic_ms() -> u64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid timespec for the call.
    unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut ts) };
    ts.tv_sec as u64 * 1000 + ts.tv_nsec as u64 / 1_000_000
}

/// One flow line as `dump-flows`/`get-flow` print it.
pub fn format_dpif_flow(f: &FlowInfo, names: Option<&[(u32, String)]>, verbose: bool) -> String {
    let mut s = String::new();
    if verbose {
        if let Some(u) = &f.ufid {
            s.push_str(&format_ufid(u));
            s.push_str(", ");
        }
    }
    s.push_str(&format_flow(&f.key, f.mask.as_deref(), names, verbose));
    s.push_str(", ");
    s.push_str(&format_stats(f));
    if verbose {
        s.push_str(", dp:ovs");
    }
    s.push_str(", actions:");
    s.push_str(&format_actions(&f.actions, names));
    s
}

fn parse_id(key_s: &str, ports: &[(String, u32)]) -> Result<(FlowId, Vec<u8>), Failure> {
    let (ufid, rest) = odp::split_ufid(key_s)
        .map_err(|e| Failure::new(format!("parsing flow ufid ({e})"), libc::EINVAL))?;
    let (key, mask) = odp::parse_flow(rest, Some(ports))
        .map_err(|e| Failure::new(format!("parsing flow key ({e})"), libc::EINVAL))?;
    Ok((FlowId { key, ufid }, mask))
}

fn put(ctx: &Ctx, args: &[String], flags: PutFlags) -> CmdResult {
    let (mut dpif, dp, _) = ctx.opt_dp(args, 4)?;
    let key_s = &args[args.len() - 2];
    let actions_s = &args[args.len() - 1];
    let ports = numbers(&mut dpif, &dp);
    put_one(ctx, &mut dpif, &dp, &ports, key_s, actions_s, flags)
}

/// Adds or modifies one flow given as text (`dpctl_put_flow_dpif`).
pub(crate) fn put_one(
    ctx: &Ctx,
    dpif: &mut Dpif,
    dp: &DpInfo,
    ports: &[(String, u32)],
    key_s: &str,
    actions_s: &str,
    flags: PutFlags,
) -> CmdResult {
    let (id, mask) = parse_id(key_s, ports)?;
    let actions = odp::parse_actions(actions_s, None)
        .map_err(|e| Failure::new(format!("parsing actions ({e})"), libc::EINVAL))?;
    let flags = PutFlags {
        echo: ctx.opts.statistics,
        ..flags
    };
    let put = dpif.put_flow(dp.ifindex, &id, &mask, &actions, flags);
    if let Err(e) = put {
        if e.0 != libc::EEXIST {
            let op = if flags.modify { "modify" } else { "create" };
            let mut text = format!("system@{}: failed to put[{op}] ({}) ", dp.name, e.text());
            if let Some(u) = &id.ufid {
                text.push_str(&format_ufid(u));
                text.push(' ');
            }
            text.push_str(&format_flow(&id.key, Some(&mask), None, true));
            text.push_str(", actions:");
            text.push_str(&format_actions(&actions, None));
            crate::log::warn(&text);
        }
        return Err(Failure::new("updating flow table", e.0));
    }
    print_stats(ctx, put.ok().flatten());
    Ok(())
}

/// `-s`: the flow's statistics as the datapath returned them (zero when
/// it returned none), as `dpif_flow_stats_format` prints them.
fn print_stats(ctx: &Ctx, f: Option<FlowInfo>) {
    if ctx.opts.statistics {
        println!("{}", format_stats(&f.unwrap_or_default()));
    }
}

/// `add-flow [DP] FLOW ACTIONS`.
pub fn add_flow(ctx: &Ctx, args: &[String]) -> CmdResult {
    put(
        ctx,
        args,
        PutFlags {
            create: true,
            ..PutFlags::default()
        },
    )
}

/// `mod-flow [DP] FLOW ACTIONS` (`--may-create`, `--clear`).
pub fn mod_flow(ctx: &Ctx, args: &[String]) -> CmdResult {
    let flags = PutFlags {
        create: ctx.opts.may_create,
        modify: true,
        clear: ctx.opts.clear,
        echo: false,
    };
    put(ctx, args, flags)
}

/// `get-flow [DP] ufid:UFID`. A missing or malformed UFID is reported but,
/// as in ovs-dpctl (`dpctl_get_flow` leaves its error at 0), exits 0.
pub fn get_flow(ctx: &Ctx, args: &[String]) -> CmdResult {
    let (mut dpif, dp, _) = ctx.opt_dp(args, 3)?;
    let key_s = &args[args.len() - 1];
    let names = ctx.opts.names.then(|| names(&mut dpif, &dp));
    let ufid = match odp::split_ufid(key_s) {
        Ok((Some(u), _)) => u,
        Ok((None, _)) => {
            crate::report(&Failure::plain("parsing flow ufid"));
            return Ok(());
        }
        Err(e) => {
            crate::report(&Failure::new(
                format!("parsing flow ufid ({e})"),
                libc::EINVAL,
            ));
            return Ok(());
        }
    };
    let id = FlowId {
        key: Vec::new(),
        ufid: Some(ufid),
    };
    match dpif.get_flow(dp.ifindex, &id) {
        Ok(f) => {
            println!(
                "{}",
                format_dpif_flow(&f, names.as_deref(), ctx.opts.verbosity > 0)
            );
            Ok(())
        }
        Err(e) => {
            crate::log::warn(&format!(
                "system@{}: failed to flow_get ({}) {} <empty>, packets:0, bytes:0, used:never",
                dp.name,
                e.text(),
                format_ufid(&ufid)
            ));
            Err(Failure::new("getting flow", e.0))
        }
    }
}

/// `del-flow [DP] FLOW`.
pub fn del_flow(ctx: &Ctx, args: &[String]) -> CmdResult {
    let (mut dpif, dp, _) = ctx.opt_dp(args, 3)?;
    let key_s = &args[args.len() - 1];
    let ports = numbers(&mut dpif, &dp);
    del_one(ctx, &mut dpif, &dp, &ports, key_s)
}

/// Deletes one flow given as text (`dpctl_del_flow_dpif`).
pub(crate) fn del_one(
    ctx: &Ctx,
    dpif: &mut Dpif,
    dp: &DpInfo,
    ports: &[(String, u32)],
    key_s: &str,
) -> CmdResult {
    let (ufid, rest) = odp::split_ufid(key_s)
        .map_err(|e| Failure::new(format!("parsing flow ufid ({e})"), libc::EINVAL))?;
    let (key, _) =
        odp::parse_flow(rest, Some(ports)).map_err(|e| Failure::new(e.0, libc::EINVAL))?;
    let id = FlowId { key, ufid };
    let del = dpif.del_flow(dp.ifindex, &id, ctx.opts.statistics);
    if let Err(e) = del {
        let mut text = format!("system@{}: failed to flow_del ({}) ", dp.name, e.text());
        if let Some(u) = &id.ufid {
            text.push_str(&format_ufid(u));
            text.push(' ');
        }
        text.push_str(&format_flow(&id.key, None, None, true));
        crate::log::warn(&text);
        let mut f = Failure::new("deleting flow", e.0);
        // ovs-dpctl 3.1 tests `!ufid_present || ufid_generated`, the latter
        // never initialised outside ovs-appctl: Debian's build prints the
        // hint after a UFID delete too.
        if e.0 == libc::ENOENT {
            f = f.with_hint("Perhaps you need to specify a UFID?");
        }
        return Err(f);
    }
    print_stats(ctx, del.ok().flatten());
    Ok(())
}

/// `del-flows [DP]` (or `del-flows [DP] FILE`, see
/// [`super::flow_file`]).
pub fn del_flows(ctx: &Ctx, args: &[String]) -> CmdResult {
    let names_dp = args.len() == 1 && ctx.dp_exists(&args[0]);
    if (args.len() == 1 && !names_dp) || args.len() > 1 {
        return super::flow_file::process(ctx, args, super::flow_file::Op::Delete);
    }
    let (mut dpif, dp, _) = ctx.opt_dp(args, 2)?;
    dpif.flush_flows(dp.ifindex)
        .map_err(|e| Failure::new("deleting all flows", e.0))
}
