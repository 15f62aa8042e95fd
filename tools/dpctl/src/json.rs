//! `--json` output for `show`, `dump-dps` and `dump-flows`.

use crate::dpif::{type_name, DpInfo, PortInfo};
use serde_json::{json, Value};

/// A datapath with its ports.
pub fn datapath(dp: &DpInfo, ports: &[PortInfo]) -> Value {
    let [hit, missed, lost, flows] = dp.stats;
    let ports: Vec<Value> = ports.iter().map(port).collect();
    json!({
        "name": format!("system@{}", dp.name),
        "ifindex": dp.ifindex,
        "user_features": dp.features,
        "lookups": { "hit": hit, "missed": missed, "lost": lost },
        "flows": flows,
        "masks": dp.megaflow.map(|(h, t, c)| json!({ "hit": h, "total": t, "cache_hit": c })),
        "masks_cache_size": dp.masks_cache_size,
        "ports": ports,
    })
}

/// A port with its statistics.
pub fn port(p: &PortInfo) -> Value {
    let [rxp, txp, rxb, txb, rxe, txe, rxd, txd] = p.stats;
    json!({
        "port_no": p.port_no,
        "name": p.name,
        "type": type_name(p.kind),
        "ifindex": p.ifindex,
        "dst_port": p.dst_port,
        "upcall_pids": p.upcall_pids,
        "stats": {
            "rx_packets": rxp, "tx_packets": txp, "rx_bytes": rxb, "tx_bytes": txb,
            "rx_errors": rxe, "tx_errors": txe, "rx_dropped": rxd, "tx_dropped": txd,
        },
    })
}

/// A flow: its UFID, key and actions as text and its statistics.
pub fn flow(f: &crate::flows::FlowInfo, names: Option<&[(u32, String)]>) -> Value {
    json!({
        "ufid": f.ufid.as_ref().map(|u| crate::odp::format_ufid(u)),
        "key": crate::odp::format_flow(&f.key, f.mask.as_deref(), names, false),
        "match": crate::odp::format_flow(&f.key, f.mask.as_deref(), names, true),
        "actions": crate::odp::format_actions(&f.actions, names),
        "packets": f.stats.0,
        "bytes": f.stats.1,
        "used_ms": f.used,
        "tcp_flags": f.tcp_flags,
    })
}

/// An upcall: kind, datapath, decoded key and the packet in hex.
pub fn upcall(u: &crate::packets::Upcall, dp_name: &str, names: Option<&[(u32, String)]>) -> Value {
    let hex = |b: &[u8]| b.iter().map(|x| format!("{x:02x}")).collect::<String>();
    json!({
        "upcall": u.kind(),
        "datapath": format!("system@{dp_name}"),
        "key": crate::odp::format_flow(&u.key, None, names, true),
        "userdata": u.userdata.as_deref().map(hex),
        "actions": u.actions.as_deref().map(|a| crate::odp::format_actions(a, names)),
        "mru": u.mru,
        "len": u.len,
        "hash": u.hash,
        "packet": hex(&u.packet),
    })
}
