//! Harness for the ovsd whole-daemon and real-client tests.
//!
//! The tests start the release build of `ovsd` on a fresh socket in a
//! temporary directory, run unmodified netlink clients (iproute2 `genl`,
//! `ovs-dpctl`, CPython, pyroute2) with `libovsd_preload.so` preloaded, and
//! check what a user would see. The binaries come from `cargo build
//! --release --workspace`; `scripts/test.sh` builds them before running the
//! tests.
//!
//! Missing client programs are a loud skip on a developer machine and a
//! failure in CI (`CI=true`); see [`prereq`].

#![warn(missing_docs)]

pub mod client;
pub mod daemon;
pub mod dpctl;
pub mod dpctl_expected;
pub mod env;
pub mod expected;
pub mod genl_text;
pub mod genl_wire;
pub mod hosts;
pub mod links;
pub mod loadgen;
pub mod native;
pub mod netns;
pub mod ovs_raw;
pub mod paths;
pub mod prereq;
pub mod procstat;
pub mod python;
pub mod replay;
pub mod selftest;
pub mod transcript;
pub mod unix;
pub mod vswitchd;

pub use client::{run, Outcome, CLIENT_TIMEOUT};
pub use daemon::Daemon;
pub use env::TestEnv;
