//! The datapath interface: datapath and vport requests and their decoded
//! replies (what `dpif-netlink.c` is to ovs-dpctl).

use crate::families::OvsFamilies;
use crate::nl::{Client, Errno, Header, Message};
use genl::nlmsg::{NLM_F_CREATE, NLM_F_ECHO};
use genl::ovs::datapath as dp;
use genl::ovs::vport as vp;

/// A datapath as `OVS_DP_CMD_GET` describes it.
#[derive(Debug, Clone, Default)]
pub struct DpInfo {
    /// Name.
    pub name: String,
    /// `dp_ifindex` from the OVS header.
    pub ifindex: i32,
    /// `n_hit, n_missed, n_lost, n_flows`.
    pub stats: [u64; 4],
    /// `(n_mask_hit, n_masks, n_cache_hit)`, when sent.
    pub megaflow: Option<(u64, u32, u64)>,
    /// `OVS_DP_ATTR_USER_FEATURES`.
    pub features: u32,
    /// `OVS_DP_ATTR_MASKS_CACHE_SIZE`, when sent.
    pub masks_cache_size: Option<u32>,
}

fn u64_at(b: &[u8], i: usize) -> u64 {
    b.get(i * 8..i * 8 + 8)
        .map(|s| u64::from_ne_bytes(s.try_into().unwrap_or([0; 8])))
        .unwrap_or(0)
}

impl DpInfo {
    /// Decodes a datapath reply or notification.
    pub fn decode(m: &Message) -> DpInfo {
        let mut d = DpInfo {
            ifindex: m.dp_ifindex,
            ..DpInfo::default()
        };
        for a in m.iter() {
            match a.kind {
                dp::OVS_DP_ATTR_NAME => d.name = String::from_utf8_lossy(a.c_str()).into_owned(),
                dp::OVS_DP_ATTR_STATS => {
                    for (i, s) in d.stats.iter_mut().enumerate() {
                        *s = u64_at(a.payload, i);
                    }
                }
                dp::OVS_DP_ATTR_MEGAFLOW_STATS => {
                    let masks = a
                        .payload
                        .get(8..12)
                        .map(|b| u32::from_ne_bytes([b[0], b[1], b[2], b[3]]))
                        .unwrap_or(0);
                    d.megaflow = Some((u64_at(a.payload, 0), masks, u64_at(a.payload, 2)));
                }
                dp::OVS_DP_ATTR_USER_FEATURES => d.features = a.u32().unwrap_or(0),
                dp::OVS_DP_ATTR_MASKS_CACHE_SIZE => d.masks_cache_size = a.u32(),
                _ => {}
            }
        }
        d
    }
}

/// A vport as `OVS_VPORT_CMD_GET` describes it.
#[derive(Debug, Clone, Default)]
pub struct PortInfo {
    /// Port number.
    pub port_no: u32,
    /// `OVS_VPORT_TYPE_*`.
    pub kind: u32,
    /// Name.
    pub name: String,
    /// `dp_ifindex` of its datapath.
    pub dp_ifindex: i32,
    /// The net device's ifindex, when sent.
    pub ifindex: Option<i32>,
    /// `rx_packets, tx_packets, rx_bytes, tx_bytes, rx_errors, tx_errors,
    /// rx_dropped, tx_dropped`.
    pub stats: [u64; 8],
    /// Tunnel options: `OVS_TUNNEL_ATTR_DST_PORT`, when sent.
    pub dst_port: Option<u16>,
    /// `OVS_VPORT_ATTR_UPCALL_PID` array.
    pub upcall_pids: Vec<u32>,
}

/// OVS's name for a vport type (`system` for a netdev).
pub fn type_name(kind: u32) -> &'static str {
    match kind {
        vp::OVS_VPORT_TYPE_NETDEV => "system",
        vp::OVS_VPORT_TYPE_INTERNAL => "internal",
        vp::OVS_VPORT_TYPE_GRE => "gre",
        vp::OVS_VPORT_TYPE_VXLAN => "vxlan",
        vp::OVS_VPORT_TYPE_GENEVE => "geneve",
        _ => "unknown",
    }
}

/// The vport type for an OVS type name.
pub fn type_from_name(name: &str) -> Option<u32> {
    Some(match name {
        "system" | "" => vp::OVS_VPORT_TYPE_NETDEV,
        "internal" => vp::OVS_VPORT_TYPE_INTERNAL,
        "gre" => vp::OVS_VPORT_TYPE_GRE,
        "vxlan" => vp::OVS_VPORT_TYPE_VXLAN,
        "geneve" => vp::OVS_VPORT_TYPE_GENEVE,
        _ => return None,
    })
}

