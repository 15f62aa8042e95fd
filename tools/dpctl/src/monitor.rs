//! `monitor`.

use crate::ctx::Ctx;
use crate::errors::{CmdResult, Failure};

/// `monitor`.
pub fn monitor(_ctx: &Ctx, _args: &[String]) -> CmdResult {
    Err(Failure::plain("not yet"))
}
