//! `upcalls`.

use crate::ctx::Ctx;
use crate::errors::{CmdResult, Failure};

/// `upcalls`.
pub fn upcalls(_ctx: &Ctx, _args: &[String]) -> CmdResult {
    Err(Failure::plain("not yet"))
}
