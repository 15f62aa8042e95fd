//! The `nltrace 1` trace format (see the oracle's README): a model, a reader
//! and a writer. Lines the model does not use are kept out; every datagram in
//! both directions is.

use crate::hex;
use anyhow::{bail, Context, Result};
use std::fmt::Write as _;

/// A family the trace resolved: name, id and multicast groups.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Family {
    /// The family's name.
    pub name: String,
    /// Its numeric id (`nlmsg_type`).
    pub id: u16,
    /// Multicast groups: name and id.
    pub groups: Vec<(String, u32)>,
}

/// One request block (or an injected frame): what was sent and received.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Block {
    /// Request number (`req <n>`); 0 for injected frames.
    pub n: u32,
    /// The label from the scenario.
    pub label: String,
    /// True for an `inject` block (a frame sent into the datapath).
    pub inject: bool,
    /// The device an `inject` block's frame was sent out of (empty for
    /// requests).
    pub ifname: String,
    /// The request datagram (empty for injected frames).
    pub send: Vec<u8>,
    /// Datagrams the main socket received, in order.
    pub recv: Vec<Vec<u8>>,
    /// Datagrams the monitor socket received, in order.
    pub mcast: Vec<Vec<u8>>,
    /// The `end` summary (`ack`, `error -22 EINVAL`, ...).
    pub end: String,
}

/// A step of a trace, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// `option NAME=VALUE`: a socket option set on the main socket.
    Option(String, u32),
    /// `mcast-join`: the monitor socket joined a group.
    Join {
        /// Family name.
        family: String,
        /// Group name.
        group: String,
        /// Group id.
        id: u32,
    },
    /// A request block.
    Block(Block),
    /// A line written as it is and not read back (`shell-rc 0`, `wait 200`).
    Raw(String),
}

/// A whole trace.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Trace {
    /// The `kernel` line (uname of the recording system).
    pub kernel: String,
    /// The `script` line.
    pub script: String,
    /// The main socket's port id.
    pub portid: u32,
    /// The monitor socket's port id, if one was opened.
    pub monpid: Option<u32>,
    /// The receive buffer size at the start, if the recorder wrote it.
    pub rcvlen: Option<u32>,
    /// Families resolved, in order.
    pub families: Vec<Family>,
    /// Steps, in order.
    pub steps: Vec<Step>,
}

impl Trace {
    /// The request blocks, in order.
    pub fn blocks(&self) -> impl Iterator<Item = &Block> {
        self.steps.iter().filter_map(|s| match s {
            Step::Block(b) => Some(b),
            _ => None,
        })
    }

    /// Reads a trace from its text.
    pub fn parse(text: &str) -> Result<Trace> {
        let mut t = Trace::default();
        let mut lines = text.lines().enumerate();
        match lines.next() {
            Some((_, l)) if l.trim() == "nltrace 1" => {}
            _ => bail!("not an nltrace 1 trace"),
        }
        let (mut last_recv, mut last_mcast) = (0u32, 0u32);
        for (i, line) in lines {
            let ctx = || format!("line {}: {line}", i + 1);
            let mut f = line.split_whitespace();
            let Some(word) = f.next() else { continue };
            match word {
                "kernel" => t.kernel = line[6..].trim().to_string(),
                "script" => t.script = line[6..].trim().to_string(),
                "portid" => t.portid = f.next().unwrap_or("0").parse().with_context(ctx)?,
                "rcvlen" => t.rcvlen = Some(f.next().unwrap_or("0").parse().with_context(ctx)?),
                "family" => {
                    let name = f.next().unwrap_or_default().to_string();
                    let mut fam = Family {
                        name,
                        id: 0,
                        groups: Vec::new(),
                    };
                    let mut found = false;
                    for kv in f {
                        if let Some(v) = kv.strip_prefix("id=") {
                            fam.id = v.parse().with_context(ctx)?;
                            found = true;
                        } else if let Some(v) = kv.strip_prefix("groups=") {
                            for g in v.split(',').filter(|g| !g.is_empty()) {
                                let (n, id) = g.rsplit_once(':').context("group")?;
                                fam.groups
                                    .push((n.to_string(), id.parse().with_context(ctx)?));
                            }
                        }
                    }
                    if found {
                        t.families.retain(|x| x.name != fam.name);
                        t.families.push(fam);
                    }
                }
                "option" => {
                    let (name, value) = f
                        .next()
                        .unwrap_or_default()
                        .split_once('=')
                        .context("option")?;
                    let value = value.parse().with_context(ctx)?;
                    t.steps.push(Step::Option(name.to_string(), value));
                }
                "mcast-join" => {
                    let family = f.next().unwrap_or_default().to_string();
                    let group = f.next().unwrap_or_default().to_string();
                    let mut id = 0;
                    for kv in f {
                        if let Some(v) = kv.strip_prefix("id=") {
                            id = v.parse().with_context(ctx)?;
                        } else if let Some(v) = kv.strip_prefix("monpid=") {
                            t.monpid = Some(v.parse().with_context(ctx)?);
                        }
                    }
                    t.steps.push(Step::Join { family, group, id });
                }
                "req" | "inject" => {
                    let inject = word == "inject";
                    let n = if inject {
                        0
                    } else {
                        f.next().unwrap_or("0").parse().with_context(ctx)?
                    };
                    let label = f.next().unwrap_or("inject").to_string();
                    // `inject LABEL IFNAME`
                    let ifname = match f.next() {
                        Some(i) if inject && !i.contains('=') => i.to_string(),
                        _ => String::new(),
                    };
                    t.steps.push(Step::Block(Block {
                        n,
                        label,
                        inject,
                        ifname,
                        ..Block::default()
                    }));
                    last_recv = 0;
                    last_mcast = 0;
                }
                "send" | "recv" | "mcast" | "frame" => {
                    let Some(Step::Block(b)) = t.steps.last_mut() else {
                        continue;
                    };
                    if word == "send" || word == "frame" {
                        // one datagram per line; a second line continues it
                        let bytes = hex::decode(f.next().unwrap_or_default()).context("hex")?;
                        b.send.extend_from_slice(&bytes);
                        continue;
                    }
                    let n: u32 = f.next().unwrap_or("0").parse().with_context(ctx)?;
                    let bytes = hex::decode(f.next().unwrap_or_default()).context("hex")?;
                    if word == "recv" {
                        push(&mut b.recv, &mut last_recv, n, bytes);
                    } else {
                        push(&mut b.mcast, &mut last_mcast, n, bytes);
                    }
                }
                "end" | "end-inject" => {
                    if let Some(Step::Block(b)) = t.steps.last_mut() {
                        let rest: Vec<&str> = f.collect();
                        let rest = if word == "end" && !rest.is_empty() {
                            &rest[1..]
                        } else {
                            &rest[..]
                        };
                        b.end = rest.join(" ");
                    }
                }
                _ => {}
            }
        }
        Ok(t)
    }

