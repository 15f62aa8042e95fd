//! `monitor`: prints the `ovs_datapath`, `ovs_vport` and `ovs_flow`
//! multicast notifications as they arrive, one line each:
//!
//! ```text
//! ovs_datapath NEW system@dp0
//! ovs_vport NEW system@dp0 port 1: p1 (internal)
//! ovs_flow NEW system@dp0 in_port(1),eth(),..., packets:0, bytes:0, used:never, actions:2
//! ```
//!
//! With `--json`, one JSON object per notification instead.

use crate::ctx::Ctx;
use crate::dpif::{type_name, DpInfo, Dpif, PortInfo};
use crate::errors::{CmdResult, Failure};
use crate::flows::FlowInfo;
use crate::nl::Message;
use genl::ovs::{datapath as dp, flow as fl, vport as vp};
use std::collections::HashMap;

/// A notification's command name (the families share NEW/DEL/GET/SET = 1-4).
pub fn cmd_name(cmd: u8) -> String {
    match cmd {
        1 => "NEW".into(),
        2 => "DEL".into(),
        3 => "GET".into(),
        4 => "SET".into(),
        n => format!("CMD{n}"),
    }
}

/// Datapath names by ifindex, refreshed from a second connection when a
/// notification names an unknown one.
struct Names {
    dpif: Option<Dpif>,
    by_ifindex: HashMap<i32, String>,
}

impl Names {
    fn name(&mut self, ifindex: i32) -> String {
        if !self.by_ifindex.contains_key(&ifindex) {
            if let Some(d) = self.dpif.as_mut() {
                for dp in d.list_dps().unwrap_or_default() {
                    self.by_ifindex.insert(dp.ifindex, dp.name);
                }
            }
        }
        match self.by_ifindex.get(&ifindex) {
            Some(n) => format!("system@{n}"),
            None => format!("dp_ifindex:{ifindex}"),
        }
    }
}

/// Formats one notification (`None`: not one of the three families).
fn format(d: &Dpif, names: &mut Names, m: &Message, json: bool) -> Option<String> {
    let cmd = cmd_name(m.cmd);
    if m.family == d.fams.datapath.id {
        let info = DpInfo::decode(m);
        names.by_ifindex.insert(info.ifindex, info.name.clone());
        let name = format!("system@{}", info.name);
        return Some(if json {
            serde_json::json!({ "family": dp::NAME, "cmd": cmd, "datapath": crate::json::datapath(&info, &[]) })
                .to_string()
        } else {
            format!("{} {cmd} {name}", dp::NAME)
        });
    }
    if m.family == d.fams.vport.id {
        let p = PortInfo::decode(m);
        let dpn = names.name(p.dp_ifindex);
        return Some(if json {
            serde_json::json!({ "family": vp::NAME, "cmd": cmd, "datapath": dpn, "port": crate::json::port(&p) })
                .to_string()
        } else {
            format!(
                "{} {cmd} {dpn} port {}: {} ({})",
                vp::NAME,
                p.port_no,
                p.name,
                type_name(p.kind)
            )
        });
    }
    if m.family == d.fams.flow.id {
        let f = FlowInfo::decode(m);
        let dpn = names.name(m.dp_ifindex);
        return Some(if json {
            serde_json::json!({ "family": fl::NAME, "cmd": cmd, "datapath": dpn, "flow": crate::json::flow(&f, None) })
                .to_string()
        } else {
            let ufid = f.ufid.as_deref().map_or(String::new(), |u| {
                format!("{}, ", crate::odp::format_ufid(u))
            });
            let line = crate::commands::flow::format_dpif_flow(&f, None, false);
            format!("{} {cmd} {dpn} {ufid}{line}", fl::NAME)
        });
    }
    None
}

/// `monitor`: joins the three multicast groups and prints what arrives
/// (until killed, or `--count N` notifications).
pub fn monitor(ctx: &Ctx, _args: &[String]) -> CmdResult {
    let mut d = ctx
        .dpif()
        .map_err(|e| Failure::new("opening datapath", e.0))?;
    let groups = [
        (&d.fams.datapath, dp::MCGROUP),
        (&d.fams.vport, vp::MCGROUP),
        (&d.fams.flow, fl::MCGROUP),
    ]
    .map(|(f, g)| f.group(g).ok_or(g));
    for g in groups {
        let id = g.map_err(|g| Failure::new(format!("no multicast group {g}"), libc::ENOENT))?;
        d.client
            .join(id)
            .map_err(|e| Failure::new("joining multicast group", e.0))?;
    }
    let mut names = Names {
        dpif: ctx.dpif().ok(),
        by_ifindex: HashMap::new(),
    };
    eprintln!(
        "{}: monitoring {}, {}, {}",
        crate::PROGRAM,
        dp::MCGROUP,
        vp::MCGROUP,
        fl::MCGROUP
    );
    let mut seen = 0u64;
    loop {
        let msgs = d
            .client
            .next_message(4)
            .map_err(|e| Failure::new("receiving notification", e.0))?;
        for m in &msgs {
            if let Some(line) = format(&d, &mut names, m, ctx.opts.json) {
                println!("{line}");
                seen += 1;
                if ctx.opts.count.is_some_and(|c| seen >= c) {
                    return Ok(());
                }
            }
        }
    }
}
