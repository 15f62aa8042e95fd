//! The commands, one module per group, and the table that dispatches them.

pub mod dp;
pub mod dump_flows;
pub mod execute;
pub mod flow;
pub mod flow_file;
pub mod port;
pub mod show;
pub mod tunnel;

use crate::ctx::Ctx;
use crate::errors::{CmdResult, Failure};

/// A command: name, minimum and maximum argument counts, handler.
pub struct Command {
    /// Its name on the command line.
    pub name: &'static str,
    /// Fewest arguments.
    pub min: usize,
    /// Most arguments.
    pub max: usize,
    /// The handler.
    pub run: fn(&Ctx, &[String]) -> CmdResult,
}

/// Every command.
pub const COMMANDS: &[Command] = &[
    Command {
        name: "add-dp",
        min: 1,
        max: usize::MAX,
        run: dp::add_dp,
    },
    Command {
        name: "del-dp",
        min: 1,
        max: 1,
        run: dp::del_dp,
    },
    Command {
        name: "dump-dps",
        min: 0,
        max: 0,
        run: dp::dump_dps,
    },
    Command {
        name: "show",
        min: 0,
        max: usize::MAX,
        run: show::show,
    },
    Command {
        name: "add-if",
        min: 2,
        max: usize::MAX,
        run: port::add_if,
    },
    Command {
        name: "set-if",
        min: 2,
        max: usize::MAX,
        run: port::set_if,
    },
    Command {
        name: "del-if",
        min: 2,
        max: usize::MAX,
        run: port::del_if,
    },
    Command {
        name: "add-flows",
        min: 1,
        max: 2,
        run: flow_file::add_flows,
    },
    Command {
        name: "mod-flows",
        min: 1,
        max: 2,
        run: flow_file::mod_flows,
    },
    Command {
        name: "dump-flows",
        min: 0,
        max: 3,
        run: dump_flows::dump_flows,
    },
    Command {
        name: "add-flow",
        min: 2,
        max: 3,
        run: flow::add_flow,
    },
    Command {
        name: "mod-flow",
        min: 2,
        max: 3,
        run: flow::mod_flow,
    },
    Command {
        name: "get-flow",
        min: 1,
        max: 2,
        run: flow::get_flow,
    },
    Command {
        name: "del-flow",
        min: 1,
        max: 2,
        run: flow::del_flow,
    },
    Command {
        name: "del-flows",
        min: 0,
        max: 2,
        run: flow::del_flows,
    },
    Command {
        name: "execute",
        min: 3,
        max: 4,
        run: execute::execute,
    },
    Command {
        name: "monitor",
        min: 0,
        max: 0,
        run: crate::monitor::monitor,
    },
    Command {
        name: "upcalls",
        min: 1,
        max: 2,
        run: crate::upcalls::upcalls,
    },
];

/// Runs `name` with `args`, checking the argument count as ovs-dpctl does.
pub fn dispatch(ctx: &Ctx, name: &str, args: &[String]) -> CmdResult {
    let Some(cmd) = COMMANDS.iter().find(|c| c.name == name) else {
        return Err(Failure::plain(format!(
            "unknown command '{name}'; use --help for help"
        )));
    };
    if args.len() < cmd.min {
        return Err(Failure::plain(format!(
            "'{name}' command requires at least {} arguments",
            cmd.min
        )));
    }
    if args.len() > cmd.max {
        return Err(Failure::plain(format!(
            "'{name}' command takes at most {} arguments",
            cmd.max
        )));
    }
    (cmd.run)(ctx, args)
}
