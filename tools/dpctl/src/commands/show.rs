//! `show [-s] [DP...]`.

use crate::commands::dp::all_dps;
use crate::ctx::{dp_name, Ctx};
use crate::dpif::{type_name, DpInfo, Dpif, PortInfo};
use crate::errors::{CmdResult, Failure};
use genl::ovs::vport as vp;
use std::fmt::Write;

/// `show [DP...]`.
pub fn show(ctx: &Ctx, args: &[String]) -> CmdResult {
    let mut blocks = Vec::new();
    let mut last: CmdResult = Ok(());
    let mut dpif = if args.is_empty() {
        let (dpif, dps) = all_dps(ctx)?;
        blocks = dps.into_iter().map(Some).collect();
        dpif
    } else {
        let mut dpif = ctx
            .dpif()
            .map_err(|e| Failure::new(format!("opening datapath {} failed", args[0]), e.0))?;
        for name in args {
            match dpif.get_dp(dp_name(name)) {
                Ok(dp) => blocks.push(Some(dp)),
                Err(e) => {
                    blocks.push(None);
                    crate::report(&Failure::new(
                        format!("opening datapath {name} failed"),
                        e.0,
                    ));
                    last = Err(Failure::new("", e.0));
                }
            }
        }
        dpif
    };
    let mut json = Vec::new();
    for dp in blocks.into_iter().flatten() {
        let ports = dpif.ports(dp.ifindex).unwrap_or_default();
        if ctx.opts.json {
            json.push(crate::json::datapath(&dp, &ports));
        } else {
            print!("{}", format_show(&dp, &ports, ctx.opts.statistics));
        }
    }
    if ctx.opts.json {
        println!("{}", serde_json::json!({ "datapaths": json }));
    }
    let _ = &mut dpif;
    last
}

/// One datapath's `show` block, as ovs-dpctl prints it.
pub fn format_show(dp: &DpInfo, ports: &[PortInfo], stats: bool) -> String {
    let mut s = String::new();
    let [hit, missed, lost, flows] = dp.stats;
    let _ = writeln!(s, "system@{}:", dp.name);
    let _ = writeln!(s, "  lookups: hit:{hit} missed:{missed} lost:{lost}");
    let _ = writeln!(s, "  flows: {flows}");
    if let Some((mask_hit, masks, cache_hit)) = dp.megaflow {
        let pkts = hit + missed;
        let avg = if pkts > 0 {
            mask_hit as f64 / pkts as f64
        } else {
            0.0
        };
        let _ = writeln!(s, "  masks: hit:{mask_hit} total:{masks} hit/pkt:{avg:.2}");
        if cache_hit != 0 {
            let rate = if pkts > 0 {
                cache_hit as f64 / pkts as f64 * 100.0
            } else {
                0.0
            };
            let _ = writeln!(s, "  cache: hit:{cache_hit} hit-rate:{rate:.2}%");
        }
    }
    if let Some(size) = dp.masks_cache_size {
        let _ = writeln!(s, "  caches:");
        let _ = writeln!(s, "    masks-cache: size:{size}");
    }
    for p in ports {
        let _ = write!(s, "  port {}: {}", p.port_no, p.name);
        if let Some(kind) = super::tunnel::tunnel_kind(p.kind, &p.name) {
            let cfg = super::tunnel::show_config(&p.name, kind, type_name(kind));
            let _ = write!(s, " ({cfg})");
        } else if p.kind != vp::OVS_VPORT_TYPE_NETDEV {
            let _ = write!(s, " ({})", type_name(p.kind));
        }
        s.push('\n');
        if stats {
            s.push_str(&format_port_stats(p));
        }
    }
    s
}

fn human(v: u64) -> String {
    const K: f64 = 1024.0;
    let f = v as f64;
    if v >= 1 << 40 {
        format!(" ({:.1} TiB)", f / (K * K * K * K))
    } else if v >= 1 << 30 {
        format!(" ({:.1} GiB)", f / (K * K * K))
    } else if v >= 1 << 20 {
        format!(" ({:.1} MiB)", f / (K * K))
    } else if v >= 1 << 10 {
        format!(" ({:.1} KiB)", f / K)
    } else {
        String::new()
    }
}

/// A port's `show -s` lines. Internal ports count from the host's side
/// (receive and transmit swapped), as Linux reports their net device.
pub fn format_port_stats(p: &PortInfo) -> String {
    let [rxp, txp, rxb, txb, rxe, txe, rxd, txd] = p.stats;
    let (rxp, txp, rxb, txb, rxe, txe, rxd, txd) = if p.kind == vp::OVS_VPORT_TYPE_INTERNAL {
        (txp, rxp, txb, rxb, txe, rxe, txd, rxd)
    } else {
        (rxp, txp, rxb, txb, rxe, txe, rxd, txd)
    };
    if super::tunnel::tunnel_kind(p.kind, &p.name).is_some() {
        // A tunnel netdev counts packets and bytes only; OVS prints the
        // counters it lacks (UINT64_MAX) as "?".
        return format!(
            "    RX packets:{rxp} errors:? dropped:? overruns:? frame:?\n\
             \x20   TX packets:{txp} errors:? dropped:? aborted:? carrier:?\n\
             \x20   collisions:?\n\
             \x20   RX bytes:{rxb}{}  TX bytes:{txb}{}\n",
            human(rxb),
            human(txb)
        );
    }
    format!(
        "    RX packets:{rxp} errors:{rxe} dropped:{rxd} overruns:0 frame:0\n\
         \x20   TX packets:{txp} errors:{txe} dropped:{txd} aborted:0 carrier:0\n\
         \x20   collisions:0\n\
         \x20   RX bytes:{rxb}{}  TX bytes:{txb}{}\n",
        human(rxb),
        human(txb)
    )
}

/// Port numbers to names for `-m` output.
pub fn port_names(dpif: &mut Dpif, dp: &DpInfo) -> Vec<(u32, String)> {
    dpif.ports(dp.ifindex)
        .unwrap_or_default()
        .into_iter()
        .map(|p| (p.port_no, p.name))
        .collect()
}
