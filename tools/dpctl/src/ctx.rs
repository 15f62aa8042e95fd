//! What every command gets: the options and a way to open the datapath
//! provider.

use crate::dpif::{DpInfo, Dpif};
use crate::errors::Failure;
use crate::nl::Client;
use crate::target::Choice;

/// Options shared by the commands (ovs-dpctl's, plus `--json`).
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// `-s`: print statistics.
    pub statistics: bool,
    /// `-m` count: verbosity.
    pub verbosity: u8,
    /// Port names instead of numbers (`--names`; default with `-m`).
    pub names: bool,
    /// `--clear`: zero the flow's statistics on `mod-flow`.
    pub clear: bool,
    /// `--may-create`: `mod-flow` may create the flow.
    pub may_create: bool,
    /// `--json`: machine-readable output.
    pub json: bool,
    /// `--count N`: `monitor` and `upcalls` stop after N events.
    pub count: Option<u64>,
}

/// The running command's context.
pub struct Ctx {
    /// Options.
    pub opts: Options,
    /// Where to connect.
    pub target: Choice,
}

/// Strips an optional `system@` prefix from a datapath name.
pub fn dp_name(arg: &str) -> &str {
    arg.strip_prefix("system@").unwrap_or(arg)
}

impl Ctx {
    /// Opens a new connection and resolves the OVS families.
    pub fn dpif(&self) -> Result<Dpif, crate::nl::Errno> {
        let sock = self.target.open()?;
        Dpif::new(Client::new(sock))
    }

    /// Opens the connection and looks up datapath `arg` ("opening
    /// datapath" errors as ovs-dpctl reports them).
    pub fn open_dp(&self, arg: &str) -> Result<(Dpif, DpInfo), Failure> {
        let mut dpif = self
            .dpif()
            .map_err(|e| Failure::new("opening datapath", e.0))?;
        let dp = dpif
            .get_dp(dp_name(arg))
            .map_err(|e| Failure::new("opening datapath", e.0))?;
        Ok((dpif, dp))
    }

    /// ovs-dpctl's optional datapath argument: `args[0]` if it names a
    /// datapath, else the only datapath when the argument count allows.
    /// Returns the datapath and how many arguments it used.
    pub fn opt_dp(
        &self,
        args: &[String],
        max_args: usize,
    ) -> Result<(Dpif, DpInfo, usize), Failure> {
        let mut dpif = self
            .dpif()
            .map_err(|e| Failure::new("opening datapath", e.0))?;
        let dps = dpif.list_dps().unwrap_or_default();
        if let Some(first) = args.first() {
            if let Some(dp) = dps.iter().find(|d| d.name == dp_name(first)) {
                return Ok((dpif, dp.clone(), 1));
            }
        }
        // ovs-dpctl counts the command itself in argc.
        if args.len() + 1 == max_args {
            return Err(Failure::new("datapath not found", libc::EINVAL));
        }
        match dps.len() {
            1 => Ok((dpif, dps[0].clone(), 0)),
            0 => {
                Err(Failure::new("datapath not found", libc::EINVAL).with_log("no datapaths exist"))
            }
            _ => Err(Failure::new("datapath not found", libc::EINVAL)
                .with_log("multiple datapaths, specify one")),
        }
    }
}