/// `OVS_TUNNEL_ATTR_DST_PORT`.
const OVS_TUNNEL_ATTR_DST_PORT: u16 = 1;

impl PortInfo {
    /// Decodes a vport reply or notification.
    pub fn decode(m: &Message) -> PortInfo {
        let mut p = PortInfo {
            dp_ifindex: m.dp_ifindex,
            ..PortInfo::default()
        };
        for a in m.iter() {
            match a.kind {
                vp::OVS_VPORT_ATTR_PORT_NO => p.port_no = a.u32().unwrap_or(0),
                vp::OVS_VPORT_ATTR_TYPE => p.kind = a.u32().unwrap_or(0),
                vp::OVS_VPORT_ATTR_NAME => p.name = String::from_utf8_lossy(a.c_str()).into_owned(),
                vp::OVS_VPORT_ATTR_IFINDEX => p.ifindex = a.u32().map(|v| v as i32),
                vp::OVS_VPORT_ATTR_STATS => {
                    for (i, s) in p.stats.iter_mut().enumerate() {
                        *s = u64_at(a.payload, i);
                    }
                }
                vp::OVS_VPORT_ATTR_OPTIONS => {
                    p.dst_port = a
                        .nested_iter()
                        .find(|o| o.kind == OVS_TUNNEL_ATTR_DST_PORT)
                        .and_then(|o| o.u16());
                }
                vp::OVS_VPORT_ATTR_UPCALL_PID => {
                    p.upcall_pids = a
                        .payload
                        .chunks_exact(4)
                        .map(|c| u32::from_ne_bytes([c[0], c[1], c[2], c[3]]))
                        .collect();
                }
                _ => {}
            }
        }
        p
    }
}

/// An open connection to a datapath provider with its families.
pub struct Dpif {
    /// The netlink client.
    pub client: Client,
    /// The resolved OVS families.
    pub fams: OvsFamilies,
}

impl Dpif {
    /// Resolves the families on `client`.
    pub fn new(mut client: Client) -> Result<Dpif, Errno> {
        let fams = OvsFamilies::resolve(&mut client)?;
        Ok(Dpif { client, fams })
    }

    /// A request header for the datapath family.
    pub fn dp_hdr(&self, cmd: u8, ifindex: i32, flags: u16) -> Header {
        Header {
            family: self.fams.datapath.id,
            cmd,
            version: dp::VERSION as u8,
            ovs: Some(ifindex),
            flags,
        }
    }

    /// A request header for the vport family.
    pub fn vport_hdr(&self, cmd: u8, ifindex: i32, flags: u16) -> Header {
        Header {
            family: self.fams.vport.id,
            cmd,
            version: vp::VERSION as u8,
            ovs: Some(ifindex),
            flags,
        }
    }

    /// Every datapath.
    pub fn list_dps(&mut self) -> Result<Vec<DpInfo>, Errno> {
        let h = self.dp_hdr(dp::OVS_DP_CMD_GET, 0, 0);
        let r = self.client.transact(h, true, |_| {})?;
        Ok(r.iter().map(DpInfo::decode).collect())
    }

    /// The datapath named `name` (`ENODEV` if none).
    pub fn get_dp(&mut self, name: &str) -> Result<DpInfo, Errno> {
        let h = self.dp_hdr(dp::OVS_DP_CMD_GET, 0, NLM_F_ECHO);
        let r = self.client.transact(h, false, |w| {
            w.attr_str(dp::OVS_DP_ATTR_NAME, name.as_bytes())
        })?;
        r.first().map(DpInfo::decode).ok_or(Errno(libc::EPROTO))
    }

    /// Creates datapath `name` (per-CPU upcall dispatch, unaligned keys).
    pub fn new_dp(&mut self, name: &str, upcall_pid: u32) -> Result<DpInfo, Errno> {
        let h = self.dp_hdr(dp::OVS_DP_CMD_NEW, 0, NLM_F_ECHO);
        let features = dp::OVS_DP_F_UNALIGNED | dp::OVS_DP_F_DISPATCH_UPCALL_PER_CPU;
        let r = self.client.transact(h, false, |w| {
            w.attr_str(dp::OVS_DP_ATTR_NAME, name.as_bytes());
            w.attr_u32(dp::OVS_DP_ATTR_UPCALL_PID, upcall_pid);
            w.attr_u32(dp::OVS_DP_ATTR_USER_FEATURES, features);
        })?;
        r.first().map(DpInfo::decode).ok_or(Errno(libc::EPROTO))
    }

