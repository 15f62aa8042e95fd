//! What Debian's `ovs-dpctl` 3.1.0 prints against a real Linux 6.12
//! kernel, from the recorded session
//! `shared/traces/ovs-dpctl/session-6.12.txt` (log lines left out), and a
//! builder for the same format with other port lists.

/// `ovs-dpctl show` right after `add-dp dp0`.
pub const SHOW_DP0: &str = "\
system@dp0:
  lookups: hit:0 missed:0 lost:0
  flows: 0
  masks: hit:0 total:0 hit/pkt:0.00
  caches:
    masks-cache: size:256
  port 0: dp0 (internal)";

/// `ovs-dpctl show -s` after `add-if dp0 p1,type=internal`.
pub const SHOW_S_DP0_P1: &str = "\
system@dp0:
  lookups: hit:0 missed:0 lost:0
  flows: 0
  masks: hit:0 total:0 hit/pkt:0.00
  caches:
    masks-cache: size:256
  port 0: dp0 (internal)
    RX packets:0 errors:0 dropped:0 overruns:0 frame:0
    TX packets:0 errors:0 dropped:0 aborted:0 carrier:0
    collisions:0
    RX bytes:0  TX bytes:0
  port 1: p1 (internal)
    RX packets:0 errors:0 dropped:0 overruns:0 frame:0
    TX packets:0 errors:0 dropped:0 aborted:0 carrier:0
    collisions:0
    RX bytes:0  TX bytes:0";

/// `ovs-dpctl dump-dps` with datapath `dp0`.
pub const DUMP_DPS_DP0: &str = "system@dp0";

/// One port as `ovs-dpctl show` lists it.
#[derive(Debug, Clone, Copy)]
pub struct Port<'a> {
    /// Port number.
    pub no: u32,
    /// Port name.
    pub name: &'a str,
    /// OVS port type; `None` for a system (netdev) port, which ovs-dpctl
    /// prints without a type.
    pub kind: Option<&'a str>,
}

/// The `show` block of an idle datapath (no flows, no traffic) with
/// `ports`, with the zero statistics `show -s` adds when `stats` is set.
pub fn show(dp: &str, ports: &[Port], stats: bool) -> String {
    let mut lines = vec![
        format!("system@{dp}:"),
        "  lookups: hit:0 missed:0 lost:0".to_string(),
        "  flows: 0".to_string(),
        "  masks: hit:0 total:0 hit/pkt:0.00".to_string(),
        "  caches:".to_string(),
        "    masks-cache: size:256".to_string(),
    ];
    for p in ports {
        lines.push(match p.kind {
            Some(kind) => format!("  port {}: {} ({kind})", p.no, p.name),
            None => format!("  port {}: {}", p.no, p.name),
        });
        if stats {
            lines.extend(
                [
                    "    RX packets:0 errors:0 dropped:0 overruns:0 frame:0",
                    "    TX packets:0 errors:0 dropped:0 aborted:0 carrier:0",
                    "    collisions:0",
                    "    RX bytes:0  TX bytes:0",
                ]
                .map(String::from),
            );
        }
    }
    lines.join("\n")
}

/// Port 0, the datapath's local port.
pub fn local(dp: &str) -> Port<'_> {
    Port {
        no: 0,
        name: dp,
        kind: Some("internal"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builder_reproduces_the_transcript() {
        assert_eq!(show("dp0", &[local("dp0")], false), SHOW_DP0);
        let p1 = Port {
            no: 1,
            name: "p1",
            kind: Some("internal"),
        };
        assert_eq!(show("dp0", &[local("dp0"), p1], true), SHOW_S_DP0_P1);
    }
}
