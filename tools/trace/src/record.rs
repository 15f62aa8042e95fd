//! Running an `.nls` scenario against a target and writing the trace, as
//! the oracle's recorder does against a kernel: one block per request with
//! every datagram both sockets received.

use crate::hex;
use crate::nls::{message, Env, Script};
use crate::norm::{attr_list, c_str};
use crate::target::{option_number, Target};
use crate::trace::{messages, Block, Family, Step, Trace};
use anyhow::{bail, Context, Result};
use std::path::Path;

const NLCTRL: u16 = 16;

struct Recorder<'a> {
    target: &'a mut dyn Target,
    trace: Trace,
    seq: u32,
}

impl Env for Recorder<'_> {
    fn lookup(&mut self, t: &str) -> Result<i64> {
        if t == "$pid" {
            return Ok(i64::from(self.target.portid()));
        }
        if t == "$monpid" {
            return Ok(i64::from(self.target.monpid()));
        }
        if let Some(f) = t.strip_prefix("$fam:") {
            return Ok(i64::from(self.family(f)?.id));
        }
        if let Some(name) = t.strip_prefix('@') {
            if let Some(i) = self.target.ifindex(name) {
                return Ok(i64::from(i));
            }
            return Ok(i64::from(self.ifindex(name)?));
        }
        bail!("unknown value {t}")
    }
}

/// The symbolic name of a negative errno, as `end` lines carry it.
fn errno_name(code: i32) -> &'static str {
    const NAMES: &[(i32, &str)] = &[
        (1, "EPERM"),
        (2, "ENOENT"),
        (3, "ESRCH"),
        (5, "EIO"),
        (12, "ENOMEM"),
        (13, "EACCES"),
        (16, "EBUSY"),
        (17, "EEXIST"),
        (19, "ENODEV"),
        (22, "EINVAL"),
        (27, "EFBIG"),
        (28, "ENOSPC"),
        (34, "ERANGE"),
        (75, "EOVERFLOW"),
        (90, "EMSGSIZE"),
        (93, "EPROTONOSUPPORT"),
        (95, "EOPNOTSUPP"),
        (97, "EAFNOSUPPORT"),
        (105, "ENOBUFS"),
    ];
    NAMES.iter().find(|n| n.0 == -code).map_or("E?", |n| n.1)
}

/// The end summary of a block, as the oracle's recorder writes it.
fn end_of(seq: u32, recv: &[Vec<u8>]) -> String {
    let mut any = false;
    for d in recv {
        for m in messages(d) {
            any = true;
            if m.len() < 20 || u32::from_ne_bytes(m[8..12].try_into().unwrap()) != seq {
                continue;
            }
            let code = i32::from_ne_bytes(m[16..20].try_into().unwrap());
            match u16::from_ne_bytes([m[4], m[5]]) {
                2 if code == 0 => return "ack".into(),
                2 => return format!("error {code} {}", errno_name(code)),
                3 if code == 0 => return "done".into(),
                3 => return format!("done {code} {}", errno_name(code)),
                _ => {}
            }
        }
    }
    if any { "reply" } else { "none" }.into()
}

