//! OVS's datapath flow syntax (`lib/odp-util.c`): flow keys with masks
//! and action lists, parsed into netlink attributes and printed from them.

pub mod actions_format;
pub mod actions_parse;
pub mod attrs;
pub mod fields;
pub mod key_format;
pub mod key_parse;
pub mod lex;
pub mod tunnel_format;
pub mod tunnel_parse;
pub mod util;

#[cfg(test)]
mod robustness_tests;

pub use actions_format::format_actions;
pub use actions_parse::parse_actions;
pub use key_format::format_flow;
pub use key_parse::{format_ufid, parse_flow, split_ufid};
pub use lex::ParseError;
