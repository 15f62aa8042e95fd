//! Lock-free device counters for devices without a kernel counterpart.

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

use super::DevStats;

/// Atomic per-device counters, bumped from the packet path.
#[derive(Debug, Default)]
pub struct DevCounters {
    rx_packets: AtomicU64,
    tx_packets: AtomicU64,
    rx_bytes: AtomicU64,
    tx_bytes: AtomicU64,
    rx_errors: AtomicU64,
    tx_errors: AtomicU64,
    rx_dropped: AtomicU64,
    tx_dropped: AtomicU64,
}

impl DevCounters {
    /// Counts one packet of `bytes` received by the device.
    pub fn rx(&self, bytes: usize) {
        self.rx_packets.fetch_add(1, Relaxed);
        self.rx_bytes.fetch_add(bytes as u64, Relaxed);
    }

    /// Counts one packet of `bytes` sent by the device.
    pub fn tx(&self, bytes: usize) {
        self.tx_packets.fetch_add(1, Relaxed);
        self.tx_bytes.fetch_add(bytes as u64, Relaxed);
    }

    /// Counts a receive error.
    pub fn rx_error(&self) {
        self.rx_errors.fetch_add(1, Relaxed);
    }

    /// Counts a transmit error.
    pub fn tx_error(&self) {
        self.tx_errors.fetch_add(1, Relaxed);
    }

    /// Counts a received packet dropped.
    pub fn rx_drop(&self) {
        self.rx_dropped.fetch_add(1, Relaxed);
    }

    /// Counts a packet dropped on transmit.
    pub fn tx_drop(&self) {
        self.tx_dropped.fetch_add(1, Relaxed);
    }

    /// The counters now (each read atomically, not all together).
    pub fn snapshot(&self) -> DevStats {
        DevStats {
            rx_packets: self.rx_packets.load(Relaxed),
            tx_packets: self.tx_packets.load(Relaxed),
            rx_bytes: self.rx_bytes.load(Relaxed),
            tx_bytes: self.tx_bytes.load(Relaxed),
            rx_errors: self.rx_errors.load(Relaxed),
            tx_errors: self.tx_errors.load(Relaxed),
            rx_dropped: self.rx_dropped.load(Relaxed),
            tx_dropped: self.tx_dropped.load(Relaxed),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts() {
        let c = DevCounters::default();
        c.rx(100);
        c.rx(50);
        c.tx(60);
        c.rx_error();
        c.tx_error();
        c.rx_drop();
        c.tx_drop();
        c.tx_drop();
        assert_eq!(
            c.snapshot(),
            DevStats {
                rx_packets: 2,
                tx_packets: 1,
                rx_bytes: 150,
                tx_bytes: 60,
                rx_errors: 1,
                tx_errors: 1,
                rx_dropped: 1,
                tx_dropped: 2,
            }
        );
    }
}
