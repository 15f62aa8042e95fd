//! Tunnel ports as ovs-dpctl makes and shows them (OVS's `netdev-vport`):
//! `add-if DP NAME,type=vxlan,remote_ip=IP[,dst_port=N]...` validates the
//! options, needs `remote_ip`, and names the datapath port after the type
//! and UDP port (`vxlan_sys_4789`, `genev_sys_6081`, `gre_sys`), not NAME;
//! `show` prints the UDP port read back from that name and
//! `packet_type=ptap`.

use genl::ovs::vport as vp;
use std::net::IpAddr;

/// The options OVS's tunnel configuration knows (others are warned of).
const KNOWN: &[&str] = &[
    "remote_ip",
    "local_ip",
    "tos",
    "ttl",
    "dst_port",
    "csum",
    "seq",
    "df_default",
    "key",
    "in_key",
    "out_key",
    "exts",
    "egress_pkt_mark",
    "packet_type",
    "erspan_ver",
    "erspan_idx",
    "erspan_dir",
    "erspan_hwid",
];

/// True for the tunnel vport types.
pub fn is_tunnel(kind: u32) -> bool {
    matches!(
        kind,
        vp::OVS_VPORT_TYPE_VXLAN | vp::OVS_VPORT_TYPE_GENEVE | vp::OVS_VPORT_TYPE_GRE
    )
}

/// The tunnel type a port has for ovs-dpctl: its vport type, or for a
/// `netdev` port, the type whose datapath port names it starts with
/// (`netdev_vport_type_from_name`: OVS makes tunnels as net devices).
pub fn tunnel_kind(kind: u32, name: &str) -> Option<u32> {
    if is_tunnel(kind) {
        return Some(kind);
    }
    if kind != vp::OVS_VPORT_TYPE_NETDEV {
        return None;
    }
    [
        vp::OVS_VPORT_TYPE_VXLAN,
        vp::OVS_VPORT_TYPE_GENEVE,
        vp::OVS_VPORT_TYPE_GRE,
    ]
    .into_iter()
    .find(|&k| name.starts_with(prefix(k).trim_end_matches('_')))
}

/// The UDP port a tunnel type listens on by default (0: none).
pub fn default_port(kind: u32) -> u16 {
    match kind {
        vp::OVS_VPORT_TYPE_VXLAN => 4789,
        vp::OVS_VPORT_TYPE_GENEVE => 6081,
        _ => 0,
    }
}

fn prefix(kind: u32) -> &'static str {
    match kind {
        vp::OVS_VPORT_TYPE_VXLAN => "vxlan_sys_",
        vp::OVS_VPORT_TYPE_GENEVE => "genev_sys_",
        _ => "gre_sys",
    }
}

/// The datapath port name for a tunnel of `kind` on `dst_port`.
pub fn dp_port_name(kind: u32, dst_port: u16) -> String {
    match kind {
        vp::OVS_VPORT_TYPE_GRE => "gre_sys".into(),
        _ => format!("{}{dst_port}", prefix(kind)),
    }
}

/// A tunnel's validated configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// The UDP port (vxlan, geneve).
    pub dst_port: Option<u16>,
    /// Warnings to log even when the configuration is accepted.
    pub warnings: Vec<String>,
}

/// Why a configuration was refused: the error lines (the first ones are
/// the warnings) and an `ERR` line logged before them, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    /// `socket_util|ERR` text for an address that does not parse.
    pub err: Option<String>,
    /// The netdev_vport lines.
    pub lines: Vec<String>,
}