impl Recorder<'_> {
    fn family(&self, name: &str) -> Result<&Family> {
        self.trace
            .families
            .iter()
            .find(|f| f.name == name)
            .with_context(|| format!("family {name} not resolved"))
    }

    fn family_id(&self, t: &str) -> Result<Option<u16>> {
        Ok(match t {
            "-" => None,
            "nlctrl" => Some(NLCTRL),
            _ => match t.parse::<u16>() {
                Ok(n) => Some(n),
                Err(_) => Some(self.family(t)?.id),
            },
        })
    }

    /// `@name`: the ifindex of a datapath or port, asked from the target
    /// with a vport GET by name (not recorded).
    fn ifindex(&mut self, name: &str) -> Result<u32> {
        let Ok(vport) = self.family("ovs_vport").map(|f| f.id) else {
            return Ok(0);
        };
        let mut payload = vec![3, 1, 0, 0, 0, 0, 0, 0];
        let mut attrs = Vec::new();
        let n = name.len() as u16 + 5;
        attrs.extend(n.to_ne_bytes());
        attrs.extend(3u16.to_ne_bytes());
        attrs.extend(name.as_bytes());
        attrs.push(0);
        while attrs.len() % 4 != 0 {
            attrs.push(0);
        }
        payload.extend(attrs);
        let (recv, _) = self.target.exchange(&message(vport, 1, 0, &payload))?;
        for d in &recv {
            for m in messages(d) {
                if m.len() > 24 && u16::from_ne_bytes([m[4], m[5]]) == vport {
                    let a = &m[24..];
                    if let Some(x) = attr_list(a).into_iter().find(|x| x.0 == 8) {
                        return Ok(u32::from_ne_bytes(a[x.1..x.1 + 4].try_into()?));
                    }
                }
            }
        }
        Ok(0)
    }

    fn block(&mut self, label: &str, send: Vec<u8>) -> Result<()> {
        let (recv, mcast) = self.target.exchange(&send)?;
        let end = end_of(self.seq, &recv);
        self.trace.steps.push(Step::Block(Block {
            n: self.seq,
            label: label.to_string(),
            inject: false,
            ifname: String::new(),
            send,
            recv,
            mcast,
            end,
        }));
        Ok(())
    }

    fn resolve(&mut self, name: &str) -> Result<()> {
        self.seq += 1;
        let mut payload = vec![3, 1, 0, 0];
        let n = name.len() as u16 + 5;
        payload.extend(n.to_ne_bytes());
        payload.extend(2u16.to_ne_bytes());
        payload.extend(name.as_bytes());
        payload.push(0);
        while payload.len() % 4 != 0 {
            payload.push(0);
        }
        self.block(
            &format!("resolve:{name}"),
            message(NLCTRL, 1, self.seq, &payload),
        )?;
        let Some(Step::Block(b)) = self.trace.steps.last() else {
            unreachable!()
        };
        let mut fam = None;
        for d in &b.recv {
            for m in messages(d) {
                if m.len() <= 20 || u16::from_ne_bytes([m[4], m[5]]) != NLCTRL {
                    continue;
                }
                let a = &m[20..];
                let mut f = Family {
                    name: name.to_string(),
                    id: 0,
                    groups: Vec::new(),
                };
                for (ty, s, e) in attr_list(a) {
                    match ty {
                        1 if e - s == 2 => f.id = u16::from_ne_bytes([a[s], a[s + 1]]),
                        7 => {
                            let l = &a[s..e];
                            for (_, gs, ge) in attr_list(l) {
                                let g = &l[gs..ge];
                                let fields = attr_list(g);
                                let gn = fields.iter().find(|x| x.0 == 1);
                                let gi = fields.iter().find(|x| x.0 == 2 && x.2 - x.1 == 4);
                                if let (Some(n), Some(i)) = (gn, gi) {
                                    let id = u32::from_ne_bytes(g[i.1..i.2].try_into()?);
                                    f.groups.push((c_str(&g[n.1..n.2]), id));
                                }
                            }
                        }
                        _ => {}
                    }
                }
                fam = Some(f);
            }
        }
        if let Some(f) = fam {
            self.trace.families.retain(|x| x.name != f.name);
            self.trace.families.push(f);
        }
        Ok(())
    }

    fn run(&mut self, script: &Script) -> Result<()> {
        for c in &script.commands {
            let t = &c.tokens;
            let at = || format!("line {}: {}", c.line, t.join(" "));
            self.trace
                .steps
                .push(Step::Raw(format!("# {}", t.join(" "))));
            self.command(script, t).with_context(at)?;
        }
        Ok(())
    }

    fn command(&mut self, script: &Script, t: &[String]) -> Result<()> {
        let arg = |i: usize| t.get(i).map(String::as_str).context("missing argument");
        match t[0].as_str() {
            "resolve" => {
                for name in &t[1..] {
                    self.resolve(name)?;
                }
            }
            "req" => {
                self.seq += 1;
                let ty = self.family_id(arg(2)?)?.unwrap_or(0);
                let cmd = script.num(arg(3)?, self)? as u8;
                let flags = script.flags(arg(4)?, self)?;
                let version = script.num(arg(5)?, self)? as u8;
                let mut payload = vec![cmd, version, 0, 0];
                match arg(6)? {
                    "-" => {}
                    h if h.starts_with("hex:") => {
                        payload.extend(hex::decode(&h[4..]).context("hex")?)
                    }
                    h => payload.extend((script.num(h, self)? as u32).to_ne_bytes()),
                }
                script.attrs(&t[7..], self, &mut payload)?;
                let m = message(ty, flags, self.seq, &payload);
                self.block(arg(1)?, m)?;
            }
            "rawreq" => {
                self.seq += 1;
                let mut m = hex::decode(arg(3)?).context("hex")?;
                if m.len() < 16 {
                    bail!("rawreq: message shorter than a header");
                }
                let len = m.len() as u32;
                m[0..4].copy_from_slice(&len.to_ne_bytes());
                if let Some(ty) = self.family_id(arg(2)?)? {
                    m[4..6].copy_from_slice(&ty.to_ne_bytes());
                }
                m[8..12].copy_from_slice(&self.seq.to_ne_bytes());
                m[12..16].copy_from_slice(&0u32.to_ne_bytes());
                self.block(arg(1)?, m)?;
            }
            "rawdgram" => {
                self.seq += 1;
                let mut d = Vec::new();
                for seg in t[2..].chunks(2) {
                    let mut m =
                        hex::decode(seg.get(1).context("rawdgram: FAMILY HEX")?).context("hex")?;
                    if let (Some(ty), true) = (self.family_id(&seg[0])?, m.len() >= 6) {
                        m[4..6].copy_from_slice(&ty.to_ne_bytes());
                    }
                    if m.len() >= 12 {
                        m[8..12].copy_from_slice(&self.seq.to_ne_bytes());
                    }
                    d.extend(m);
                }
                self.block(arg(1)?, d)?;
            }
            "mcast" => {
                let (fam, grp) = (arg(1)?, arg(2)?);
                let id = self
                    .family(fam)?
                    .groups
                    .iter()
                    .find(|g| g.0 == grp)
                    .map(|g| g.1)
                    .with_context(|| format!("group {grp}"))?;
                self.target.join(id)?;
                self.trace.monpid = Some(self.target.monpid());
                self.trace.steps.push(Step::Join {
                    family: fam.into(),
                    group: grp.into(),
                    id,
                });
            }
            "option" => {
                let (name, value) = (arg(1)?, script.num(arg(2)?, self)? as u32);
                match name {
                    "rcvlen" => self.target.set_rcvlen(value),
                    "wait_ms" => self.target.set_wait(value),
                    _ => {
                        if let Some(opt) = option_number(name) {
                            self.target.setsockopt(opt, value)?;
                        }
                    }
                }
                self.trace.steps.push(Step::Option(name.into(), value));
            }
            "inject" => {
                let frame = hex::decode(arg(3)?).context("hex")?;
                let (recv, mcast) = self.target.inject(arg(2)?, &frame)?;
                self.trace.steps.push(Step::Block(Block {
                    n: 0,
                    label: arg(1)?.into(),
                    inject: true,
                    ifname: arg(2)?.into(),
                    send: frame,
                    recv,
                    mcast,
                    end: "0".into(),
                }));
            }
            "wait" => {
                let ms = script.num(arg(1)?, self)? as u32;
                let (recv, mcast) = self.target.wait(ms)?;
                if let Some(Step::Block(b)) = self
                    .trace
                    .steps
                    .iter_mut()
                    .rev()
                    .find(|s| matches!(s, Step::Block(_)))
                {
                    b.recv.extend(recv);
                    b.mcast.extend(mcast);
                }
                self.trace.steps.push(Step::Raw(format!("wait {ms}")));
                self.trace.steps.push(Step::Raw("wait-end".into()));
            }
            "shell" => {
                let line = Step::Raw(match shell(&t[1..].join(" "))? {
                    Some(rc) => format!("shell-rc {rc}"),
                    None => "shell-skipped".into(),
                });
                self.trace.steps.push(line);
            }
            "note" => {}
            other => bail!("unknown command {other}"),
        }
        Ok(())
    }
}

/// Runs a scenario's `shell` line with `sh -c` (output to stderr), only
/// when `NLTRACE_SHELL=1` as in the oracle's VM; `None` when skipped.
fn shell(cmd: &str) -> Result<Option<i32>> {
    if std::env::var("NLTRACE_SHELL").as_deref() != Ok("1") {
        return Ok(None);
    }
    let out = std::process::Command::new("/bin/sh")
        .arg("-c")
        .arg(cmd)
        .stdout(std::io::stderr())
        .status()
        .context("sh")?;
    Ok(Some(out.code().unwrap_or(-1)))
}

/// Runs the scenario at `path` against `target`; returns the trace text.
pub fn record(path: &Path, target: &mut dyn Target) -> Result<String> {
    let script = Script::load(path)?;
    let portid = target.portid();
    let mut r = Recorder {
        trace: Trace {
            kernel: target.describe(),
            script: path.display().to_string(),
            portid,
            rcvlen: target.rcvlen(),
            ..Trace::default()
        },
        target,
        seq: 0,
    };
    r.run(&script)?;
    Ok(r.trace.write())
}
