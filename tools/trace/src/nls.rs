//! The oracle's `.nls` scenario language: loading (includes, line
//! continuations, comments, defines, macros) and building requests from its
//! tokens. Execution against a target is in [`crate::record`].

use crate::hex;
use anyhow::{anyhow, bail, Context, Result};
use std::collections::HashMap;
use std::path::Path;

/// One command of a loaded script: its line number and expanded tokens.
#[derive(Debug, Clone)]
pub struct Command {
    /// Line number in the file it came from.
    pub line: usize,
    /// The tokens, with macros expanded; the first is the command.
    pub tokens: Vec<String>,
}

/// A loaded scenario.
#[derive(Debug, Default)]
pub struct Script {
    /// Commands in order (`define` and `macro` already applied).
    pub commands: Vec<Command>,
    /// `define`d constants.
    pub defines: HashMap<String, i64>,
}

/// Values a script's numbers can refer to while it runs.
pub trait Env {
    /// `$pid`, `$monpid`, `$fam:NAME` and `@ifname`.
    fn lookup(&mut self, token: &str) -> Result<i64>;
}

impl Script {
    /// Loads a scenario file and its includes.
    pub fn load(path: &Path) -> Result<Script> {
        let mut s = Script::default();
        let mut macros = HashMap::new();
        s.load_file(path, &mut macros)?;
        Ok(s)
    }

    fn load_file(&mut self, path: &Path, macros: &mut HashMap<String, Vec<String>>) -> Result<()> {
        let text = std::fs::read_to_string(path).with_context(|| path.display().to_string())?;
        let mut pending = String::new();
        let mut start = 0;
        for (i, raw) in text.lines().enumerate() {
            if pending.is_empty() {
                start = i + 1;
            }
            if let Some(cont) = raw.strip_suffix('\\') {
                pending.push_str(cont);
                pending.push(' ');
                continue;
            }
            pending.push_str(raw);
            let line = std::mem::take(&mut pending);
            let mut tokens: Vec<String> = Vec::new();
            for t in line.split_whitespace() {
                if t.starts_with('#') {
                    break;
                }
                match t.strip_prefix('%').and_then(|m| macros.get(m)) {
                    Some(exp) => tokens.extend(exp.iter().cloned()),
                    None => tokens.push(t.to_string()),
                }
            }
            let Some(cmd) = tokens.first() else { continue };
            match cmd.as_str() {
                "include" => {
                    let f = tokens.get(1).context("include FILE")?;
                    let inc = path.parent().unwrap_or(Path::new(".")).join(f);
                    self.load_file(&inc, macros)?;
                }
                "define" => {
                    let (n, v) = (tokens.get(1), tokens.get(2));
                    let (Some(n), Some(v)) = (n, v) else {
                        bail!("line {start}: define NAME VALUE");
                    };
                    let v = parse_plain(v, &self.defines)
                        .with_context(|| format!("line {start}: define {n}"))?;
                    self.defines.insert(n.clone(), v);
                }
                "macro" => {
                    let n = tokens.get(1).context("macro NAME")?.clone();
                    macros.insert(n, tokens[2..].to_vec());
                }
                _ => self.commands.push(Command {
                    line: start,
                    tokens,
                }),
            }
        }
        Ok(())
    }

    /// A number: decimal, `0x` hex, negative, a define or an [`Env`] token.
    pub fn num(&self, t: &str, env: &mut dyn Env) -> Result<i64> {
        if t.starts_with('$') || t.starts_with('@') {
            return env.lookup(t);
        }
        parse_plain(t, &self.defines)
    }

    /// `nlmsg_flags` from names joined by `|` or numbers.
    pub fn flags(&self, t: &str, env: &mut dyn Env) -> Result<u16> {
        let mut f = 0u16;
        for part in t.split('|') {
            f |= match part {
                "REQUEST" => 1,
                "MULTI" => 2,
                "ACK" => 4,
                "ECHO" => 8,
                "DUMP" => 0x300,
                "ROOT" | "REPLACE" => 0x100,
                "MATCH" | "EXCL" => 0x200,
                "ATOMIC" | "CREATE" => 0x400,
                "APPEND" => 0x800,
                n => self.num(n, env)? as u16,
            };
        }
        Ok(f)
    }

    /// Appends the attributes of `tokens` (nested ones recursively) to `out`.
    pub fn attrs(&self, tokens: &[String], env: &mut dyn Env, out: &mut Vec<u8>) -> Result<()> {
        let mut i = 0;
        self.attr_list(tokens, &mut i, env, out)?;
        if i < tokens.len() {
            bail!("unbalanced '}}'");
        }
        Ok(())
    }

