//! The module's kernel log lines: what `OVS_NLERR` prints (`pr_info` of
//! `"openvswitch: netlink: ..."`, rate limited by `net_ratelimit`), written
//! to `/dev/kmsg` when ovsd is asked to (`--kmsg`, root only), so that tools
//! that count the module's messages with `dmesg` — the kernel selftests —
//! see them. Off by default: the kernel log is the host's, not ovsd's.

use std::fs::OpenOptions;
use std::io::{self, Write};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// `net_ratelimit`: `net.core.message_burst` messages per
/// `net.core.message_cost` (defaults 10 per 5 s).
const BURST: u32 = 10;
/// The rate-limit interval.
const INTERVAL: Duration = Duration::from_secs(5);

/// Where the module's log lines go.
pub struct Kmsg {
    inner: Mutex<Inner>,
}

struct Inner {
    out: Option<Box<dyn Write + Send>>,
    window_start: Option<Instant>,
    in_window: u32,
}

impl Default for Kmsg {
    /// Logging off.
    fn default() -> Self {
        Kmsg::with_writer(None)
    }
}

impl std::fmt::Debug for Kmsg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Kmsg").finish_non_exhaustive()
    }
}

impl Kmsg {
    /// Writes to `/dev/kmsg` (needs root, or `CAP_SYSLOG` and write access).
    pub fn open() -> io::Result<Kmsg> {
        let f = OpenOptions::new().write(true).open("/dev/kmsg")?;
        Ok(Kmsg::with_writer(Some(Box::new(f))))
    }

    /// Writes each record to `out` (one `write` per record, as `/dev/kmsg`
    /// wants), or nowhere.
    pub fn with_writer(out: Option<Box<dyn Write + Send>>) -> Kmsg {
        Kmsg {
            inner: Mutex::new(Inner {
                out,
                window_start: None,
                in_window: 0,
            }),
        }
    }

    /// `OVS_NLERR(logging_allowed, msg)`: logs `msg` at `KERN_INFO` when
    /// logging is allowed and the rate limit lets it through.
    pub fn nlerr(&self, logging_allowed: bool, msg: &str) {
        if !logging_allowed {
            return;
        }
        let mut g = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        if g.out.is_none() {
            return;
        }
        // ___ratelimit
        let now = Instant::now();
        match g.window_start {
            Some(t) if now.duration_since(t) < INTERVAL => {}
            _ => {
                g.window_start = Some(now);
                g.in_window = 0;
            }
        }
        if g.in_window >= BURST {
            return;
        }
        g.in_window += 1;
        let record = format!("<6>openvswitch: netlink: {msg}\n");
        if let Some(out) = g.out.as_mut() {
            let _ = out.write_all(record.as_bytes());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    /// A writer tests can read back.
    #[derive(Clone, Default)]
    struct Shared(Arc<Mutex<Vec<u8>>>);

    impl Write for Shared {
        fn write(&mut self, b: &[u8]) -> io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn records_are_the_modules_and_rate_limited() {
        let buf = Shared::default();
        let k = Kmsg::with_writer(Some(Box::new(buf.clone())));
        k.nlerr(false, "probe: not logged");
        for _ in 0..15 {
            k.nlerr(
                true,
                "Flow actions may not be safe on all matching packets.",
            );
        }
        let text = String::from_utf8(buf.0.lock().unwrap().clone()).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 10, "net_ratelimit's burst");
        assert_eq!(
            lines[0],
            "<6>openvswitch: netlink: Flow actions may not be safe on all matching packets."
        );
    }

    #[test]
    fn off_by_default() {
        Kmsg::default().nlerr(true, "nothing happens");
    }
}
