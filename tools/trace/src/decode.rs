//! Decoding of (normalized) messages: a flat list of `(path, value)` fields
//! for structural diffs, and a one-line rendering of the attribute tree.

use crate::hex;
use crate::norm::{attr_list_flags, c_str};
use crate::schema::{self, Kind, Space};

/// One decoded field: its path (`hdr.type`, `KEY/ETHERNET`, ...) and value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// Where the field is: header fields, or attribute names joined by `/`.
    pub path: String,
    /// Its value as text (nested attributes have an empty value).
    pub value: String,
    /// Nesting depth (0 for header fields and top-level attributes).
    pub depth: usize,
}

/// Decodes a normalized message into fields. `is_request` selects flag names.
pub fn fields(m: &[u8], is_request: bool) -> Vec<Field> {
    let mut out = Vec::new();
    header(m, is_request, "", &mut out);
    out
}

fn push(out: &mut Vec<Field>, path: String, value: String, depth: usize) {
    out.push(Field { path, value, depth });
}

fn header(m: &[u8], is_request: bool, prefix: &str, out: &mut Vec<Field>) {
    if m.len() < 16 {
        push(out, format!("{prefix}raw"), hex::encode(m), 0);
        return;
    }
    let rd32 = |o: usize| u32::from_ne_bytes([m[o], m[o + 1], m[o + 2], m[o + 3]]);
    let ty = u16::from_ne_bytes([m[4], m[5]]);
    let flags = u16::from_ne_bytes([m[6], m[7]]);
    let tname = match ty {
        1 => "NOOP".to_string(),
        2 => "ERROR".to_string(),
        3 => "DONE".to_string(),
        _ => schema::family_name(ty).map_or(format!("type{ty}"), str::to_string),
    };
    push(out, format!("{prefix}type"), tname, 0);
    push(out, format!("{prefix}len"), rd32(0).to_string(), 0);
    push(
        out,
        format!("{prefix}flags"),
        schema::flags(flags, is_request),
        0,
    );
    push(out, format!("{prefix}seq"), rd32(8).to_string(), 0);
    push(out, format!("{prefix}pid"), rd32(12).to_string(), 0);
    match ty {
        2 if m.len() >= 20 => {
            push(
                out,
                format!("{prefix}error"),
                (rd32(16) as i32).to_string(),
                0,
            );
            let echoed_len = if m.len() >= 24 { rd32(20) as usize } else { 0 };
            let end = if flags & 0x100 != 0 {
                36.min(m.len())
            } else {
                (20 + ((echoed_len + 3) & !3)).min(m.len())
            };
            header(&m[20..end], true, "echo.", out);
            if end < m.len() {
                attrs(&m[end..], Space::ExtAck, "ext_ack", 0, out);
            }
        }
        3 if m.len() >= 20 => push(
            out,
            format!("{prefix}done"),
            (rd32(16) as i32).to_string(),
            0,
        ),
        t if t >= 16 && m.len() >= 20 => {
            let cmd = schema::command(ty, m[16]);
            push(out, format!("{prefix}cmd"), cmd, 0);
            push(out, format!("{prefix}version"), m[17].to_string(), 0);
            let (space, has_hdr) = schema::family_space(ty).unwrap_or((Space::Opaque, false));
            let mut start = 20;
            if has_hdr && m.len() >= 24 {
                push(out, format!("{prefix}dp_ifindex"), rd32(20).to_string(), 0);
                start = 24;
            }
            attrs(&m[start..], space, prefix.trim_end_matches('.'), 0, out);
        }
        _ => {
            if m.len() > 16 {
                push(out, format!("{prefix}payload"), hex::encode(&m[16..]), 0);
            }
        }
    }
}

fn attrs(buf: &[u8], space: Space, prefix: &str, depth: usize, out: &mut Vec<Field>) {
    let list = attr_list_flags(buf);
    let mut seen: Vec<String> = Vec::new();
    let mut consumed = 0;
    for (ty, s, e, nested_flag) in list {
        consumed = (e + 3) & !3;
        let (name, mut kind) = schema::attr(space, ty);
        if nested_flag && !matches!(kind, Kind::Nested(_)) {
            kind = Kind::Nested(Space::Opaque);
        }
        let mut base = if name.is_empty() {
            format!("{ty}")
        } else {
            name.to_string()
        };
        if nested_flag {
            base.push('+');
        }
        let count = seen.iter().filter(|x| **x == base).count();
        seen.push(base.clone());
        let step = if count > 0 {
            format!("{base}#{}", count + 1)
        } else {
            base
        };
        let path = if prefix.is_empty() {
            step
        } else {
            format!("{prefix}/{step}")
        };
        let p = &buf[s..e];
        match kind {
            Kind::Nested(Space::Opaque) if !nested_flag => {
                push(out, path, format!("hex:{}", hex::encode(p)), depth)
            }
            Kind::Nested(inner) => {
                push(out, path.clone(), String::new(), depth);
                attrs(p, inner, &path, depth + 1, out);
            }
            Kind::Str if p.last() == Some(&0) && !p[..p.len() - 1].contains(&0) => {
                push(out, path, format!("{:?}", c_str(p)), depth)
            }
            Kind::Bytes | Kind::Frame | Kind::Macs | Kind::Str => {
                push(out, path, format!("hex:{}", hex::encode(p)), depth)
            }
            _ => push(out, path, number(p), depth),
        }
    }
    if consumed < buf.len() {
        push(
            out,
            format!("{prefix}/<trailing>"),
            hex::encode(&buf[consumed..]),
            depth,
        );
    }
}

fn number(p: &[u8]) -> String {
    match p.len() {
        1 => p[0].to_string(),
        2 => u16::from_ne_bytes([p[0], p[1]]).to_string(),
        4 => u32::from_ne_bytes([p[0], p[1], p[2], p[3]]).to_string(),
        8 => u64::from_ne_bytes(p.try_into().unwrap()).to_string(),
        _ => format!("hex:{}", hex::encode(p)),
    }
}

/// Renders a normalized message on one line: header, then the attribute
/// tree with nested attributes in braces.
pub fn one_line(m: &[u8], is_request: bool) -> String {
    let f = fields(m, is_request);
    let mut s = String::new();
    let mut depth = 0;
    for (i, x) in f.iter().enumerate() {
        while depth > x.depth {
            s.push_str(" }");
            depth -= 1;
        }
        if i > 0 {
            s.push(' ');
        }
        let leaf = x.path.rsplit('/').next().unwrap_or(&x.path);
        let nested = f.get(i + 1).is_some_and(|n| n.depth > x.depth);
        if nested {
            s.push_str(&format!("{leaf}{{"));
            depth += 1;
        } else if x.value.is_empty() {
            s.push_str(&format!("{leaf}{{}}"));
        } else {
            s.push_str(&format!("{leaf}={}", x.value));
        }
    }
    while depth > 0 {
        s.push_str(" }");
        depth -= 1;
    }
    s
}
