//! The packet path through the sans-I/O core: frames injected on a vport
//! (`ovs_vport_receive`), flow hits and their counters, MISS and ACTION
//! upcalls, `OVS_PACKET_CMD_EXECUTE`, recirculation and header rewrites,
//! with the virtual device backend capturing what ports transmit.

mod common;

use common::{core, core_with, Client, Collect, Msg, A};
use genl::attr::AttrIter;
use genl::nlmsg::{MsgIter, NLM_F_ACK};
use genl::ovs::datapath::*;
use genl::ovs::flow::*;
use genl::ovs::packet::*;
use genl::ovs::vport::*;
use ovsd::core::{Core, CoreConfig, Creds, Sink};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

const KEY_IN_PORT: u16 = 3;
const KEY_ETHERNET: u16 = 4;
const KEY_ETHERTYPE: u16 = 6;
const KEY_IPV4: u16 = 7;
const KEY_ARP: u16 = 13;
const KEY_RECIRC_ID: u16 = 20;
const ACT_OUTPUT: u16 = 1;
const ACT_USERSPACE: u16 = 2;
const ACT_RECIRC: u16 = 7;
const ACT_SET_MASKED: u16 = 11;
const USERSPACE_PID: u16 = 1;
const USERSPACE_USERDATA: u16 = 2;

const MAC1: [u8; 6] = [2, 0, 0, 0, 0, 1];
const MAC2: [u8; 6] = [2, 0, 0, 0, 0, 2];

/// The dp_ifindex of the first datapath on a fresh core.
const DP: i32 = 2;

/// An IPv4 frame MAC1 → MAC2, 10.0.0.1 → 10.0.0.2, protocol 253, `ttl`.
fn ipv4_frame(ttl: u8) -> Vec<u8> {
    let mut f = Vec::new();
    f.extend_from_slice(&MAC2);
    f.extend_from_slice(&MAC1);
    f.extend_from_slice(&[0x08, 0x00]);
    let mut ip = vec![
        0x45, 0, 0, 24, 0, 0, 0x40, 0, ttl, 253, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
    ];
    let c = ip_checksum(&ip);
    ip[10..12].copy_from_slice(&c.to_be_bytes());
    f.extend_from_slice(&ip);
    f.extend_from_slice(&[0xde, 0xad, 0xbe, 0xef]);
    f
}

/// An LLDP-typed frame MAC1 → MAC2 with `n` bytes of payload.
fn lldp_frame(n: usize) -> Vec<u8> {
    let mut f = Vec::new();
    f.extend_from_slice(&MAC2);
    f.extend_from_slice(&MAC1);
    f.extend_from_slice(&[0x88, 0xcc]);
    f.extend((0..n).map(|i| i as u8));
    f
}