    fn attr_list(
        &self,
        t: &[String],
        i: &mut usize,
        env: &mut dyn Env,
        out: &mut Vec<u8>,
    ) -> Result<()> {
        while *i < t.len() {
            let tok = t[*i].as_str();
            if tok == "}" {
                return Ok(());
            }
            *i += 1;
            if let Some(h) = tok.strip_prefix("raw:") {
                out.extend(hex::decode(h).context("raw: hex")?);
                continue;
            }
            let nested = tok
                .strip_suffix("{}")
                .map(|n| (n, true))
                .or_else(|| tok.strip_suffix('{').map(|n| (n, false)));
            if let Some((name, closed)) = nested {
                let (name, flag) = match name.strip_suffix('+') {
                    Some(n) => (n, 0x8000),
                    None => (name, 0),
                };
                let ty = self.num(name, env)? as u16 | flag;
                // as the oracle's recorder: a nest is aligned where it
                // starts, not where it ends (after `raw:` bytes it may not be)
                pad(out);
                let start = begin_attr(out, ty);
                if !closed {
                    self.attr_list(t, i, env, out)?;
                    if t.get(*i).map(String::as_str) != Some("}") {
                        bail!("missing '}}' for {name}");
                    }
                    *i += 1;
                }
                set_len(out, start);
                continue;
            }
            let mut parts = tok.splitn(3, ':');
            let name = parts.next().unwrap_or_default();
            let kind = parts
                .next()
                .ok_or_else(|| anyhow!("attribute {tok}: no type"))?;
            let val = parts.next().unwrap_or_default();
            let ty = self.num(name, env)? as u16;
            let payload = self
                .payload(kind, val, env)
                .with_context(|| format!("attribute {tok}"))?;
            let start = begin_attr(out, ty);
            out.extend(payload);
            set_len(out, start);
            pad(out);
        }
        Ok(())
    }

    fn payload(&self, kind: &str, v: &str, env: &mut dyn Env) -> Result<Vec<u8>> {
        let n = |env: &mut dyn Env| self.num(v, env);
        Ok(match kind {
            "u8" => vec![n(env)? as u8],
            "u16" => (n(env)? as u16).to_ne_bytes().to_vec(),
            "u32" | "s32" => (n(env)? as u32).to_ne_bytes().to_vec(),
            "u64" => (n(env)? as u64).to_ne_bytes().to_vec(),
            "be16" => (n(env)? as u16).to_be_bytes().to_vec(),
            "be32" => (n(env)? as u32).to_be_bytes().to_vec(),
            "be64" => (n(env)? as u64).to_be_bytes().to_vec(),
            "str" => {
                let mut b = v.as_bytes().to_vec();
                b.push(0);
                b
            }
            "strn" => v.as_bytes().to_vec(),
            "hex" => hex::decode(v).context("hex")?,
            "zero" => vec![0; n(env)? as usize],
            "flag" => Vec::new(),
            "ip4" => v.parse::<std::net::Ipv4Addr>()?.octets().to_vec(),
            "ip6" => v.parse::<std::net::Ipv6Addr>()?.octets().to_vec(),
            other => bail!("unknown attribute type {other}"),
        })
    }
}

fn parse_plain(t: &str, defines: &HashMap<String, i64>) -> Result<i64> {
    if let Some(v) = defines.get(t) {
        return Ok(*v);
    }
    let (neg, body) = match t.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, t),
    };
    // up to 64 bits unsigned (be64:0xffffffffffffffff), kept as their bits
    let v = match body.strip_prefix("0x").or_else(|| body.strip_prefix("0X")) {
        Some(h) => u64::from_str_radix(h, 16),
        None => body.parse::<u64>(),
    }
    .map_err(|_| anyhow!("not a number: {t}"))? as i64;
    Ok(if neg { -v } else { v })
}

/// Starts an attribute of type `ty`; returns where it starts.
fn begin_attr(out: &mut Vec<u8>, ty: u16) -> usize {
    let start = out.len();
    out.extend([0, 0]);
    out.extend(ty.to_ne_bytes());
    start
}

/// Ends an attribute: sets its length (padding is separate).
fn set_len(out: &mut [u8], start: usize) {
    let len = (out.len() - start) as u16;
    out[start..start + 2].copy_from_slice(&len.to_ne_bytes());
}

/// Pads `out` with zeros to a multiple of 4 bytes.
fn pad(out: &mut Vec<u8>) {
    while out.len() % 4 != 0 {
        out.push(0);
    }
}

/// A complete netlink message: header (length, type, flags, seq, pid 0)
/// then `payload`.
pub fn message(ty: u16, flags: u16, seq: u32, payload: &[u8]) -> Vec<u8> {
    let mut m = Vec::with_capacity(16 + payload.len());
    m.extend((16 + payload.len() as u32).to_ne_bytes());
    m.extend(ty.to_ne_bytes());
    m.extend(flags.to_ne_bytes());
    m.extend(seq.to_ne_bytes());
    m.extend(0u32.to_ne_bytes());
    m.extend_from_slice(payload);
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    struct NoEnv;
    impl Env for NoEnv {
        fn lookup(&mut self, t: &str) -> Result<i64> {
            bail!("no {t}")
        }
    }

    #[test]
    fn builds_nested_attributes() {
        let mut s = Script::default();
        s.defines.insert("A".into(), 1);
        let toks: Vec<String> = "A{ 2:u32:7 3:str:ab } 4+{ } raw:ff"
            .split_whitespace()
            .map(String::from)
            .collect();
        let mut out = Vec::new();
        s.attrs(&toks, &mut NoEnv, &mut out).unwrap();
        let want = hex::decode("14000100_08000200_07000000_07000300_61620000_04000480_ff").unwrap();
        assert_eq!(out, want);
    }

    #[test]
    fn nests_are_aligned_where_they_start_not_where_they_end() {
        let s = Script::default();
        let toks: Vec<String> = "1{ 2:u8:1 raw:aa } 4{ }"
            .split_whitespace()
            .map(String::from)
            .collect();
        let mut out = Vec::new();
        s.attrs(&toks, &mut NoEnv, &mut out).unwrap();
        let want = hex::decode("0d000100_05000200_01000000_aa000000_04000400").unwrap();
        assert_eq!(out, want);
    }
}
