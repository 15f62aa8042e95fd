//! `--json` output for `show`, `dump-dps` and `dump-flows`.

use crate::dpif::{type_name, DpInfo, PortInfo};
use serde_json::{json, Value};

/// A datapath with its ports.
pub fn datapath(dp: &DpInfo, ports: &[PortInfo]) -> Value {
    let [hit, missed, lost, flows] = dp.stats;
    let ports: Vec<Value> = ports
        .iter()
        .map(|p| {
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
        })
        .collect();
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
