//! `ovs_packet` requests (EXECUTE) and the upcalls (MISS, ACTION) the
//! datapath sends to a listener, decoded.

use crate::dpif::Dpif;
use crate::nl::{Errno, Header, Message};
use genl::ovs::datapath as dp;
use genl::ovs::packet as pk;

/// One upcall (`OVS_PACKET_CMD_MISS` or `OVS_PACKET_CMD_ACTION`).
#[derive(Debug, Clone, Default)]
pub struct Upcall {
    /// The genl command (`MISS` 1, `ACTION` 2).
    pub cmd: u8,
    /// The datapath's ifindex.
    pub dp_ifindex: i32,
    /// The packet's bytes.
    pub packet: Vec<u8>,
    /// The flow key extracted from it (key attributes).
    pub key: Vec<u8>,
    /// `OVS_PACKET_ATTR_USERDATA` of a userspace action.
    pub userdata: Option<Vec<u8>>,
    /// `OVS_PACKET_ATTR_ACTIONS`, when sent (userspace(actions)).
    pub actions: Option<Vec<u8>>,
    /// `OVS_PACKET_ATTR_EGRESS_TUN_KEY`.
    pub egress_tun_key: Option<Vec<u8>>,
    /// `OVS_PACKET_ATTR_MRU`.
    pub mru: Option<u16>,
    /// `OVS_PACKET_ATTR_LEN`: the original length of a truncated packet.
    pub len: Option<u32>,
    /// `OVS_PACKET_ATTR_HASH`.
    pub hash: Option<u64>,
}

impl Upcall {
    /// Decodes an upcall message; `None` for another command.
    pub fn decode(m: &Message) -> Option<Upcall> {
        if m.cmd != pk::OVS_PACKET_CMD_MISS && m.cmd != pk::OVS_PACKET_CMD_ACTION {
            return None;
        }
        let mut u = Upcall {
            cmd: m.cmd,
            dp_ifindex: m.dp_ifindex,
            ..Upcall::default()
        };
        for a in m.iter() {
            match a.kind {
                pk::OVS_PACKET_ATTR_PACKET => u.packet = a.payload.to_vec(),
                pk::OVS_PACKET_ATTR_KEY => u.key = a.payload.to_vec(),
                pk::OVS_PACKET_ATTR_USERDATA => u.userdata = Some(a.payload.to_vec()),
                pk::OVS_PACKET_ATTR_ACTIONS => u.actions = Some(a.payload.to_vec()),
                pk::OVS_PACKET_ATTR_EGRESS_TUN_KEY => u.egress_tun_key = Some(a.payload.to_vec()),
                pk::OVS_PACKET_ATTR_MRU => u.mru = a.u16(),
                pk::OVS_PACKET_ATTR_LEN => u.len = a.u32(),
                pk::OVS_PACKET_ATTR_HASH => u.hash = a.u64(),
                _ => {}
            }
        }
        Some(u)
    }

    /// `MISS` or `ACTION`.
    pub fn kind(&self) -> &'static str {
        match self.cmd {
            pk::OVS_PACKET_CMD_MISS => "MISS",
            _ => "ACTION",
        }
    }

    /// The key's `in_port`, if any.
    pub fn in_port(&self) -> Option<u32> {
        genl::AttrIter::new(&self.key)
            .find(|a| a.kind == crate::odp::attrs::KEY_IN_PORT)
            .and_then(|a| a.u32())
    }
}

impl Dpif {
    fn packet_hdr(&self, cmd: u8, ifindex: i32) -> Result<Header, Errno> {
        let fam = self.fams.packet.as_ref().ok_or(Errno(libc::EOPNOTSUPP))?;
        Ok(Header {
            family: fam.id,
            cmd,
            version: pk::VERSION as u8,
            ovs: Some(ifindex),
            flags: 0,
        })
    }

    /// `OVS_PACKET_CMD_EXECUTE`: runs `actions` on `packet` with the
    /// metadata of `key`.
    pub fn execute(
        &mut self,
        dp_ifindex: i32,
        key: &[u8],
        actions: &[u8],
        packet: &[u8],
    ) -> Result<(), Errno> {
        let h = self.packet_hdr(pk::OVS_PACKET_CMD_EXECUTE, dp_ifindex)?;
        self.client.transact(h, false, |w| {
            w.attr(pk::OVS_PACKET_ATTR_PACKET, packet);
            w.attr(pk::OVS_PACKET_ATTR_KEY, key);
            w.attr(pk::OVS_PACKET_ATTR_ACTIONS, actions);
        })?;
        Ok(())
    }

    /// Sends the upcalls of a per-CPU dispatch datapath to `pid`, one
    /// entry per possible CPU (`OVS_DP_ATTR_PER_CPU_PIDS`). `features` are
    /// sent again: `ovs_dp_change` resets the features a SET leaves out.
    pub fn set_per_cpu_pids(
        &mut self,
        name: &str,
        features: u32,
        pid: u32,
        n_cpus: usize,
    ) -> Result<(), Errno> {
        let h = self.dp_hdr(dp::OVS_DP_CMD_SET, 0, 0);
        let pids: Vec<u8> = (0..n_cpus.max(1)).flat_map(|_| pid.to_ne_bytes()).collect();
        self.client.transact(h, false, |w| {
            w.attr_str(dp::OVS_DP_ATTR_NAME, name.as_bytes());
            w.attr_u32(dp::OVS_DP_ATTR_USER_FEATURES, features);
            w.attr(dp::OVS_DP_ATTR_PER_CPU_PIDS, &pids);
        })?;
        Ok(())
    }
}
