//! Replays request blocks of the recorded kernel traces through the core and
//! demands byte-identical replies (after replacing the trace's port id with
//! the test socket's). Covered so far: nlctrl lookups and every exchange that
//! happens before the first datapath exists.

use genl::ovs::KernelVersion;
use ovsd::core::{Core, CoreConfig, Creds, Outbox, Sink};
use std::path::PathBuf;
use std::sync::Arc;

struct Null;
impl Sink for Null {
    fn deliver(&self, _: &[u8]) -> bool {
        true
    }
}

/// One request block: the request and the datagrams received for it, and
/// the socket options set before it.
struct Block {
    label: String,
    send: Vec<u8>,
    recv: Vec<Vec<u8>>,
    options: Vec<(u32, u32)>,
}

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len() / 2)
        .map(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).expect("hex"))
        .collect()
}

/// Reads the `req` blocks of a trace; messages with the same datagram
/// number are concatenated into one datagram.
fn read_trace(path: &PathBuf) -> (u32, Vec<Block>) {
    let text = std::fs::read_to_string(path).expect("trace file");
    let mut portid = 0;
    let mut blocks: Vec<Block> = Vec::new();
    let mut last_dgram = 0;
    let mut options = Vec::new();
    for line in text.lines() {
        let mut f = line.split_whitespace();
        match f.next() {
            Some("portid") => portid = f.next().unwrap().parse().unwrap(),
            Some("option") => {
                let (name, value) = f.next().unwrap().split_once('=').unwrap();
                let opt = match name {
                    "ext_ack" => 11,
                    "cap_ack" => 10,
                    other => panic!("unknown option {other}"),
                };
                options.push((opt, value.parse().unwrap()));
            }
            Some("req") => {
                blocks.push(Block {
                    label: f.nth(1).unwrap_or("").to_string(),
                    send: Vec::new(),
                    recv: Vec::new(),
                    options: std::mem::take(&mut options),
                });
                last_dgram = 0;
            }
            Some("send") => blocks.last_mut().unwrap().send = unhex(f.next().unwrap()),
            Some("recv") => {
                let n: u32 = f.next().unwrap().parse().unwrap();
                let bytes = unhex(f.next().unwrap());
                let b = blocks.last_mut().unwrap();
                if n == last_dgram {
                    b.recv.last_mut().unwrap().extend_from_slice(&bytes);
                } else {
                    b.recv.push(bytes);
                    last_dgram = n;
                }
            }
            _ => {}
        }
    }
    (portid, blocks)
}

/// Exchanges where ovsd differs from the kernel on purpose, with the reason.
fn divergence(label: &str) -> Option<&'static str> {
    match label {
        "resolve:ovs_meter" | "resolve:ovs_ct_limit" => Some(
            "ovs_meter and ovs_ct_limit are not served yet, so they are not advertised (ENOENT)",
        ),
        _ => None,
    }
}

fn traces_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/traces")
}

/// Replays the blocks of `trace` accepted by `wanted` (stopping at the first
/// it rejects when `stop` is set; skipping it otherwise).
fn replay(
    kernel: &str,
    trace: &str,
    version: KernelVersion,
    wanted: impl Fn(&str) -> bool,
    stop: bool,
) -> usize {
    let (portid, blocks) = read_trace(&traces_dir().join(kernel).join(trace));
    let core = Core::new(CoreConfig { kernel: version });
    let mut sock = core.open_socket(
        Creds {
            pid: portid,
            uid: 0,
            gid: 0,
        },
        Arc::new(Null),
    );
    assert_eq!(sock.portid(), portid);
    let mut out = Outbox::new();
    let mut matched = 0;
    for b in &blocks {
        for &(opt, val) in &b.options {
            core.setsockopt(&mut sock, opt, val).unwrap();
        }
        if !wanted(&b.label) {
            if stop {
                break;
            }
            continue;
        }
        if let Some(why) = divergence(&b.label) {
            eprintln!("{kernel} {}: accepted divergence: {why}", b.label);
            continue;
        }
        out.clear();
        core.process(&mut sock, &b.send, &mut out);
        while core.dump_pending(&sock) {
            core.dump_next(&mut sock, &mut out);
        }
        let got: Vec<Vec<u8>> = out.datagrams().map(<[u8]>::to_vec).collect();
        assert_eq!(
            got.len(),
            b.recv.len(),
            "{kernel} {}: datagram count (got {got:02x?})",
            b.label
        );
        for (i, (g, want)) in got.iter().zip(&b.recv).enumerate() {
            assert_eq!(g, want, "{kernel} {}: datagram {}", b.label, i + 1);
        }
        matched += 1;
    }
    eprintln!("{kernel} {trace}: {matched} exchanges matched byte for byte");
    matched
}

/// Replays `basic.trace` up to the first successful datapath creation.
fn replay_until_first_datapath(kernel: &str, version: KernelVersion) -> usize {
    replay(kernel, "basic.trace", version, |l| l != "dp_new", true)
}

/// The extended-ACK and CAP_ACK exchanges of `notify.trace` that need no
/// datapath: policy failures with MSG/OFFS/POLICY TLVs, a parser warning
/// carried into a later error, an unknown command, a capped error.
fn replay_ack_formats(kernel: &str, version: KernelVersion) -> usize {
    let labels = [
        "ea_dp_get_missing",
        "ea_dp_new_short_pid",
        "ea_flow_truncated",
        "ea_bad_cmd",
        "ea_cap_dp_get_missing",
    ];
    replay(
        kernel,
        "notify.trace",
        version,
        |l| labels.contains(&l),
        false,
    )
}

#[test]
fn kernel_6_12_ack_formats_match_byte_for_byte() {
    assert_eq!(replay_ack_formats("6.12", KernelVersion::V6_12), 5);
}

#[test]
fn kernel_6_1_ack_formats_match_byte_for_byte() {
    assert_eq!(replay_ack_formats("6.1", KernelVersion::V6_1), 5);
}

#[test]
fn kernel_6_12_lookups_match_byte_for_byte() {
    // 5 family lookups (4 found, 1 unknown) + get/dump/new-without-pid
    assert_eq!(replay_until_first_datapath("6.12", KernelVersion::V6_12), 8);
}

#[test]
fn kernel_6_1_lookups_match_byte_for_byte() {
    assert_eq!(replay_until_first_datapath("6.1", KernelVersion::V6_1), 8);
}
