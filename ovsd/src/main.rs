//! The `ovsd` binary: parse arguments, start logging, serve until SIGINT or
//! SIGTERM, then remove the socket file and exit 0.

use anyhow::Result;
use clap::Parser;
use nix::sys::signal::{SigSet, Signal};
use ovsd::config::{default_socket_path, Args};
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

    let path = args.socket.clone().unwrap_or_else(default_socket_path);
    let listener = Arc::new(Listener::bind(&path)?);
    let core = Core::new(CoreConfig {
        kernel: args.kernel_version,
    });

    let l = listener.clone();
    std::thread::Builder::new()
        .name("ovsd-signals".into())
        .spawn(move || {
            let sig = signals.wait();
            info!(signal = ?sig.ok(), "shutting down");
            l.remove_file();
            std::process::exit(0);
        })?;

    listener.serve(core)?;
    Ok(())
}
