//! Device counters from `/proc/net/dev` of the current network namespace.

use super::DevStats;

/// The counters of `name` in `/proc/net/dev` text, if it is listed.
pub(crate) fn parse(text: &str, name: &str) -> Option<DevStats> {
    text.lines().skip(2).find_map(|line| {
        let (dev, rest) = line.split_once(':')?;
        if dev.trim() != name {
            return None;
        }
        let f: Vec<u64> = rest
            .split_whitespace()
            .map(|v| v.parse().unwrap_or(0))
            .collect();
        let at = |i: usize| f.get(i).copied().unwrap_or(0);
        // Receive: bytes packets errs drop fifo frame compressed multicast;
        // transmit: bytes packets errs drop fifo colls carrier compressed.
        Some(DevStats {
            rx_packets: at(1),
            tx_packets: at(9),
            rx_bytes: at(0),
            tx_bytes: at(8),
            rx_errors: at(2),
            tx_errors: at(10),
            rx_dropped: at(3),
            tx_dropped: at(11),
        })
    })
}

/// The counters of device `name` now; zero if it is not listed.
///
/// `/proc/thread-self/net` follows the calling thread's namespace, where
/// `/proc/net` would follow the main thread's.
pub(crate) fn read(name: &str) -> DevStats {
    ["/proc/thread-self/net/dev", "/proc/net/dev"]
        .iter()
        .find_map(|p| std::fs::read_to_string(p).ok())
        .and_then(|text| parse(&text, name))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "\
Inter-|   Receive                                                |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
    lo:    1000      10    0    0    0     0          0         0     1000      10    0    0    0     0       0          0
  eth0: 123456789  4242    1    2    0     0          0         7  9876543    3131    3    4    0     0       0          0
verylongname123:5 6 7 8 0 0 0 0 9 10 11 12 0 0 0 0
";

    #[test]
    fn parses_a_device_line() {
        assert_eq!(
            parse(SAMPLE, "eth0"),
            Some(DevStats {
                rx_packets: 4242,
                tx_packets: 3131,
                rx_bytes: 123456789,
                tx_bytes: 9876543,
                rx_errors: 1,
                tx_errors: 3,
                rx_dropped: 2,
                tx_dropped: 4,
            })
        );
        let v = parse(SAMPLE, "verylongname123").unwrap();
        assert_eq!(
            (v.rx_bytes, v.rx_packets, v.tx_bytes, v.tx_dropped),
            (5, 6, 9, 12)
        );
        assert_eq!(parse(SAMPLE, "eth"), None);
        assert_eq!(parse(SAMPLE, "face |bytes"), None);
    }

    #[test]
    fn reads_loopback() {
        // `lo` is always listed; its counters are whatever they are.
        let text = std::fs::read_to_string("/proc/net/dev").unwrap();
        assert!(parse(&text, "lo").is_some());
        let _ = read("lo");
        assert_eq!(read("no-such-dev0"), DevStats::default());
    }
}
