//! `add-if`, `set-if`, `del-if`.

use super::tunnel;
use crate::ctx::Ctx;
use crate::dpif::{type_from_name, type_name, PortRequest};
use crate::errors::{CmdResult, Failure};
use genl::ovs::vport as vp;

/// Splits `NAME,key=value,...` into the name and its options.
fn split_iface(arg: &str) -> (String, Vec<(String, String)>) {
    let mut parts = arg.split(',').filter(|s| !s.is_empty());
    let name = parts.next().unwrap_or("").to_string();
    let opts = parts
        .map(|o| match o.split_once('=') {
            Some((k, v)) => (k.to_string(), v.to_string()),
            None => (o.to_string(), String::new()),
        })
        .collect();
    (name, opts)
}

/// C's `atoi`: leading digits, else 0.
fn atoi(s: &str) -> u32 {
    let digits: String = s.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().unwrap_or(0)
}

/// `add-if DP IFACE[,type=T][,port_no=N][,dst_port=P]...`.
pub fn add_if(ctx: &Ctx, args: &[String]) -> CmdResult {
    let (mut dpif, dp) = ctx.open_dp(&args[0])?;
    let mut last: CmdResult = Ok(());
    for arg in &args[1..] {
        let (name, opts) = split_iface(arg);
        if name.is_empty() {
            let f = Failure::plain(format!("{arg} is not a valid network device name"));
            crate::report(&f);
            last = Err(Failure::new("", libc::EINVAL));
            continue;
        }
        let mut req = PortRequest {
            name: name.clone(),
            kind: vp::OVS_VPORT_TYPE_NETDEV,
            ..PortRequest::default()
        };
        let mut type_s = "system".to_string();
        let mut cfg: Vec<(String, String)> = Vec::new();
        for (k, v) in opts {
            match k.as_str() {
                "type" => type_s = v,
                "port_no" => req.port_no = Some(atoi(&v)),
                _ if cfg.iter().any(|(x, _)| *x == k) => {
                    crate::report(&Failure::plain(format!("duplicate \"{k}\" option")));
                }
                _ => cfg.push((k, v)),
            }
        }
        let Some(kind) = type_from_name(&type_s) else {
            crate::log::log(
                "netdev",
                "WARN",
                &format!("could not create netdev {name} of unknown type {type_s}"),
            );
            let f = Failure::new(
                format!("{name}: failed to open network device"),
                libc::EAFNOSUPPORT,
            );
            crate::report(&f);
            last = Err(Failure::new("", libc::EAFNOSUPPORT));
            continue;
        };
        req.kind = kind;
        if tunnel::is_tunnel(kind) {
            match tunnel::configure(&name, &type_s, kind, &cfg) {
                Ok(c) => {
                    if !c.warnings.is_empty() {
                        crate::log::log("netdev_vport", "WARN", &c.warnings.join("\n"));
                    }
                    req.dst_port = c.dst_port;
                    req.name = tunnel::dp_port_name(kind, c.dst_port.unwrap_or(0));
                }
                Err(r) => {
                    tunnel::log_refused(&name, &r);
                    last = Err(Failure::new("", libc::EINVAL));
                    continue;
                }
            }
        }
        if let Err(e) = dpif.add_port(dp.ifindex, &req) {
            // dpif_port_add's rate-limited warning.
            crate::log::warn(&format!(
                "system@{}: failed to add {name} as port: {}",
                dp.name,
                e.text()
            ));
            let f = Failure::new(format!("adding {name} to {} failed", args[0]), e.0);
            crate::report(&f);
            last = Err(Failure::new("", e.0));
        }
    }
    last
}

/// `set-if DP IFACE[,type=T][,port_no=N]...`: checks what cannot change.
pub fn set_if(ctx: &Ctx, args: &[String]) -> CmdResult {
    let (mut dpif, dp) = ctx.open_dp(&args[0])?;
    let mut last: CmdResult = Ok(());
    for arg in &args[1..] {
        let (name, opts) = split_iface(arg);
        if name.is_empty() {
            crate::report(&Failure::plain(format!(
                "{arg} is not a valid network device name"
            )));
            continue;
        }
        let port = match dpif.port_by_name(&name) {
            Ok(p) if p.dp_ifindex == dp.ifindex => p,
            Ok(_) => {
                let f = Failure::new(
                    format!("{name}: failed to query port in {}", args[0]),
                    libc::ENODEV,
                );
                crate::report(&f);
                last = Err(Failure::new("", libc::ENODEV));
                continue;
            }
            Err(e) => {
                crate::report(&Failure::new(
                    format!("{name}: failed to query port in {}", args[0]),
                    e.0,
                ));
                last = Err(Failure::new("", e.0));
                continue;
            }
        };
        let type_s = type_name(port.kind);
        let mut refused = false;
        for (k, v) in &opts {
            if k == "type" && v != type_s {
                crate::report(&Failure::plain(format!(
                    "{name}: can't change type from {type_s} to {v}"
                )));
                refused = true;
                break;
            }
            if k == "port_no" && port.port_no != atoi(v) {
                crate::report(&Failure::plain(format!(
                    "{name}: can't change port number from {} to {}",
                    port.port_no,
                    atoi(v)
                )));
                refused = true;
                break;
            }
        }
        if refused {
            last = Err(Failure::new("", libc::EINVAL));
            continue;
        }
        if tunnel::is_tunnel(port.kind) {
            let cfg: Vec<(String, String)> = opts
                .into_iter()
                .filter(|(k, _)| k != "type" && k != "port_no")
                .collect();
            match tunnel::configure(&name, type_s, port.kind, &cfg) {
                Ok(c) if !c.warnings.is_empty() => {
                    crate::log::log("netdev_vport", "WARN", &c.warnings.join("\n"));
                }
                Ok(_) => {}
                Err(r) => {
                    tunnel::log_refused(&name, &r);
                    crate::report(&Failure::new(r.lines.join("\n"), libc::EINVAL));
                    last = Err(Failure::new("", libc::EINVAL));
                }
            }
        }
    }
    last
}

/// `del-if DP IFACE...` (names or port numbers).
pub fn del_if(ctx: &Ctx, args: &[String]) -> CmdResult {
    let (mut dpif, dp) = ctx.open_dp(&args[0])?;
    let mut last: CmdResult = Ok(());
    for name in &args[1..] {
        let port_no = if !name.is_empty() && name.chars().all(|c| c.is_ascii_digit()) {
            atoi(name)
        } else {
            match dpif.port_by_name(name) {
                Ok(p) if p.dp_ifindex == dp.ifindex => p.port_no,
                _ => {
                    crate::report(&Failure::plain(format!("no port named {name}")));
                    last = Err(Failure::new("", libc::ENOENT));
                    continue;
                }
            }
        };
        if let Err(e) = dpif.del_port(dp.ifindex, port_no) {
            crate::report(&Failure::new(
                format!("deleting port {name} from {} failed", args[0]),
                e.0,
            ));
            last = Err(Failure::new("", e.0));
        }
    }
    last
}