    /// Writes the trace in the `nltrace 1` format.
    pub fn write(&self) -> String {
        let mut s = String::from("nltrace 1\n");
        let _ = writeln!(s, "kernel {}", self.kernel);
        let _ = writeln!(s, "script {}", self.script);
        let _ = writeln!(s, "portid {}", self.portid);
        if let Some(n) = self.rcvlen {
            let _ = writeln!(s, "rcvlen {n}");
        }
        for fam in &self.families {
            let groups: Vec<String> = fam.groups.iter().map(|(n, i)| format!("{n}:{i}")).collect();
            let _ = writeln!(
                s,
                "family {} id={} groups={}",
                fam.name,
                fam.id,
                groups.join(",")
            );
        }
        for step in &self.steps {
            match step {
                Step::Option(n, v) => {
                    let _ = writeln!(s, "option {n}={v} rc=0");
                }
                Step::Join { family, group, id } => {
                    let _ = writeln!(
                        s,
                        "mcast-join {family} {group} id={id} monpid={} rc=0",
                        self.monpid.unwrap_or(0)
                    );
                }
                Step::Block(b) => write_block(&mut s, b),
                Step::Raw(line) => {
                    let _ = writeln!(s, "{line}");
                }
            }
        }
        let _ = writeln!(s, "eof requests={}", self.blocks().count());
        s
    }
}

fn write_block(s: &mut String, b: &Block) {
    if b.inject {
        let _ = writeln!(s, "inject {} {}", b.label, b.ifname);
        let _ = writeln!(s, "frame {}", hex::encode(&b.send));
    } else {
        let _ = writeln!(s, "req {} {}", b.n, b.label);
        let _ = writeln!(s, "send {}", hex::encode(&b.send));
    }
    for (kind, list) in [("recv", &b.recv), ("mcast", &b.mcast)] {
        for (i, d) in list.iter().enumerate() {
            let mut off = 0;
            for m in messages(d) {
                if complete(m) {
                    let _ = writeln!(s, "{kind} {} {}", i + 1, hex::encode(m));
                } else {
                    // a datagram cut by a small receive buffer: kept, not parsed
                    let _ = writeln!(s, "{kind}-bad dgram={} off={off}", i + 1);
                    let _ = writeln!(s, "raw {}", hex::encode(m));
                }
                off += (m.len() + 3) & !3;
            }
        }
    }
    if b.inject {
        let _ = writeln!(s, "end-inject {}", b.end);
    } else {
        let _ = writeln!(s, "end {} {}", b.n, b.end);
    }
}

/// Whether `m` is a whole netlink message (its `nlmsg_len` is its length).
fn complete(m: &[u8]) -> bool {
    m.len() >= 16 && u32::from_ne_bytes([m[0], m[1], m[2], m[3]]) as usize == m.len()
}

/// Appends a message to a datagram list: same datagram number, same datagram.
fn push(list: &mut Vec<Vec<u8>>, last: &mut u32, n: u32, bytes: Vec<u8>) {
    match list.last_mut() {
        Some(d) if n == *last => d.extend_from_slice(&bytes),
        _ => {
            list.push(bytes);
            *last = n;
        }
    }
}

/// Splits a datagram into its netlink messages (by `nlmsg_len`, aligned to
/// 4); a truncated tail is returned as it is.
pub fn messages(d: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    let mut off = 0;
    while off < d.len() {
        let rest = &d[off..];
        let len = if rest.len() >= 4 {
            u32::from_ne_bytes([rest[0], rest[1], rest[2], rest[3]]) as usize
        } else {
            0
        };
        if len < 16 || len > rest.len() {
            out.push(rest);
            break;
        }
        out.push(&rest[..len]);
        off += (len + 3) & !3;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_write_round_trip() {
        let text = "nltrace 1\nkernel K\nscript s.nls\nportid 7\n\
            family ovs_vport id=33 version=1 hdrsize=4 maxattr=9 groups=ovs_vport:9\n\
            req 1 x line=3\nsend 1400000010000500010000000000000001020000\n\
            recv 1 1400000002000001000000000700000000000000\nend 1 ack\n";
        let t = Trace::parse(text).unwrap();
        assert_eq!(t.portid, 7);
        assert_eq!(t.families[0].groups, vec![("ovs_vport".into(), 9)]);
        let b = t.blocks().next().unwrap();
        assert_eq!((b.n, b.label.as_str(), b.end.as_str()), (1, "x", "ack"));
        let again = Trace::parse(&t.write()).unwrap();
        assert_eq!(again, t);
    }
}
