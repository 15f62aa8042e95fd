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
        let d = Dpif::new(Client::new(sock));
        if let Err(e) = &d {
            if e.0 == libc::ENOENT {
                crate::log::no_module(genl::ovs::datapath::NAME);
            }
        }
        d
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

    /// True when `arg` names an existing datapath (`dp_exists`; failing to
    /// enumerate is dpif's warning).
    pub fn dp_exists(&self, arg: &str) -> bool {
        match self.dpif().and_then(|mut d| d.list_dps()) {
            Ok(dps) => dps.iter().any(|d| d.name == dp_name(arg)),
            Err(e) => {
                crate::log::warn(&format!(
                    "failed to enumerate system datapaths: {}",
                    e.text()
                ));
                false
            }
        }
    }

    /// ovs-dpctl's optional datapath argument: `args[0]` if it names a
    /// datapath, else the only datapath when the argument count allows.
    /// Returns the datapath and how many arguments it used.
    pub fn opt_dp(
        &self,
        args: &[String],
        max_args: usize,
    ) -> Result<(Dpif, DpInfo, usize), Failure> {
        // dp_arg_exists (with an argument) and get_one_dp (without a
        // datapath argument) each enumerate the datapaths; a failure is
        // dpif's warning each time, and means none.
        let mut dpif = self.dpif();
        let listed = match &mut dpif {
            Ok(d) => d.list_dps(),
            Err(e) => Err(*e),
        };
        let warn = || {
            if let Err(e) = &listed {
                crate::log::warn(&format!(
                    "failed to enumerate system datapaths: {}",
                    e.text()
                ));
            }
        };
        if !args.is_empty() {
            warn();
        }
        let dps = listed.clone().unwrap_or_default();
        let open = |d: Result<Dpif, crate::nl::Errno>| {
            d.map_err(|e| Failure::new("opening datapath", e.0))
        };
        if let Some(first) = args.first() {
            if let Some(dp) = dps.iter().find(|x| x.name == dp_name(first)) {
                return Ok((open(dpif)?, dp.clone(), 1));
            }
        }
        // ovs-dpctl counts the command itself in argc.
        if args.len() + 1 == max_args {
            return Err(Failure::new("datapath not found", libc::EINVAL));
        }
        warn();
        match dps.len() {
            1 => Ok((open(dpif)?, dps[0].clone(), 0)),
            0 => {
                Err(Failure::new("datapath not found", libc::EINVAL).with_log("no datapaths exist"))
            }
            _ => Err(Failure::new("datapath not found", libc::EINVAL)
                .with_log("multiple datapaths, specify one")),
        }
    }
}
