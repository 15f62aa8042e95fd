//! The `ovsd` binary: parse arguments, start logging, serve until SIGINT or
//! SIGTERM, then destroy the datapaths' net devices, remove the socket file
//! and exit 0. `ovsd stats` prints a running ovsd's lock instrumentation.

use anyhow::{Context, Result};
use clap::Parser;
use nix::sys::signal::{SigSet, Signal};
use ovsd::config::{default_socket_path, Args, Command, NetdevArg};
use ovsd::core::{Core, CoreConfig};
use ovsd::transport::Listener;
use std::sync::Arc;
use tracing::info;

fn main() {
    if let Err(e) = run() {
        eprintln!("ovsd: {e:#}");
        std::process::exit(1);
    }
}

fn run() -> Result<()> {
    let args = Args::parse();
    let path = args.socket.clone().unwrap_or_else(default_socket_path);
    if let Some(Command::Stats) = args.command {
        let json = ovsd::client::admin_stats(&path)
            .with_context(|| format!("cannot reach ovsd at {}", path.display()))?;
        println!("{json}");
        return Ok(());
    }
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();

    // Block the shutdown signals in every thread; one thread waits for them.
    let mut signals = SigSet::empty();
    signals.add(Signal::SIGINT);
    signals.add(Signal::SIGTERM);
    signals.thread_block()?;

    let backend = match args.netdev {
        Some(NetdevArg::Tap) => vport::backend_by_name("tap").map_err(anyhow::Error::msg)?,
        Some(NetdevArg::Virtual) => {
            vport::backend_by_name("virtual").map_err(anyhow::Error::msg)?
        }
        None => vport::default_backend(),
    };
    let rtnl = vport::Rtnl::new(args.rtnl_work);
    let _contention = args
        .rtnl_contention
        .map(|(hold, period)| rtnl.start_contention(hold, period));
    let listener = Arc::new(Listener::bind(&path)?);
    let gid = args
        .socket_group
        .as_deref()
        .map(ovsd::config::group_id)
        .transpose()
        .map_err(anyhow::Error::msg)?;
    listener
        .set_access(gid, args.socket_mode)
        .with_context(|| format!("cannot set the access of {}", path.display()))?;
    let core = Core::new(CoreConfig {
        kernel: args.kernel_version,
        rtnl,
        backend,
        locking: args.locking.into(),
        faults: ovsd::core::faults::Faults::new(args.fault.clone()),
        nr_cpu_ids: None,
        kmsg: Arc::new(if args.kmsg {
            ovsd::core::kmsg::Kmsg::open().context("--kmsg: cannot open /dev/kmsg")?
        } else {
            ovsd::core::kmsg::Kmsg::default()
        }),
    });
    info!(
        locking = ?core.locking(),
        rtnl_work = ?args.rtnl_work,
        contention = ?args.rtnl_contention,
        "starting"
    );

    let l = listener.clone();
    let c = core.clone();
    std::thread::Builder::new()
        .name("ovsd-signals".into())
        .spawn(move || {
            let sig = signals.wait();
            info!(signal = ?sig.ok(), "shutting down");
            l.remove_file();
            c.shutdown();
            std::process::exit(0);
        })?;

    listener.serve(core)?;
    Ok(())
}
