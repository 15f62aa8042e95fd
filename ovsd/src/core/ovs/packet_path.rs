//! The packet path of one datapath: `ovs_vport_receive` →
//! `ovs_dp_process_packet` (lookup, stats, MISS upcall) → the executor
//! (crate `dataplane`), with [`DpEnv`] as the executor's world: output to
//! ports, ACTION upcalls, recirculation lookups. Runs under RCU only: the
//! published snapshot and the lock-free flow table, never `ovs_mutex`.

use super::state::{Datapath, Vport};
use super::upcall::{self, UpcallInfo};
use crate::core::Core;
use dataplane::{ActionUpcall, Env};
use flowtable::actions::Actions;
use flowtable::{FlowKey, Packet};
use genl::ovs::datapath::OVS_DP_F_DISPATCH_UPCALL_PER_CPU;
use genl::ovs::packet as pk;
use genl::Writer;
use std::sync::atomic::Ordering;
use std::sync::Arc;

/// The executor's environment for packets of one datapath.
pub(crate) struct DpEnv<'a> {
    core: &'a Core,
    dp: &'a Datapath,
    ports: &'a [Arc<Vport>],
    /// `OVS_CB(skb)->input_vport`.
    input: Option<&'a Vport>,
    /// Reused upcall buffer.
    scratch: Writer,
    /// Reused wire-format buffer for output.
    frame: Vec<u8>,
    rng: u64,
}

impl<'a> DpEnv<'a> {
    /// An environment for packets that entered `dp` on `input`.
    pub fn new(
        core: &'a Core,
        dp: &'a Datapath,
        ports: &'a [Arc<Vport>],
        input: Option<&'a Vport>,
    ) -> DpEnv<'a> {
        DpEnv {
            core,
            dp,
            ports,
            input,
            scratch: Writer::new(),
            frame: Vec::new(),
            rng: seed(),
        }
    }

    fn port(&self, port_no: u32) -> Option<&'a Arc<Vport>> {
        self.ports.iter().find(|v| v.port_no == port_no)
    }

    /// `ovs_dp_process_packet`: look the packet up; on a hit, count it and
    /// run the flow's actions; on a miss, send the MISS upcall.
    pub fn process(&mut self, mut pkt: Packet, key: &mut FlowKey) {
        ensure_hash(&mut pkt, key);
        if let Some(acts) = self.lookup(&pkt, key) {
            let _ = dataplane::execute_actions(self, pkt, key, &acts.list);
        }
    }
}

impl Env for DpEnv<'_> {
    fn output(&mut self, port: u32, pkt: &Packet) {
        // do_output: a port that went away drops the packet
        let Some(v) = self.port(port) else {
            return;
        };
        let dev = v.dev.lock().unwrap_or_else(|p| p.into_inner()).clone();
        if let Some(dev) = dev {
            pkt.wire_bytes(&mut self.frame);
            if dev.transmit(&self.frame).is_err() {
                if let Some(c) = dev.counters() {
                    c.tx_drop();
                }
            }
        }
    }

    fn userspace(
        &mut self,
        pkt: &Packet,
        key: &FlowKey,
        up: &ActionUpcall<'_>,
    ) -> Result<(), genl::Errno> {
        // output_userspace: per-CPU dispatch overrides the action's pid
        let portid = if self.dp.features() & OVS_DP_F_DISPATCH_UPCALL_PER_CPU != 0 {
            upcall::cpu_portid(self.dp, upcall::this_cpu())
        } else {
            up.pid
        };
        let full = pkt.wire_len();
        let info = UpcallInfo {
            cmd: pk::OVS_PACKET_CMD_ACTION,
            portid,
            userdata: up.userdata,
            egress_tun: up.egress_tun,
            actions: up.actions,
            mru: pkt.mru,
            max_len: if up.cutlen == 0 {
                full
            } else {
                full.saturating_sub(up.cutlen as usize)
            },
        };
        upcall::send(
            self.core,
            self.dp,
            self.input,
            pkt,
            key,
            &info,
            &mut self.scratch,
        )
    }

    fn lookup(&mut self, pkt: &Packet, key: &FlowKey) -> Option<Arc<Actions>> {
        let table = self.dp.table.load_full()?;
        let st = table.lookup_stats(key, pkt.hash);
        let c = &self.dp.stats;
        c.n_mask_hit
            .fetch_add(u64::from(st.n_mask_hit), Ordering::Relaxed);
        c.n_cache_hit
            .fetch_add(u64::from(st.n_cache_hit), Ordering::Relaxed);
        match st.flow {
            Some(flow) => {
                // ovs_flow_stats_update
                flow.stats.hit(
                    pkt.wire_len() as u64,
                    u16::from_be_bytes(key.tcp_flags),
                    super::flow_cmds::now_ms(),
                );
                c.n_hit.fetch_add(1, Ordering::Relaxed);
                Some(flow.actions.load_full())
            }
            None => {
                self.miss(pkt, key);
                c.n_missed.fetch_add(1, Ordering::Relaxed);
                None
            }
        }
    }

    fn random_u32(&mut self) -> u32 {
        // xorshift64*: SAMPLE only needs a uniform draw
        self.rng ^= self.rng >> 12;
        self.rng ^= self.rng << 25;
        self.rng ^= self.rng >> 27;
        (self.rng.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 32) as u32
    }
}

