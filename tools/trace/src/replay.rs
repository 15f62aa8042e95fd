//! Replaying a trace against a target: every request is sent as recorded
//! (with family ids and datapath ifindexes translated to the target's), and
//! what comes back is normalized and compared with the recording.

use crate::diff::{compare, normalize_block, Difference};
use crate::norm::Normalizer;
use crate::target::{option_number, Target};
use crate::trace::{messages, Block, Step, Trace};
use anyhow::Result;
use std::collections::HashMap;

/// The result of one block.
#[derive(Debug)]
pub struct Outcome {
    /// Request number in the trace.
    pub n: u32,
    /// The block's label.
    pub label: String,
    /// Differences; empty when the exchange matched.
    pub diffs: Vec<Difference>,
}

/// Rewrites a recorded request for the target: the family id by name, and
/// the `ovs_header.dp_ifindex` through the ifindexes seen so far at the same
/// place in recorded and actual replies.
fn translate(req: &[u8], exp: &Normalizer, got: &Normalizer, ifx: &Ifindexes) -> Vec<u8> {
    let mut r = req.to_vec();
    if r.len() < 20 {
        return r;
    }
    let ty = u16::from_ne_bytes([r[4], r[5]]);
    let Some(name) = exp.family_name(ty) else {
        return r;
    };
    if let Some(id) = got.family_id(name) {
        r[4..6].copy_from_slice(&id.to_ne_bytes());
    }
    if name.starts_with("ovs_") && r.len() >= 24 {
        let old = u32::from_ne_bytes([r[20], r[21], r[22], r[23]]);
        if let Some(new) = ifx.get(old) {
            r[20..24].copy_from_slice(&new.to_ne_bytes());
        }
    }
    r
}

/// Recorded → actual ifindexes: pairs seen at the same place in both
/// answers, and for ifindexes not seen yet the offset of the latest pair
/// (kernels and ovsd both number new devices in sequence).
#[derive(Debug, Default)]
struct Ifindexes {
    pairs: HashMap<u32, u32>,
    offset: Option<i64>,
}

impl Ifindexes {
    fn get(&self, recorded: u32) -> Option<u32> {
        if recorded == 0 {
            return None;
        }
        self.pairs
            .get(&recorded)
            .copied()
            .or_else(|| self.offset.map(|d| (i64::from(recorded) + d) as u32))
    }

    fn learn(&mut self, recorded: u32, actual: u32) {
        if recorded != 0 && actual != 0 && !self.pairs.contains_key(&recorded) {
            self.pairs.insert(recorded, actual);
            self.offset = Some(i64::from(actual) - i64::from(recorded));
        }
    }
}

/// The offset between the trace's first device and the target's first
/// datapath (the smallest `dp_ifindex` of a datapath dump, not recorded).
fn probe_offset(trace: &Trace, target: &mut dyn Target, got: &Normalizer) -> Result<Option<i64>> {
    let Some(dp) = got.family_id("ovs_datapath") else {
        return Ok(None);
    };
    let dump = crate::nls::message(dp, 0x301, 0, &[3, 2, 0, 0, 0, 0, 0, 0]);
    let (recv, _) = target.exchange(&dump)?;
    let first = recv
        .iter()
        .flat_map(|d| messages(d))
        .filter(|m| m.len() >= 24 && u16::from_ne_bytes([m[4], m[5]]) == dp)
        .map(|m| u32::from_ne_bytes([m[20], m[21], m[22], m[23]]))
        .min();
    Ok(first.map(|f| i64::from(f) - i64::from(first_ifindex(trace))))
}

/// Learns recorded → actual `dp_ifindex` pairs from messages at the same
/// place in both answers (first pairing wins).
fn learn_ifindexes(n: &Normalizer, exp: &[Vec<u8>], got: &[Vec<u8>], ifx: &mut Ifindexes) {
    let e = exp.iter().flat_map(|d| messages(d));
    let g = got.iter().flat_map(|d| messages(d));
    for (a, b) in e.zip(g) {
        let ovs = n
            .family_name(u16::from_ne_bytes([a[4], a[5]]))
            .is_some_and(|f| f.starts_with("ovs_"));
        if ovs && b.len() >= 24 && a[4..6] == b[4..6] {
            let x = u32::from_ne_bytes([a[20], a[21], a[22], a[23]]);
            let y = u32::from_ne_bytes([b[20], b[21], b[22], b[23]]);
            ifx.learn(x, y);
        }
    }
}