    /// Deletes datapath `name`.
    pub fn del_dp(&mut self, name: &str) -> Result<(), Errno> {
        let h = self.dp_hdr(dp::OVS_DP_CMD_DEL, 0, 0);
        self.client.transact(h, false, |w| {
            w.attr_str(dp::OVS_DP_ATTR_NAME, name.as_bytes())
        })?;
        Ok(())
    }

    /// Every port of the datapath with `dp_ifindex`, by port number.
    pub fn ports(&mut self, dp_ifindex: i32) -> Result<Vec<PortInfo>, Errno> {
        let h = self.vport_hdr(vp::OVS_VPORT_CMD_GET, dp_ifindex, 0);
        let r = self.client.transact(h, true, |_| {})?;
        let mut ports: Vec<PortInfo> = r.iter().map(PortInfo::decode).collect();
        ports.sort_by_key(|p| p.port_no);
        Ok(ports)
    }

    /// The port named `name` (in any datapath).
    pub fn port_by_name(&mut self, name: &str) -> Result<PortInfo, Errno> {
        let h = self.vport_hdr(vp::OVS_VPORT_CMD_GET, 0, NLM_F_ECHO);
        let r = self.client.transact(h, false, |w| {
            w.attr_str(vp::OVS_VPORT_ATTR_NAME, name.as_bytes())
        })?;
        r.first().map(PortInfo::decode).ok_or(Errno(libc::EPROTO))
    }

    /// Adds a port; returns it as the datapath reports it.
    pub fn add_port(&mut self, dp_ifindex: i32, req: &PortRequest) -> Result<PortInfo, Errno> {
        let h = self.vport_hdr(vp::OVS_VPORT_CMD_NEW, dp_ifindex, NLM_F_ECHO | NLM_F_CREATE);
        let r = self.client.transact(h, false, |w| {
            w.attr_u32(vp::OVS_VPORT_ATTR_TYPE, req.kind);
            w.attr_str(vp::OVS_VPORT_ATTR_NAME, req.name.as_bytes());
            if let Some(no) = req.port_no {
                w.attr_u32(vp::OVS_VPORT_ATTR_PORT_NO, no);
            }
            if let Some(port) = req.dst_port {
                let n = w.nest(vp::OVS_VPORT_ATTR_OPTIONS);
                w.attr_u16(OVS_TUNNEL_ATTR_DST_PORT, port);
                w.nest_end(n);
            } else if matches!(req.kind, vp::OVS_VPORT_TYPE_GRE) {
                let n = w.nest(vp::OVS_VPORT_ATTR_OPTIONS);
                w.nest_end(n);
            }
            w.attr_u32(vp::OVS_VPORT_ATTR_UPCALL_PID, req.upcall_pid.unwrap_or(0));
        })?;
        r.first().map(PortInfo::decode).ok_or(Errno(libc::EPROTO))
    }

    /// Deletes port `port_no` of the datapath.
    pub fn del_port(&mut self, dp_ifindex: i32, port_no: u32) -> Result<(), Errno> {
        let h = self.vport_hdr(vp::OVS_VPORT_CMD_DEL, dp_ifindex, 0);
        self.client.transact(h, false, |w| {
            w.attr_u32(vp::OVS_VPORT_ATTR_PORT_NO, port_no)
        })?;
        Ok(())
    }

    /// Sets the upcall pid of port `port_no`.
    pub fn set_port_upcall_pid(
        &mut self,
        dp_ifindex: i32,
        port_no: u32,
        pid: u32,
    ) -> Result<(), Errno> {
        let h = self.vport_hdr(vp::OVS_VPORT_CMD_SET, dp_ifindex, 0);
        self.client.transact(h, false, |w| {
            w.attr_u32(vp::OVS_VPORT_ATTR_PORT_NO, port_no);
            w.attr_u32(vp::OVS_VPORT_ATTR_UPCALL_PID, pid);
        })?;
        Ok(())
    }
}

/// What `add-if` asks for.
#[derive(Debug, Clone, Default)]
pub struct PortRequest {
    /// Name.
    pub name: String,
    /// `OVS_VPORT_TYPE_*`.
    pub kind: u32,
    /// Requested port number.
    pub port_no: Option<u32>,
    /// Tunnel UDP destination port.
    pub dst_port: Option<u16>,
    /// Upcall pid (default 0).
    pub upcall_pid: Option<u32>,
}