/// The ones'-complement header checksum (RFC 1071).
fn ip_checksum(h: &[u8]) -> u16 {
    let mut sum: u32 = h
        .chunks(2)
        .map(|c| u32::from(u16::from_be_bytes([c[0], c[1]])))
        .sum();
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

fn eth_key() -> A {
    let mut e = MAC1.to_vec();
    e.extend_from_slice(&MAC2);
    A::Raw(KEY_ETHERNET, e)
}

/// `in_port(port),eth(src=MAC1,dst=MAC2),eth_type(0x88cc)`.
fn lldp_key(port: u32) -> A {
    A::Nest(
        OVS_FLOW_ATTR_KEY,
        vec![
            A::U32(KEY_IN_PORT, port),
            eth_key(),
            A::Raw(KEY_ETHERTYPE, vec![0x88, 0xcc]),
        ],
    )
}

/// The IPv4 fields of [`ipv4_frame`]: src, dst, proto, tos, ttl, frag.
fn ipv4_fields(ttl: u8) -> Vec<u8> {
    vec![10, 0, 0, 1, 10, 0, 0, 2, 253, 0, ttl, 0]
}

/// An exact key for [`ipv4_frame`] on `port` with recirculation id `recirc`.
fn ipv4_key(port: u32, recirc: u32, ttl: u8) -> A {
    A::Nest(
        OVS_FLOW_ATTR_KEY,
        vec![
            A::U32(KEY_RECIRC_ID, recirc),
            A::U32(KEY_IN_PORT, port),
            eth_key(),
            A::Raw(KEY_ETHERTYPE, vec![0x08, 0x00]),
            A::Raw(KEY_IPV4, ipv4_fields(ttl)),
        ],
    )
}

fn actions(list: Vec<A>) -> A {
    A::Nest(OVS_FLOW_ATTR_ACTIONS, list)
}

/// A datapath `dp0` with two internal ports `p1` (1) and `p2` (2), all
/// with upcall port id `upcall_pid`.
fn datapath(c: &mut Client, upcall_pid: u32, features: u32) {
    c.echo(
        "ovs_datapath",
        OVS_DP_CMD_NEW,
        0,
        &[
            A::Str(OVS_DP_ATTR_NAME, "dp0"),
            A::U32(OVS_DP_ATTR_UPCALL_PID, upcall_pid),
            A::U32(OVS_DP_ATTR_USER_FEATURES, features),
        ],
    );
    for name in ["p1", "p2"] {
        c.echo(
            "ovs_vport",
            OVS_VPORT_CMD_NEW,
            DP,
            &[
                A::Str(OVS_VPORT_ATTR_NAME, name),
                A::U32(OVS_VPORT_ATTR_TYPE, OVS_VPORT_TYPE_INTERNAL),
                A::U32(OVS_VPORT_ATTR_UPCALL_PID, upcall_pid),
            ],
        );
    }
}

fn add_flow(c: &mut Client, key: A, acts: Vec<A>) {
    let r = c.req(
        "ovs_flow",
        OVS_FLOW_CMD_NEW,
        NLM_F_ACK,
        DP,
        &[key, actions(acts)],
    );
    assert_eq!(r.last().and_then(Msg::errno), Some(0), "flow NEW: {r:?}");
}

/// Messages in the datagrams a socket received.
fn messages(datagrams: Vec<Vec<u8>>) -> Vec<Msg> {
    datagrams
        .iter()
        .flat_map(|d| {
            MsgIter::new(&d[..])
                .map(|m| Msg {
                    bytes: m.bytes().to_vec(),
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

/// `OVS_DP_ATTR_STATS`: hit, missed, lost, flows.
fn dp_stats(c: &mut Client) -> [u64; 4] {
    let m = c.echo("ovs_datapath", OVS_DP_CMD_GET, DP, &[]);
    let s = m.attr(OVS_DP_ATTR_STATS).unwrap();
    std::array::from_fn(|i| u64::from_ne_bytes(s[i * 8..i * 8 + 8].try_into().unwrap()))
}

/// A flow's `OVS_FLOW_ATTR_STATS`: packets, bytes (None when never hit).
fn flow_stats(c: &mut Client, key: A) -> Option<(u64, u64)> {
    let m = c.echo("ovs_flow", OVS_FLOW_CMD_GET, DP, &[key]);
    m.attr(OVS_FLOW_ATTR_STATS).map(|s| {
        (
            u64::from_ne_bytes(s[..8].try_into().unwrap()),
            u64::from_ne_bytes(s[8..16].try_into().unwrap()),
        )
    })
}

#[test]
fn a_hit_outputs_the_frame_and_counts_flow_and_datapath() {
    let core = core();
    let mut c = Client::new(&core, 1);
    let me = c.sock.portid();
    datapath(&mut c, me, 0);
    add_flow(&mut c, lldp_key(1), vec![A::U32(ACT_OUTPUT, 2)]);
    let frame = lldp_frame(50);
    assert!(core.inject("p1", &frame));
    assert!(core.inject("p1", &frame));
    assert_eq!(
        core.take_transmitted("p2"),
        vec![frame.clone(), frame.clone()]
    );
    assert!(core.take_transmitted("p1").is_empty());
    assert_eq!(flow_stats(&mut c, lldp_key(1)), Some((2, 2 * 64)));
    assert_eq!(dp_stats(&mut c)[..3], [2, 0, 0]);
    assert!(c.mcast.take().is_empty(), "a hit sends no upcall");
}

#[test]
fn a_miss_sends_the_kernels_miss_upcall_to_the_ports_pid() {
    let core = core();
    let mut c = Client::new(&core, 1);
    let me = c.sock.portid();
    datapath(&mut c, me, 0);
    let frame = lldp_frame(3);
    assert!(core.inject("p1", &frame));
    let up = messages(c.mcast.take());
    assert_eq!(up.len(), 1);
    let m = &up[0];
    assert_eq!(m.ty(), c.family("ovs_packet"));
    assert_eq!(m.cmd(), OVS_PACKET_CMD_MISS);
    assert_eq!(m.dp_ifindex(), DP);
    // queue_userspace_packet: KEY, then (sw hash) HASH, then PACKET
    assert_eq!(
        m.kinds(),
        vec![
            OVS_PACKET_ATTR_KEY,
            OVS_PACKET_ATTR_HASH,
            OVS_PACKET_ATTR_PACKET
        ]
    );
    assert_eq!(m.attr(OVS_PACKET_ATTR_PACKET).unwrap(), frame);
    let key = m.attr(OVS_PACKET_ATTR_KEY).unwrap();
    let in_port = AttrIter::new(&key[..])
        .find(|a| a.kind == KEY_IN_PORT)
        .unwrap();
    assert_eq!(in_port.payload, 1u32.to_ne_bytes());
    // not aligned: the 17-byte packet attribute is padded to 4 bytes
    assert_eq!(m.bytes.len() % 4, 0);
    assert_eq!(dp_stats(&mut c)[..3], [0, 1, 0]);
}

#[test]
fn unaligned_upcalls_leave_the_packet_unpadded() {
    let core = core();
    let mut c = Client::new(&core, 1);
    let me = c.sock.portid();
    datapath(&mut c, me, OVS_DP_F_UNALIGNED);
    assert!(core.inject("p1", &lldp_frame(3)));
    let d = c.mcast.take();
    assert_eq!(d.len(), 1);
    let m = &messages(d.clone())[0];
    // the last attribute is the 17-byte packet, not padded
    assert_eq!(m.bytes.len() % 4, 1);
    assert_eq!(d[0].len(), m.bytes.len());
}

#[test]
fn upcall_pid_zero_loses_the_packet() {
    let core = core();
    let mut c = Client::new(&core, 1);
    datapath(&mut c, 0, 0);
    assert!(core.inject("p1", &lldp_frame(3)));
    assert!(c.mcast.take().is_empty());
    assert_eq!(dp_stats(&mut c)[..3], [0, 1, 1]);
}

/// A receiver whose queue is full.
#[derive(Default)]
struct Full {
    overruns: AtomicBool,
}

impl Sink for Full {
    fn deliver(&self, _d: &[u8]) -> bool {
        false
    }
    fn overrun(&self) {
        self.overruns.store(true, Ordering::SeqCst);
    }
}

#[test]
fn a_full_receiver_loses_the_upcall_and_sees_an_overrun() {
    let core = core();
    let full = Arc::new(Full::default());
    let listener = core.open_socket(
        Creds {
            pid: 7,
            uid: 0,
            gid: 0,
        },
        full.clone(),
    );
    let mut c = Client::new(&core, 1);
    datapath(&mut c, listener.portid(), 0);
    assert!(core.inject("p1", &lldp_frame(3)));
    assert_eq!(dp_stats(&mut c)[..3], [0, 1, 1]);
    assert!(full.overruns.load(Ordering::SeqCst), "ENOBUFS pending");
    // the vport's upcall counters: success 0, fail 1
    let v = c.echo(
        "ovs_vport",
        OVS_VPORT_CMD_GET,
        DP,
        &[A::Str(OVS_VPORT_ATTR_NAME, "p1")],
    );
    let us = v.attr(OVS_VPORT_ATTR_UPCALL_STATS).unwrap();
    let vals: Vec<u64> = AttrIter::new(&us[..])
        .map(|a| u64::from_ne_bytes(a.payload[..8].try_into().unwrap()))
        .collect();
    assert_eq!(vals, vec![0, 1]);
}

#[test]
fn per_cpu_dispatch_sends_misses_to_the_cpus_pid() {
    let core = core_with(CoreConfig {
        nr_cpu_ids: Some(1),
        ..CoreConfig::default()
    });
    let mut c = Client::new(&core, 1);
    let mut handler = Client::new(&core, 2);
    datapath(&mut c, 0, 0);
    let r = c.req(
        "ovs_datapath",
        OVS_DP_CMD_SET,
        NLM_F_ACK,
        DP,
        &[
            A::U32(OVS_DP_ATTR_USER_FEATURES, OVS_DP_F_DISPATCH_UPCALL_PER_CPU),
            A::Raw(
                OVS_DP_ATTR_PER_CPU_PIDS,
                handler.sock.portid().to_ne_bytes().to_vec(),
            ),
        ],
    );
    assert_eq!(r.last().and_then(Msg::errno), Some(0));
    assert!(core.inject("p1", &lldp_frame(3)));
    assert!(c.mcast.take().is_empty());
    let up = messages(handler.mcast.take());
    assert_eq!(up.len(), 1);
    assert_eq!(up[0].cmd(), OVS_PACKET_CMD_MISS);
    assert_eq!(dp_stats(&mut handler)[..3], [0, 1, 0]);
}

#[test]
fn recirculation_looks_the_packet_up_again() {
    let core = core();
    let mut c = Client::new(&core, 1);
    let me = c.sock.portid();
    datapath(&mut c, me, 0);
    add_flow(&mut c, ipv4_key(1, 0, 64), vec![A::U32(ACT_RECIRC, 7)]);
    add_flow(&mut c, ipv4_key(1, 7, 64), vec![A::U32(ACT_OUTPUT, 2)]);
    let frame = ipv4_frame(64);
    assert!(core.inject("p1", &frame));
    assert_eq!(core.take_transmitted("p2"), vec![frame]);
    assert_eq!(dp_stats(&mut c)[..3], [2, 0, 0], "two lookups, two hits");
    // a recirculation id nobody matches misses, with the id in the key
    add_flow(&mut c, ipv4_key(2, 0, 64), vec![A::U32(ACT_RECIRC, 9)]);
    assert!(core.inject("p2", &ipv4_frame(64)));
    let up = messages(c.mcast.take());
    assert_eq!(up.len(), 1);
    let key = up[0].attr(OVS_PACKET_ATTR_KEY).unwrap();
    let rid = AttrIter::new(&key[..]).find(|a| a.kind == KEY_RECIRC_ID);
    assert_eq!(
        rid.map(|a| a.payload.to_vec()),
        Some(9u32.to_ne_bytes().to_vec())
    );
}

#[test]
fn set_masked_ttl_rewrites_the_header_and_its_checksum() {
    let core = core();
    let mut c = Client::new(&core, 1);
    let me = c.sock.portid();
    datapath(&mut c, me, 0);
    let mut mask = vec![0u8; 12];
    mask[10] = 0xff;
    // validate_masked: value bits only under the mask
    let mut value = vec![0u8; 12];
    value[10] = 17;
    let mut set = value;
    set.extend_from_slice(&mask);
    add_flow(
        &mut c,
        ipv4_key(1, 0, 64),
        vec![
            A::Nest(ACT_SET_MASKED, vec![A::Raw(KEY_IPV4, set)]),
            A::U32(ACT_OUTPUT, 2),
        ],
    );
    assert!(core.inject("p1", &ipv4_frame(64)));
    assert_eq!(core.take_transmitted("p2"), vec![ipv4_frame(17)]);
}

#[test]
fn execute_outputs_and_sends_action_upcalls_before_its_ack() {
    let core = core();
    let mut c = Client::new(&core, 1);
    let me = c.sock.portid();
    datapath(&mut c, me, 0);
    let frame = lldp_frame(10);
    let key = vec![
        A::U32(KEY_IN_PORT, 1),
        eth_key(),
        A::Raw(KEY_ETHERTYPE, vec![0x88, 0xcc]),
    ];
    let r = c.req(
        "ovs_packet",
        OVS_PACKET_CMD_EXECUTE,
        NLM_F_ACK,
        DP,
        &[
            A::Raw(OVS_PACKET_ATTR_PACKET, frame.clone()),
            A::Nest(OVS_PACKET_ATTR_KEY, key),
            A::Nest(
                OVS_PACKET_ATTR_ACTIONS,
                vec![
                    A::U32(ACT_OUTPUT, 2),
                    A::Nest(
                        ACT_USERSPACE,
                        vec![
                            A::U32(USERSPACE_PID, c.sock.portid()),
                            A::Raw(USERSPACE_USERDATA, vec![1, 2, 3, 4]),
                        ],
                    ),
                ],
            ),
        ],
    );
    assert_eq!(r.last().and_then(Msg::errno), Some(0));
    assert_eq!(core.take_transmitted("p2"), vec![frame.clone()]);
    let up = messages(c.mcast.take());
    assert_eq!(up.len(), 1);
    assert_eq!(up[0].cmd(), OVS_PACKET_CMD_ACTION);
    assert_eq!(up[0].attr(OVS_PACKET_ATTR_USERDATA), Some(vec![1, 2, 3, 4]));
    assert_eq!(up[0].attr(OVS_PACKET_ATTR_PACKET), Some(frame));
    // EXECUTE is not a lookup: the datapath counters stay put
    assert_eq!(dp_stats(&mut c)[..3], [0, 0, 0]);
}

#[test]
fn execute_without_a_packet_is_einval() {
    let core = core();
    let mut c = Client::new(&core, 1);
    let me = c.sock.portid();
    datapath(&mut c, me, 0);
    let errno = c.errno(
        "ovs_packet",
        OVS_PACKET_CMD_EXECUTE,
        DP,
        &[
            A::Nest(OVS_PACKET_ATTR_KEY, vec![A::U32(KEY_IN_PORT, 1)]),
            A::Nest(OVS_PACKET_ATTR_ACTIONS, vec![]),
        ],
    );
    assert_eq!(errno, libc::EINVAL);
}

#[test]
fn inject_on_an_unknown_port_is_refused() {
    let core: Arc<Core> = core();
    assert!(!core.inject("nope", &lldp_frame(1)));
    let _ = Collect::default();
}

/// An ARP frame (`op` 1 request, 2 reply) from `sha`/`spa` to `tha`/`tpa`.
fn arp_frame(op: u16, sha: [u8; 6], spa: [u8; 4], tha: [u8; 6], tpa: [u8; 4]) -> Vec<u8> {
    let mut f = Vec::new();
    f.extend_from_slice(if op == 1 { &[0xff; 6] } else { &tha });
    f.extend_from_slice(&sha);
    f.extend_from_slice(&[0x08, 0x06, 0, 1, 0x08, 0, 6, 4]);
    f.extend_from_slice(&op.to_be_bytes());
    f.extend_from_slice(&sha);
    f.extend_from_slice(&spa);
    f.extend_from_slice(&tha);
    f.extend_from_slice(&tpa);
    f
}

/// `in_port(port),eth(),eth_type(0x0806),arp()` (or `...0x0800),ipv4()`)
/// as ovs-dpctl sends it: a key and a mask wildcarding everything but the
/// port and the EtherType.
fn wild_match(port: u32, arp: bool) -> Vec<A> {
    let attrs = |in_port: u32, ethertype: [u8; 2]| {
        vec![
            A::U32(KEY_IN_PORT, in_port),
            A::Raw(KEY_ETHERNET, vec![0; 12]),
            A::Raw(KEY_ETHERTYPE, ethertype.to_vec()),
            if arp {
                A::Raw(KEY_ARP, vec![0; 24])
            } else {
                A::Raw(KEY_IPV4, vec![0; 12])
            },
        ]
    };
    let ethertype = if arp { [0x08, 0x06] } else { [0x08, 0x00] };
    vec![
        A::Nest(OVS_FLOW_ATTR_KEY, attrs(port, ethertype)),
        A::Nest(OVS_FLOW_ATTR_MASK, attrs(u32::MAX, [0xff, 0xff])),
    ]
}

#[test]
fn wildcarded_flows_match_arp_requests_and_replies_both_ways() {
    let core = core();
    let mut c = Client::new(&core, 1);
    let me = c.sock.portid();
    datapath(&mut c, me, 0);
    let req = arp_frame(1, MAC1, [10, 0, 0, 1], [0; 6], [10, 0, 0, 2]);
    // misses first: they must leave nothing behind in the mask cache
    assert!(core.inject("p1", &req));
    assert!(core.inject("p1", &req));
    assert_eq!(messages(c.mcast.take()).len(), 2);
    for (i, o, arp) in [(1, 2, true), (1, 2, false), (2, 1, true), (2, 1, false)] {
        let mut attrs = wild_match(i, arp);
        attrs.push(actions(vec![A::U32(ACT_OUTPUT, o)]));
        let r = c.req("ovs_flow", OVS_FLOW_CMD_NEW, NLM_F_ACK, DP, &attrs);
        assert_eq!(r.last().and_then(Msg::errno), Some(0), "{r:?}");
    }
    let rep = arp_frame(2, MAC2, [10, 0, 0, 2], MAC1, [10, 0, 0, 1]);
    assert!(core.inject("p1", &req));
    assert!(core.inject("p2", &rep));
    assert_eq!(core.take_transmitted("p2"), vec![req]);
    assert_eq!(core.take_transmitted("p1"), vec![rep]);
    assert_eq!(dp_stats(&mut c)[..3], [2, 2, 0]);
}

#[test]
fn a_drop_fault_loses_miss_upcalls_without_telling_the_receiver() {
    let core = core_with(CoreConfig {
        faults: ovsd::core::faults::Faults::new(vec!["ovs_packet:miss:drop".parse().unwrap()]),
        ..CoreConfig::default()
    });
    let mut c = Client::new(&core, 1);
    let me = c.sock.portid();
    datapath(&mut c, me, 0);
    assert!(core.inject("p1", &lldp_frame(3)));
    assert!(c.mcast.take().is_empty());
    assert_eq!(dp_stats(&mut c)[..3], [0, 1, 1]);
    // ACTION upcalls still go up
    let r = c.req(
        "ovs_packet",
        OVS_PACKET_CMD_EXECUTE,
        NLM_F_ACK,
        DP,
        &[
            A::Raw(OVS_PACKET_ATTR_PACKET, lldp_frame(3)),
            A::Nest(OVS_PACKET_ATTR_KEY, vec![A::U32(KEY_IN_PORT, 1)]),
            A::Nest(
                OVS_PACKET_ATTR_ACTIONS,
                vec![A::Nest(ACT_USERSPACE, vec![A::U32(USERSPACE_PID, me)])],
            ),
        ],
    );
    assert_eq!(r.last().and_then(Msg::errno), Some(0));
    assert_eq!(messages(c.mcast.take()).len(), 1);
}

/// A TCP/IPv4 frame MAC1 → MAC2, 10.0.0.1:1000 → 10.0.0.2:80, `flags`.
fn tcp_frame(flags: u8) -> Vec<u8> {
    let mut f = Vec::new();
    f.extend_from_slice(&MAC2);
    f.extend_from_slice(&MAC1);
    f.extend_from_slice(&[0x08, 0x00]);
    let mut ip = vec![
        0x45, 0, 0, 40, 0, 0, 0x40, 0, 64, 6, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
    ];
    let c = ip_checksum(&ip);
    ip[10..12].copy_from_slice(&c.to_be_bytes());
    f.extend_from_slice(&ip);
    f.extend_from_slice(&[0x03, 0xe8, 0, 80, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, flags]);
    f.extend_from_slice(&[0xff, 0xff, 0, 0, 0, 0]);
    f
}

#[test]
fn hits_record_tcp_flags_and_the_time_of_use() {
    let core = core();
    let mut c = Client::new(&core, 1);
    let me = c.sock.portid();
    datapath(&mut c, me, 0);
    // in_port(1),eth(),eth_type(0x0800),ipv4(proto=6),tcp()
    let attrs = |mask: bool| {
        let v = |x: u8| if mask { 0xff } else { x };
        vec![
            A::U32(KEY_IN_PORT, if mask { u32::MAX } else { 1 }),
            A::Raw(KEY_ETHERNET, vec![0; 12]),
            A::Raw(KEY_ETHERTYPE, vec![v(0x08), v(0x00)]),
            A::Raw(KEY_IPV4, vec![0, 0, 0, 0, 0, 0, 0, 0, v(6), 0, 0, 0]),
            A::Raw(9, vec![0; 4]),
            // match_validate wants TCP_FLAGS with TCP
            A::Raw(18, vec![0; 2]),
        ]
    };
    let r = c.req(
        "ovs_flow",
        OVS_FLOW_CMD_NEW,
        NLM_F_ACK,
        DP,
        &[
            A::Nest(OVS_FLOW_ATTR_KEY, attrs(false)),
            A::Nest(OVS_FLOW_ATTR_MASK, attrs(true)),
            actions(vec![A::U32(ACT_OUTPUT, 2)]),
        ],
    );
    assert_eq!(r.last().and_then(Msg::errno), Some(0), "{r:?}");
    let get = |c: &mut Client| {
        let (recs, _) = c.dump("ovs_flow", OVS_FLOW_CMD_GET, DP);
        assert_eq!(recs.len(), 1);
        recs[0].clone()
    };
    let before = get(&mut c);
    assert_eq!(before.attr(OVS_FLOW_ATTR_USED), None, "never used");
    assert!(core.inject("p1", &tcp_frame(0x02)));
    assert!(core.inject("p1", &tcp_frame(0x10)));
    let after = get(&mut c);
    // ovs_flow_stats_update ORs the flags of every packet; the reply
    // carries their low byte (nla_put_u8)
    assert_eq!(after.attr(OVS_FLOW_ATTR_TCP_FLAGS), Some(vec![0x12]));
    assert!(after.attr(OVS_FLOW_ATTR_USED).is_some());
    assert_eq!(core.take_transmitted("p2").len(), 2);
}