/// True when a recorded request names a datapath by a nonzero ifindex.
fn has_dp_ifindex(req: &[u8], exp: &Normalizer) -> bool {
    req.len() >= 24
        && exp
            .family_name(u16::from_ne_bytes([req[4], req[5]]))
            .is_some_and(|n| n.starts_with("ovs_"))
        && req[20..24] != [0, 0, 0, 0]
}

/// Replays `trace` against `target`, one outcome per block. Injected
/// frames cannot be replayed and come back as a difference.
pub fn replay(trace: &Trace, target: &mut dyn Target) -> Result<Vec<Outcome>> {
    // a trace without a monitor socket maps a placeholder, on both sides
    let (exp_mon, got_mon) = match trace.monpid {
        Some(m) => (m, target.monpid()),
        None => (u32::MAX - 1, u32::MAX - 1),
    };
    let mut exp = Normalizer::new(trace.portid, Some(exp_mon));
    let mut got = Normalizer::new(target.portid(), Some(got_mon));
    for f in &trace.families {
        exp.learn_family(&f.name, f.id);
        got.learn_family(&f.name, f.id);
    }
    got.alias_pid(trace.portid, target.portid());
    if let Some(m) = trace.monpid {
        got.alias_pid(m, target.monpid());
    }
    let mut ifx = Ifindexes::default();
    let mut out = Vec::new();
    for step in &trace.steps {
        let b = match step {
            Step::Option(name, value) => {
                if let Some(opt) = option_number(name) {
                    target.setsockopt(opt, *value)?;
                }
                continue;
            }
            Step::Join { family, group, id } => {
                let gid = got.group_id(family, group).unwrap_or(*id);
                target.join(gid)?;
                continue;
            }
            Step::Block(b) => b,
            Step::Raw(_) => continue,
        };
        if b.inject {
            let (recv, mcast) = target.inject(&b.ifname, &b.send)?;
            let expected = normalize_block(&mut exp, b);
            let actual = normalize_block(
                &mut got,
                &Block {
                    recv,
                    mcast,
                    ..b.clone()
                },
            );
            out.push(Outcome {
                n: b.n,
                label: b.label.clone(),
                diffs: compare(&expected, &actual),
            });
            continue;
        }
        if ifx.offset.is_none() && has_dp_ifindex(&b.send, &exp) {
            ifx.offset = probe_offset(trace, target, &got)?;
        }
        let send = translate(&b.send, &exp, &got, &ifx);
        let (recv, mcast) = target.exchange(&send)?;
        learn_ifindexes(&exp, &b.recv, &recv, &mut ifx);
        learn_ifindexes(&exp, &b.mcast, &mcast, &mut ifx);
        let expected = normalize_block(&mut exp, b);
        let actual = normalize_block(
            &mut got,
            &Block {
                send,
                recv,
                mcast,
                ..b.clone()
            },
        );
        out.push(Outcome {
            n: b.n,
            label: b.label.clone(),
            diffs: compare(&expected, &actual),
        });
    }
    Ok(out)
}

/// The ifindex the first net device got when the trace was recorded: the
/// first nonzero `dp_ifindex` from the first successful datapath NEW on
/// (in fresh namespaces it is 2, after ip_gre's devices 5). Defaults to 2.
pub fn first_ifindex(trace: &Trace) -> i32 {
    let dp = trace
        .families
        .iter()
        .find(|f| f.name == "ovs_datapath")
        .map(|f| f.id);
    let ovs: Vec<u16> = trace
        .families
        .iter()
        .filter(|f| f.name.starts_with("ovs_"))
        .map(|f| f.id)
        .collect();
    let mut started = false;
    for b in trace.blocks() {
        let m = &b.send;
        if m.len() >= 24 && Some(u16::from_ne_bytes([m[4], m[5]])) == dp && m[16] == 1 {
            started |= !b.end.starts_with("error");
        }
        if !started {
            continue;
        }
        for d in std::iter::once(&b.send).chain(&b.recv) {
            for msg in crate::trace::messages(d) {
                if msg.len() >= 24 && ovs.contains(&u16::from_ne_bytes([msg[4], msg[5]])) {
                    let ifx = i32::from_ne_bytes([msg[20], msg[21], msg[22], msg[23]]);
                    if ifx > 0 && ifx < 1000 {
                        return ifx;
                    }
                }
            }
        }
    }
    2
}
