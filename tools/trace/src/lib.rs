//! `ovsd-trace`: the conformance tooling of ovsd. It reads and writes traces
//! in the oracle's `nltrace 1` format, normalizes what legitimately differs
//! between runs (family and group ids, port ids, ifindexes, random MACs,
//! timestamps) by consistent mapping, decodes messages for display, diffs
//! them structurally, replays traces against ovsd (in process or over its
//! socket), and records `.nls` scenarios against a running ovsd or the running kernel.

#![deny(missing_docs)]

pub mod corpus;
pub mod decode;
pub mod diff;
pub mod divergences;
pub mod hex;
pub mod inject;
pub mod kernel;
pub mod nls;
pub mod norm;
pub mod record;
pub mod replay;
pub mod schema;
pub mod target;
pub mod trace;
