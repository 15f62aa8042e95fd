//! The scenarios: each runs its own ovsd, prints a table and returns the
//! JSON document that `main` writes.

pub mod contention;
pub mod scale;
pub mod setup_rate;

use crate::client::expect_ack;
use crate::requests::{datapath_new, Families};
use crate::server::Server;
use anyhow::{Context, Result};
use ovsd::client::NlSocket;

/// Creates datapath `name` on `server` through its socket; returns the
/// families and the datapath's ifindex.
pub fn datapath(server: &Server, name: &str) -> Result<(Families, i32)> {
    let fam = Families::of(&server.core);
    let mut s = NlSocket::connect(server.path())?;
    let ifindex =
        expect_ack(&mut s, &datapath_new(&fam, name))?.context("DP NEW echoed no datapath")?;
    Ok((fam, ifindex))
}
