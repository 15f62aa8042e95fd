//! The machine the numbers were taken on, and this process's memory.

use serde::Serialize;

/// CPU, cores, memory and kernel of this machine.
#[derive(Clone, Debug, Serialize)]
pub struct Machine {
    /// `model name` from /proc/cpuinfo.
    pub cpu: String,
    /// Online CPUs.
    pub cpus: usize,
    /// `MemTotal` in KiB.
    pub mem_total_kib: u64,
    /// `/proc/sys/kernel/osrelease`.
    pub kernel: String,
}

fn read(path: &str) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

/// The value (in kB) of `field` in a `/proc/.../status`-style file.
fn kib(text: &str, field: &str) -> u64 {
    text.lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|rest| rest.trim_start_matches(':').split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

impl Machine {
    /// Reads /proc.
    pub fn detect() -> Machine {
        let cpuinfo = read("/proc/cpuinfo");
        let cpu = cpuinfo
            .lines()
            .find_map(|l| l.strip_prefix("model name"))
            .map(|r| r.trim_start_matches([' ', '\t', ':']).trim().to_string())
            .unwrap_or_else(|| "unknown".into());
        Machine {
            cpu,
            cpus: std::thread::available_parallelism().map_or(1, |n| n.get()),
            mem_total_kib: kib(&read("/proc/meminfo"), "MemTotal"),
            kernel: read("/proc/sys/kernel/osrelease").trim().to_string(),
        }
    }

    /// One line for tables.
    pub fn line(&self) -> String {
        format!(
            "{} × {}, {} MiB, Linux {}",
            self.cpus,
            self.cpu,
            self.mem_total_kib / 1024,
            self.kernel
        )
    }
}

/// This process's resident set (`VmRSS`) in KiB.
pub fn rss_kib() -> u64 {
    kib(&read("/proc/self/status"), "VmRSS")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_proc() {
        assert!(rss_kib() > 0);
        let m = Machine::detect();
        assert!(m.cpus >= 1);
        assert_eq!(kib("VmRSS:\t  1234 kB\n", "VmRSS"), 1234);
    }
}
