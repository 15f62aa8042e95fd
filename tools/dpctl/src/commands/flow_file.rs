//! `add-flows`, `mod-flows` and `del-flows` with a FILE (`-` for stdin):
//! one flow per line, `[add|modify|delete] FLOW [ACTIONS]`, `#` starting
//! a comment (`dpctl_process_flows`). A bad line is reported and skipped;
//! as in ovs-dpctl, the command exits 0 once the datapath is open, even
//! when lines (or opening the file) fail.

use crate::ctx::Ctx;
use crate::errors::{CmdResult, Failure};
use crate::flows::PutFlags;
use std::io::{BufRead, BufReader, Read};

/// What a line does when it names no operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// `add`.
    Add,
    /// `modify`.
    Modify,
    /// `delete`.
    Delete,
}

/// Splits a (comment-free, non-blank) line into its operation, flow and
/// actions (`dpctl_parse_flow_line`): a first word that is a prefix of
/// `add`, `delete` or `modify` names the operation.
pub fn parse_line(default: Op, line: &str) -> (Op, Option<&str>, Option<&str>) {
    let ws: &[char] = &[' ', '\t', '\r', '\n'];
    let mut rest = line.trim_start_matches(ws);
    let wlen = rest
        .find([',', ' ', '\t', '\r', '\n'])
        .unwrap_or(rest.len());
    let word = &rest[..wlen];
    let op = if "add".starts_with(word) {
        Some(Op::Add)
    } else if "delete".starts_with(word) {
        Some(Op::Delete)
    } else if "modify".starts_with(word) {
        Some(Op::Modify)
    } else {
        None
    };
    if op.is_some() {
        rest = &rest[wlen..];
    }
    let op = op.unwrap_or(default);
    rest = rest.trim_start_matches(ws);
    let flen = rest.find(ws).unwrap_or(rest.len());
    if flen == 0 {
        return (op, None, None);
    }
    let flow = &rest[..flen];
    let actions = rest[flen..].trim_start_matches(ws);
    (op, Some(flow), (!actions.is_empty()).then_some(actions))
}

/// `add-flows [DP] FILE`.
pub fn add_flows(ctx: &Ctx, args: &[String]) -> CmdResult {
    process(ctx, args, Op::Add)
}

/// `mod-flows [DP] FILE`.
pub fn mod_flows(ctx: &Ctx, args: &[String]) -> CmdResult {
    process(ctx, args, Op::Modify)
}

/// Runs every line of FILE (the last argument) against the datapath.
pub fn process(ctx: &Ctx, args: &[String], default: Op) -> CmdResult {
    let file = &args[args.len() - 1];
    let (mut dpif, dp, _) = ctx.opt_dp(args, 4)?;
    let ports = super::flow::numbers(&mut dpif, &dp);
    let input: Box<dyn Read> = if file == "-" {
        Box::new(std::io::stdin())
    } else {
        match std::fs::File::open(file) {
            Ok(f) => Box::new(f),
            Err(e) => {
                let errno = e.raw_os_error().unwrap_or(libc::EIO);
                crate::report(&Failure::new(
                    format!("Opening file \"{file}\" failed"),
                    errno,
                ));
                return Ok(());
            }
        }
    };
    for (n, line) in BufReader::new(input).lines().enumerate() {
        let Ok(line) = line else { break };
        let line = line.split('#').next().unwrap_or("");
        if line.trim_matches([' ', '\t', '\n']).is_empty() {
            continue;
        }
        let (op, flow, actions) = parse_line(default, line);
        let result = match (op, flow, actions) {
            (Op::Add | Op::Modify, Some(f), Some(a)) => {
                let flags = PutFlags {
                    create: op == Op::Add,
                    modify: op == Op::Modify,
                    ..PutFlags::default()
                };
                super::flow::put_one(ctx, &mut dpif, &dp, &ports, f, a, flags)
            }
            (Op::Delete, Some(f), None) => super::flow::del_one(ctx, &mut dpif, &dp, &ports, f),
            _ => Err(Failure::plain(format!(
                "Failed parsing line number {}, skipped!",
                n + 1
            ))),
        };
        if let Err(f) = result {
            crate::report(&f);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_name_their_operation_or_take_the_default() {
        let f = "in_port(1),eth(),eth_type(0x0800),ipv4(frag=no)";
        let l = format!("  {f} 1,2");
        assert_eq!(parse_line(Op::Add, &l), (Op::Add, Some(f), Some("1,2")));
        let l = format!("modify {f}   set(ipv4(ttl=1)),2 ");
        assert_eq!(
            parse_line(Op::Add, &l),
            (Op::Modify, Some(f), Some("set(ipv4(ttl=1)),2 "))
        );
        let l = format!("delete {f}");
        assert_eq!(parse_line(Op::Add, &l), (Op::Delete, Some(f), None));
        assert_eq!(parse_line(Op::Delete, f), (Op::Delete, Some(f), None));
        assert_eq!(parse_line(Op::Add, "del"), (Op::Delete, None, None));
        assert_eq!(
            parse_line(Op::Add, "mod ufid:1,in_port(1) 2"),
            (Op::Modify, Some("ufid:1,in_port(1)"), Some("2"))
        );
    }
}
