//! Tokenizing the flow syntax: `name(args)` items, top-level commas,
//! numbers in C's `strtoul(…, 0)` bases, and the parse error type.

use std::fmt;

/// A malformed flow or action string: names the bad item or field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError(pub String);

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ParseError {}

/// Shorthand for building an error.
pub fn err<T>(msg: impl Into<String>) -> Result<T, ParseError> {
    Err(ParseError(msg.into()))
}

/// Splits `s` at commas outside parentheses and braces.
pub fn split_top(s: &str) -> Result<Vec<&str>, ParseError> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut start = 0;
    for (i, c) in s.char_indices() {
        match c {
            '(' | '{' => depth += 1,
            ')' | '}' => {
                depth -= 1;
                if depth < 0 {
                    return err(format!("unbalanced ')' in \"{s}\""));
                }
            }
            ',' if depth == 0 => {
                out.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    if depth != 0 {
        return err(format!("unbalanced '(' in \"{s}\""));
    }
    out.push(&s[start..]);
    Ok(out)
}

/// Splits `name(args)` into `name` and `args`; `None` for a bare word.
pub fn call(item: &str) -> Result<(&str, Option<&str>), ParseError> {
    let item = item.trim();
    match item.find('(') {
        None => Ok((item, None)),
        Some(i) => {
            if !item.ends_with(')') {
                return err(format!("\"{item}\": missing ')'"));
            }
            Ok((&item[..i], Some(&item[i + 1..item.len() - 1])))
        }
    }
}

/// An unsigned number as C's `strtoull(s, NULL, 0)` reads it (whole string).
pub fn num(s: &str) -> Option<u64> {
    let s = s.trim();
    if let Some(h) = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        u64::from_str_radix(h, 16).ok()
    } else if s.len() > 1 && s.starts_with('0') {
        u64::from_str_radix(&s[1..], 8).ok()
    } else {
        s.parse().ok()
    }
}

/// A number no larger than `max`, naming `what` when it is not one.
pub fn num_max(s: &str, max: u64, what: &str) -> Result<u64, ParseError> {
    match num(s) {
        Some(v) if v <= max => Ok(v),
        Some(_) => err(format!("{what}: {s} is out of range")),
        None => err(format!("{what}: \"{s}\" is not a number")),
    }
}

/// `value[/mask]` split.
pub fn value_mask(s: &str) -> (&str, Option<&str>) {
    match s.split_once('/') {
        Some((v, m)) => (v, Some(m)),
        None => (s, None),
    }
}

/// Hex bytes, with or without spaces or a `0x` prefix.
pub fn hex_bytes(s: &str) -> Option<Vec<u8>> {
    let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    let s = s.strip_prefix("0x").unwrap_or(&s);
    if s.len() % 2 != 0 {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| s.get(i..i + 2).and_then(|b| u8::from_str_radix(b, 16).ok()))
        .collect()
}
