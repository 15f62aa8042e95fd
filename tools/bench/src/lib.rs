//! ovsd-bench: benchmarks that run ovsd in process (a core served on a
//! temporary Unix socket) and drive it through its socket as ovs-vswitchd
//! does. Scenarios: `setup-rate`, `rtnl-contention`, `scale`; see
//! `docs/performance.md`.

#![deny(missing_docs)]

pub mod cli;
pub mod client;
pub mod cpu;
pub mod inproc;
pub mod latency;
pub mod load;
pub mod machine;
pub mod plot;
pub mod raw;
pub mod report;
pub mod requests;
pub mod scenarios;
pub mod server;
