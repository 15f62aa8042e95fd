//! `add-dp`, `del-dp`, `dump-dps`.

use crate::ctx::{dp_name, Ctx};
use crate::errors::{CmdResult, Failure};

/// `add-dp DP [IFACE...]`.
pub fn add_dp(ctx: &Ctx, args: &[String]) -> CmdResult {
    let mut dpif = ctx.dpif().map_err(|e| Failure::new("add_dp", e.0))?;
    dpif.new_dp(dp_name(&args[0]), 0)
        .map_err(|e| Failure::new("add_dp", e.0))?;
    if args.len() > 1 {
        return super::port::add_if(ctx, args);
    }
    Ok(())
}

/// `del-dp DP`.
pub fn del_dp(ctx: &Ctx, args: &[String]) -> CmdResult {
    let (mut dpif, dp) = ctx.open_dp(&args[0])?;
    dpif.del_dp(&dp.name)
        .map_err(|e| Failure::new("del_dp", e.0))
}

/// The datapaths in name order, for `show` and `dump-dps`.
pub fn all_dps(ctx: &Ctx) -> Result<(crate::dpif::Dpif, Vec<crate::dpif::DpInfo>), Failure> {
    // dp_enumerate_names: a failure is dpif's warning.
    let enumerate_failed = |e: crate::nl::Errno| {
        crate::log::warn(&format!(
            "failed to enumerate system datapaths: {}",
            e.text()
        ));
        Failure::new("", e.0)
    };
    let mut dpif = ctx.dpif().map_err(enumerate_failed)?;
    let mut dps = dpif.list_dps().map_err(enumerate_failed)?;
    dps.sort_by(|a, b| a.name.cmp(&b.name));
    Ok((dpif, dps))
}

/// `dump-dps`.
pub fn dump_dps(ctx: &Ctx, _args: &[String]) -> CmdResult {
    let (_, dps) = all_dps(ctx)?;
    if ctx.opts.json {
        let names: Vec<String> = dps.iter().map(|d| format!("system@{}", d.name)).collect();
        println!("{}", serde_json::json!({ "datapaths": names }));
        return Ok(());
    }
    for d in dps {
        println!("system@{}", d.name);
    }
    Ok(())
}