/// Checks `opts` for a tunnel port `name` of `kind` (`type_s` its name),
/// as `set_tunnel_config` does.
pub fn configure(
    name: &str,
    type_s: &str,
    kind: u32,
    opts: &[(String, String)],
) -> Result<Config, Refused> {
    let mut lines = Vec::new();
    let mut err = None;
    let mut remote = false;
    let mut dst_port = None;
    for (k, v) in opts {
        let udp = kind != vp::OVS_VPORT_TYPE_GRE;
        match k.as_str() {
            "remote_ip" => {
                if v == "flow" || v.parse::<IpAddr>().is_ok() {
                    remote = true;
                } else {
                    err = Some(format!("\"{v}\" is not a valid IP address"));
                    lines.push(format!("{name}: bad {type_s} 'remote_ip'"));
                }
            }
            "dst_port" if udp => {
                let digits: String = v.chars().take_while(char::is_ascii_digit).collect();
                dst_port = Some(digits.parse::<u16>().unwrap_or(0));
            }
            k if KNOWN.contains(&k) && k != "dst_port" => {}
            _ => lines.push(format!("{name}: unknown {type_s} argument '{k}'")),
        }
    }
    if !remote {
        lines.push(format!(
            "{name}: {type_s} type requires valid 'remote_ip' argument"
        ));
        return Err(Refused { err, lines });
    }
    let dst_port = match kind {
        vp::OVS_VPORT_TYPE_GRE => None,
        _ => Some(dst_port.unwrap_or_else(|| default_port(kind))),
    };
    Ok(Config {
        dst_port,
        warnings: lines,
    })
}

/// Logs a refused configuration as ovs-dpctl does.
pub fn log_refused(name: &str, r: &Refused) {
    if let Some(e) = &r.err {
        crate::log::log("socket_util", "ERR", e);
    }
    crate::log::log("netdev_vport", "WARN", &r.lines.join("\n"));
    crate::log::log(
        "netdev",
        "WARN",
        &format!(
            "{name}: could not set configuration ({})",
            crate::errors::strerror(libc::EINVAL)
        ),
    );
}

/// What `show` prints in parentheses after a tunnel port's name: the
/// type, the UDP port when its name carries a non-default one, and
/// `packet_type=ptap`.
pub fn show_config(name: &str, kind: u32, type_s: &str) -> String {
    let mut parts = Vec::new();
    if kind != vp::OVS_VPORT_TYPE_GRE {
        if let Some(rest) = name.strip_prefix(prefix(kind)) {
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            let port = digits.parse::<u16>().unwrap_or(0);
            if port != default_port(kind) {
                parts.push(format!("dst_port={port}"));
            }
        }
    }
    parts.push("packet_type=ptap".into());
    format!("{type_s}: {}", parts.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn o(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn a_tunnel_needs_a_remote_ip() {
        let r = configure("vx0", "vxlan", vp::OVS_VPORT_TYPE_VXLAN, &[]).unwrap_err();
        assert_eq!(
            r.lines,
            ["vx0: vxlan type requires valid 'remote_ip' argument"]
        );
        let r = configure(
            "vx0",
            "vxlan",
            vp::OVS_VPORT_TYPE_VXLAN,
            &o(&[("remote_ip", "bad")]),
        )
        .unwrap_err();
        assert_eq!(r.err.as_deref(), Some("\"bad\" is not a valid IP address"));
        assert_eq!(r.lines.len(), 2);
    }

    #[test]
    fn ports_and_names_follow_the_type() {
        let c = configure(
            "vx1",
            "vxlan",
            vp::OVS_VPORT_TYPE_VXLAN,
            &o(&[
                ("remote_ip", "10.0.0.9"),
                ("dst_port", "4790"),
                ("bogus", "1"),
            ]),
        )
        .unwrap();
        assert_eq!(c.dst_port, Some(4790));
        assert_eq!(c.warnings, ["vx1: unknown vxlan argument 'bogus'"]);
        assert_eq!(
            dp_port_name(vp::OVS_VPORT_TYPE_VXLAN, 4790),
            "vxlan_sys_4790"
        );
        let g = configure(
            "g",
            "gre",
            vp::OVS_VPORT_TYPE_GRE,
            &o(&[("remote_ip", "flow"), ("dst_port", "5")]),
        )
        .unwrap();
        assert_eq!(g.dst_port, None);
        assert_eq!(g.warnings, ["g: unknown gre argument 'dst_port'"]);
        assert_eq!(
            show_config("vxlan_sys_4790", vp::OVS_VPORT_TYPE_VXLAN, "vxlan"),
            "vxlan: dst_port=4790, packet_type=ptap"
        );
        assert_eq!(
            show_config("vx0", vp::OVS_VPORT_TYPE_VXLAN, "vxlan"),
            "vxlan: packet_type=ptap"
        );
        assert_eq!(
            show_config("gre_sys", vp::OVS_VPORT_TYPE_GRE, "gre"),
            "gre: packet_type=ptap"
        );
    }
}
