//! Flow commands.

use crate::ctx::Ctx;
use crate::errors::{CmdResult, Failure};

/// `dump-flows`.
pub fn dump_flows(_ctx: &Ctx, _args: &[String]) -> CmdResult {
    Err(Failure::plain("not yet"))
}
/// `add-flow`.
pub fn add_flow(_ctx: &Ctx, _args: &[String]) -> CmdResult {
    Err(Failure::plain("not yet"))
}
/// `mod-flow`.
pub fn mod_flow(_ctx: &Ctx, _args: &[String]) -> CmdResult {
    Err(Failure::plain("not yet"))
}
/// `get-flow`.
pub fn get_flow(_ctx: &Ctx, _args: &[String]) -> CmdResult {
    Err(Failure::plain("not yet"))
}
/// `del-flow`.
pub fn del_flow(_ctx: &Ctx, _args: &[String]) -> CmdResult {
    Err(Failure::plain("not yet"))
}
/// `del-flows`.
pub fn del_flows(_ctx: &Ctx, _args: &[String]) -> CmdResult {
    Err(Failure::plain("not yet"))
}
