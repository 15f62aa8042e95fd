//! `ovsd-dpctl`: ovs-dpctl for ovsd and kernel datapaths.

use clap::{ArgAction, Parser};
use ovsd_dpctl::ctx::{Ctx, Options};
use ovsd_dpctl::target::Choice;
use std::path::PathBuf;
use std::process::ExitCode;

/// The commands, for `--help`.
const COMMANDS_HELP: &str = "\
Commands:
  add-dp DP [IFACE...]                 create a datapath
  del-dp DP                            delete it
  dump-dps                             list datapaths
  show [-s] [DP...]                    datapaths, counters and ports
  add-if DP IFACE[,type=T][,OPT=V]...  add ports (system, internal, vxlan, geneve, gre)
  set-if DP IFACE[,OPT=V]...           check or change port options
  del-if DP IFACE...                   delete ports
  dump-flows [-m] [DP] [filter=MATCH]  print flows (MATCH: OpenFlow syntax)
  add-flow [DP] FLOW ACTIONS           install a flow
  mod-flow [DP] FLOW ACTIONS           change its actions (--clear, --may-create)
  get-flow [DP] ufid:UFID              print one flow
  del-flow [DP] FLOW                   delete one flow
  del-flows [DP]                       delete every flow
  add-flows|mod-flows|del-flows [DP] FILE
                                       flows from FILE, one per line
  monitor                              print datapath/port/flow notifications
  upcalls DP [PORT]                    listen for MISS/ACTION upcalls
  execute [DP] FLOW ACTIONS PACKET     run actions on a hex packet
See tools/dpctl/README.md.";

/// ovs-dpctl's command line, plus `--json`, `--count`, `--kernel`,
/// `--socket`.
#[derive(Debug, Parser)]
#[command(name = "ovsd-dpctl", version, about, after_help = COMMANDS_HELP)]
struct Args {
    /// Talk to the running kernel over AF_NETLINK instead of ovsd.
    #[arg(long)]
    kernel: bool,
    /// ovsd's socket (default: $OVSD_SOCKET, then ovsd's default path).
    #[arg(long, value_name = "PATH")]
    socket: Option<PathBuf>,
    /// Print statistics (show, add-flow, mod-flow, del-flow).
    #[arg(short = 's', long = "statistics")]
    statistics: bool,
    /// Print more (-m: every field, port names, UFIDs).
    #[arg(short = 'm', long = "more", action = ArgAction::Count)]
    more: u8,
    /// Print port names instead of numbers.
    #[arg(long)]
    names: bool,
    /// Print port numbers.
    #[arg(long = "no-names")]
    no_names: bool,
    /// mod-flow: reset the flow's statistics.
    #[arg(long)]
    clear: bool,
    /// mod-flow: create the flow if it does not exist.
    #[arg(long = "may-create")]
    may_create: bool,
    /// JSON output (show, dump-dps, dump-flows, monitor, upcalls).
    #[arg(long)]
    json: bool,
    /// monitor, upcalls: exit after N events.
    #[arg(long, value_name = "N")]
    count: Option<u64>,
    /// The command.
    command: String,
    /// Its arguments.
    #[arg(allow_hyphen_values = false)]
    args: Vec<String>,
}

fn main() -> ExitCode {
    let a = Args::parse();
    let names = if a.no_names {
        false
    } else {
        a.names || a.more > 0
    };
    let ctx = Ctx {
        opts: Options {
            statistics: a.statistics,
            verbosity: a.more,
            names,
            clear: a.clear,
            may_create: a.may_create,
            json: a.json,
            count: a.count,
        },
        target: Choice::from_args(a.kernel, a.socket),
    };
    match ovsd_dpctl::commands::dispatch(&ctx, &a.command, &a.args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            ovsd_dpctl::report(&f);
            ExitCode::FAILURE
        }
    }
}
