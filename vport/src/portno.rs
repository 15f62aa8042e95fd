//! Port-number allocation per datapath, as `ovs_vport_cmd_new` does it.

use genl::Errno;

/// Port numbers are below this (`DP_MAX_PORTS`, `USHRT_MAX`).
pub const DP_MAX_PORTS: u32 = 65535;

const WORDS: usize = (DP_MAX_PORTS as usize).div_ceil(64);

/// The set of port numbers in use in one datapath (a bitset of
/// [`DP_MAX_PORTS`] bits). Port 0 is the local port.
#[derive(Clone)]
pub struct PortNumbers {
    bits: Box<[u64; WORDS]>,
    used: u32,
}

impl Default for PortNumbers {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for PortNumbers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

impl PortNumbers {
    /// No port in use.
    pub fn new() -> Self {
        PortNumbers {
            bits: Box::new([0; WORDS]),
            used: 0,
        }
    }

    /// Whether `n` is in use.
    pub fn contains(&self, n: u32) -> bool {
        n < DP_MAX_PORTS && self.bits[n as usize / 64] & (1 << (n % 64)) != 0
    }

    /// How many numbers are in use.
    pub fn len(&self) -> usize {
        self.used as usize
    }

    /// Whether no number is in use.
    pub fn is_empty(&self) -> bool {
        self.used == 0
    }

    /// The numbers in use, ascending.
    pub fn iter(&self) -> impl Iterator<Item = u32> + '_ {
        (0..DP_MAX_PORTS).filter(|&n| self.contains(n))
    }

    fn set(&mut self, n: u32) {
        self.bits[n as usize / 64] |= 1 << (n % 64);
        self.used += 1;
    }

    /// Allocates a port number (`ovs_vport_cmd_new`): `None` or `Some(0)`
    /// take the lowest free number ≥ 1, `EFBIG` if none is free; `Some(n)`
    /// takes `n`: `EFBIG` if `n ≥ DP_MAX_PORTS`, `EBUSY` if it is in use.
    pub fn alloc(&mut self, requested: Option<u32>) -> Result<u32, Errno> {
        match requested.unwrap_or(0) {
            0 => {
                let n = self.lowest_free_from_1().ok_or(Errno::EFBIG)?;
                self.set(n);
                Ok(n)
            }
            n if n >= DP_MAX_PORTS => Err(Errno::EFBIG),
            n if self.contains(n) => Err(Errno::EBUSY),
            n => {
                self.set(n);
                Ok(n)
            }
        }
    }

    /// Takes port 0, the local port (`new_vport` in `ovs_dp_cmd_new`);
    /// `EBUSY` if it is taken.
    pub fn reserve_local(&mut self) -> Result<(), Errno> {
        if self.contains(0) {
            return Err(Errno::EBUSY);
        }
        self.set(0);
        Ok(())
    }

    /// Frees `n`; returns whether it was in use.
    pub fn free(&mut self, n: u32) -> bool {
        if !self.contains(n) {
            return false;
        }
        self.bits[n as usize / 64] &= !(1 << (n % 64));
        self.used -= 1;
        true
    }

    fn lowest_free_from_1(&self) -> Option<u32> {
        // Bit 0 (the local port) never counts as free here.
        self.bits.iter().enumerate().find_map(|(i, &w)| {
            let w = if i == 0 { w | 1 } else { w };
            let n = i as u32 * 64 + (!w).trailing_zeros();
            (w != u64::MAX && n < DP_MAX_PORTS).then_some(n)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auto_is_lowest_free_from_one() {
        let mut p = PortNumbers::new();
        assert_eq!(p.alloc(None), Ok(1));
        assert_eq!(p.alloc(Some(0)), Ok(2));
        assert_eq!(p.alloc(None), Ok(3));
        assert!(!p.contains(0));
        p.reserve_local().unwrap();
        assert_eq!(p.reserve_local(), Err(Errno::EBUSY));
        assert_eq!(p.alloc(None), Ok(4));
        assert_eq!(p.len(), 5);
    }

    #[test]
    fn freed_numbers_are_reused_lowest_first() {
        let mut p = PortNumbers::new();
        for want in 1..=10 {
            assert_eq!(p.alloc(None), Ok(want));
        }
        assert!(p.free(7));
        assert!(p.free(3));
        assert!(!p.free(3));
        assert_eq!(p.alloc(None), Ok(3));
        assert_eq!(p.alloc(None), Ok(7));
        assert_eq!(p.alloc(None), Ok(11));
        assert!(p.free(11));
        assert_eq!(p.alloc(Some(11)), Ok(11));
    }

    #[test]
    fn explicit_numbers() {
        let mut p = PortNumbers::new();
        assert_eq!(p.alloc(Some(100)), Ok(100));
        assert_eq!(p.alloc(Some(100)), Err(Errno::EBUSY));
        assert_eq!(p.alloc(Some(65534)), Ok(65534));
        assert_eq!(p.alloc(Some(65535)), Err(Errno::EFBIG));
        assert_eq!(p.alloc(Some(u32::MAX)), Err(Errno::EFBIG));
        assert_eq!(p.alloc(None), Ok(1));
        assert_eq!(p.iter().collect::<Vec<_>>(), vec![1, 100, 65534]);
        assert!(!p.contains(65535));
        assert!(!p.free(65535));
    }

    #[test]
    fn full_datapath_is_efbig() {
        let mut p = PortNumbers::new();
        p.reserve_local().unwrap();
        for want in 1..DP_MAX_PORTS {
            assert_eq!(p.alloc(None), Ok(want));
        }
        assert_eq!(p.len(), 65535);
        assert_eq!(p.alloc(None), Err(Errno::EFBIG));
        assert_eq!(p.alloc(Some(5)), Err(Errno::EBUSY));
        p.free(64);
        assert_eq!(p.alloc(None), Ok(64));
        // Freeing the local port does not make auto allocation use it.
        p.free(0);
        assert_eq!(p.alloc(None), Err(Errno::EFBIG));
        assert!(!p.is_empty());
    }
}