impl DpEnv<'_> {
    /// The MISS upcall of `ovs_dp_process_packet`.
    fn miss(&mut self, pkt: &Packet, key: &FlowKey) {
        let portid = if self.dp.features() & OVS_DP_F_DISPATCH_UPCALL_PER_CPU != 0 {
            upcall::cpu_portid(self.dp, upcall::this_cpu())
        } else {
            self.input.map_or(0, |v| upcall::vport_portid(v, pkt.hash))
        };
        let info = UpcallInfo {
            cmd: pk::OVS_PACKET_CMD_MISS,
            portid,
            userdata: None,
            egress_tun: None,
            actions: None,
            mru: pkt.mru,
            max_len: usize::MAX,
        };
        let _ = upcall::send(
            self.core,
            self.dp,
            self.input,
            pkt,
            key,
            &info,
            &mut self.scratch,
        );
    }
}

/// `skb_get_hash`: a packet without a hash gets a software one over its
/// addresses and ports (never 0), marked `sw_hash`, and `l4_hash` when ports
/// took part.
pub(crate) fn ensure_hash(pkt: &mut Packet, key: &FlowKey) {
    if pkt.hash != 0 {
        return;
    }
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut mix = |bytes: &[u8]| {
        for &b in bytes {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    };
    mix(&key.eth_type);
    mix(&[key.ip_proto]);
    mix(&key.ipv4_src);
    mix(&key.ipv4_dst);
    mix(&key.ipv6_src);
    mix(&key.ipv6_dst);
    let l4 = matches!(key.ip_proto, 6 | 17 | 132) && key.ip_frag == 0;
    if l4 {
        mix(&key.tp_src);
        mix(&key.tp_dst);
    }
    let v = ((h >> 32) ^ h) as u32;
    pkt.hash = if v == 0 { 1 } else { v };
    pkt.sw_hash = true;
    pkt.l4_hash = l4;
}

/// `ovs_vport_receive`: a frame that arrived on port `input` of `dp`.
pub(crate) fn receive(
    core: &Core,
    dp: &Datapath,
    ports: &[Arc<Vport>],
    input: &Vport,
    frame: &[u8],
) {
    let mut pkt = Packet::from_frame(frame);
    pkt.in_port = input.port_no as u16;
    // ovs_flow_key_extract: metadata of a packet from the wire
    let mut key = FlowKey {
        in_port: (input.port_no as u16).to_ne_bytes(),
        ..FlowKey::default()
    };
    if flowtable::extract::key_extract(&mut pkt, &mut key).is_err() {
        return;
    }
    let mut env = DpEnv::new(core, dp, ports, Some(input));
    env.process(pkt, &mut key);
}

/// A random seed for one environment.
fn seed() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(0);
    h.finish() | 1
}
