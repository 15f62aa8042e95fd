//! ovs-dpctl's WARN log lines (`TIMESTAMP|00001|dpif|WARN|…`) on stderr,
//! for failures it logs before its error message.

use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// `YYYY-MM-DDTHH:MM:SSZ` for now (UTC).
pub fn timestamp() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs()) as i64;
    let (days, rem) = (secs.div_euclid(86400), secs.rem_euclid(86400));
    // Civil from days (Howard Hinnant's algorithm).
    let z = days + 719468;
    let era = z.div_euclid(146097);
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem / 60 % 60,
        rem % 60
    )
}

static SEQ: AtomicU32 = AtomicU32::new(0);
static NO_MODULE_SAID: AtomicBool = AtomicBool::new(false);

/// Prints one log line as OVS's vlog does on stderr:
/// `TIMESTAMP|SEQ|module|LEVEL|text`.
pub fn log(module: &str, level: &str, text: &str) {
    let seq = SEQ.fetch_add(1, Ordering::Relaxed) + 1;
    eprintln!("{}|{seq:05}|{module}|{level}|{text}", timestamp());
}

/// Prints a `dpif|WARN` line as ovs-dpctl's log does.
pub fn warn(text: &str) {
    log("dpif", "WARN", text);
}

/// ovs-dpctl's note (once per run) when a datapath has no OVS families.
pub fn no_module(family: &str) {
    if !NO_MODULE_SAID.swap(true, Ordering::Relaxed) {
        log(
            "dpif_netlink",
            "INFO",
            &format!(
                "Generic Netlink family '{family}' does not exist. \
                 The Open vSwitch kernel module is probably not loaded."
            ),
        );
    }
}
