//! `dump-flows [-m] [--names] [DP] [filter=MATCH] [type=…] [pmd=N]`.

use super::flow::{format_dpif_flow, names, numbers};
use crate::ctx::Ctx;
use crate::errors::{CmdResult, Failure};
use crate::flows::FlowInfo;

/// `dump-flows [DP] [filter=MATCH]`: the filter is an OpenFlow match
/// (see [`crate::filter`]).
pub fn dump_flows(ctx: &Ctx, args: &[String]) -> CmdResult {
    let DumpArgs { filter, pmd, rest } = dump_args(args)?;
    let (mut dpif, dp, _) = ctx.opt_dp(rest, 2)?;
    let names = ctx.opts.names.then(|| names(&mut dpif, &dp));
    let filter = match filter {
        Some(f) => {
            let ports = numbers(&mut dpif, &dp);
            Some(
                crate::filter::Filter::parse(&f, &ports)
                    .map_err(|e| Failure::plain(format!("Failed to parse filter ({e})")))?,
            )
        }
        None => None,
    };
    let flows = dpif
        .dump_flows(dp.ifindex)
        .map_err(|e| Failure::new("Failed to dump flows from datapath", e.0))?;
    let flows: Vec<FlowInfo> = flows
        .into_iter()
        .filter(|f| filter.as_ref().map_or(true, |x| x.matches(f)))
        .collect();
    if ctx.opts.json {
        let v: Vec<_> = flows
            .iter()
            .map(|f| crate::json::flow(f, names.as_deref()))
            .collect();
        println!(
            "{}",
            serde_json::json!({ "datapath": format!("system@{}", dp.name), "flows": v })
        );
        return Ok(());
    }
    if pmd {
        // A kernel datapath's flows belong to no PMD thread: a pmd= filter
        // matches none of them (dpctl_dump_flows).
        return Ok(());
    }
    for f in &flows {
        println!(
            "{}",
            format_dpif_flow(f, names.as_deref(), ctx.opts.verbosity > 0)
        );
    }
    Ok(())
}

/// `dump-flows`' trailing `filter=`, `type=` and `pmd=` arguments.
struct DumpArgs<'a> {
    filter: Option<String>,
    pmd: bool,
    rest: &'a [String],
}

/// Takes `filter=`, `type=` and `pmd=` off the end of the arguments as
/// `dpctl_dump_flows` does (`type=` is for `ovs-appctl` only).
fn dump_args(args: &[String]) -> Result<DumpArgs<'_>, Failure> {
    let (mut filter, mut pmd) = (None, false);
    let mut n = args.len();
    let mut last = usize::MAX;
    while n > 0 && last != n {
        last = n;
        let a = &args[n - 1];
        if let Some(f) = a.strip_prefix("filter=").filter(|_| filter.is_none()) {
            filter = Some(f.to_string());
            n -= 1;
        } else if a.starts_with("type=") {
            return Err(Failure::plain(
                "Invalid argument 'type'. Use 'ovs-appctl dpctl/dump-flows' instead.",
            ));
        } else if let Some(p) = a.strip_prefix("pmd=") {
            if leading_int(p).is_none() {
                return Err(Failure::plain(""));
            }
            pmd = true;
            n -= 1;
        }
    }
    Ok(DumpArgs {
        filter,
        pmd,
        rest: &args[..n],
    })
}

/// `sscanf("%d")`: an optionally signed decimal prefix.
fn leading_int(s: &str) -> Option<i64> {
    let s = s.trim_start();
    let digits = s.strip_prefix(['-', '+']).unwrap_or(s);
    let n = digits.bytes().take_while(u8::is_ascii_digit).count();
    if n == 0 {
        return None;
    }
    s[..s.len() - digits.len() + n].parse().ok()
}
