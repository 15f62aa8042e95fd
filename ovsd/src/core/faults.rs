//! Fault injection for people testing their netlink clients: make chosen
//! commands fail with an errno, or spend extra time inside their critical
//! section (holding the lock the command takes: `ovs_mutex` for datapath and
//! vport writes, the flow table's mutex — or `ovs_mutex` in legacy mode —
//! for flow commands), so error paths and races can be reproduced
//! deterministically.
//!
//! Rules are written `FAMILY:CMD:ACTION`: `ovs_flow:new:errno=ENOSPC`,
//! `ovs_vport:*:delay=200ms`, `ovs_datapath:3:errno=12`. CMD is a command
//! number, `new`/`del`/`get`/`set`/`execute`/`miss`/`action`, or `*`.
//!
//! Upcalls can be dropped on purpose: `ovs_packet:miss:drop` (every MISS
//! upcall), `ovs_packet:action:drop` (every ACTION upcall),
//! `ovs_packet:*:drop`. A dropped upcall is lost as if its receiver's queue
//! were full (`n_lost` and the port's upcall failure counter count it), but
//! the receiver is not told (no `ENOBUFS`): the message vanished in
//! transit.

use genl::Errno;
use std::time::Duration;

/// What a rule does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// Fail the command with this errno (after attribute validation, before
    /// the command runs).
    Errno(Errno),
    /// Sleep this long inside the command's critical section.
    Delay(Duration),
    /// Drop the upcall (`ovs_packet` MISS/ACTION only).
    Drop,
}

/// One rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FaultRule {
    /// Family name (`ovs_flow`, …).
    pub family: String,
    /// Command number, or None for every command.
    pub cmd: Option<u8>,
    /// The fault.
    pub fault: Fault,
}

fn errno_by_name(s: &str) -> Option<i32> {
    Some(match s {
        "EPERM" => 1,
        "ENOENT" => 2,
        "EINTR" => 4,
        "EIO" => 5,
        "ENOMEM" => 12,
        "EBUSY" => 16,
        "EEXIST" => 17,
        "ENODEV" => 19,
        "EINVAL" => 22,
        "EFBIG" => 27,
        "ENOSPC" => 28,
        "ERANGE" => 34,
        "EOVERFLOW" => 75,
        "EMSGSIZE" => 90,
        "EOPNOTSUPP" => 95,
        "ENOBUFS" => 105,
        "ETIMEDOUT" => 110,
        _ => return None,
    })
}

impl std::str::FromStr for FaultRule {
    type Err = String;

    /// Parses `FAMILY:CMD:errno=E` or `FAMILY:CMD:delay=DURATION`.
    fn from_str(s: &str) -> Result<FaultRule, String> {
        let bad = || {
            format!(
                "bad fault rule {s:?} (want FAMILY:CMD:errno=ENAME|N, FAMILY:CMD:delay=DURATION \
                 or ovs_packet:miss|action|*:drop)"
            )
        };
        let mut it = s.splitn(3, ':');
        let (Some(family), Some(cmd), Some(action)) = (it.next(), it.next(), it.next()) else {
            return Err(bad());
        };
        let cmd = match cmd {
            "*" => None,
            "new" => Some(1),
            "del" => Some(2),
            "get" => Some(3),
            "set" => Some(4),
            "execute" => Some(3),
            "miss" => Some(1),
            "action" => Some(2),
            n => Some(n.parse().map_err(|_| bad())?),
        };
        let fault = match action.split_once('=') {
            Some(("errno", e)) => {
                let n = errno_by_name(e)
                    .or_else(|| e.parse().ok())
                    .filter(|n| *n > 0)
                    .ok_or_else(bad)?;
                Fault::Errno(Errno(n))
            }
            Some(("delay", d)) => Fault::Delay(vport::parse_duration(d)?),
            None if action == "drop" && family == "ovs_packet" => Fault::Drop,
            _ => return Err(bad()),
        };
        Ok(FaultRule {
            family: family.to_string(),
            cmd,
            fault,
        })
    }
}

/// The configured rules.
#[derive(Clone, Debug, Default)]
pub struct Faults {
    rules: Vec<FaultRule>,
}

impl Faults {
    /// Rules, applied in order (the first matching errno wins; delays add).
    pub fn new(rules: Vec<FaultRule>) -> Faults {
        Faults { rules }
    }

    fn matching<'a>(
        &'a self,
        family: &'a str,
        cmd: u8,
    ) -> impl Iterator<Item = &'a FaultRule> + 'a {
        self.rules
            .iter()
            .filter(move |r| r.family == family && r.cmd.is_none_or(|c| c == cmd))
    }

    /// The errno to fail `family`/`cmd` with, if any.
    pub fn errno(&self, family: &str, cmd: u8) -> Option<Errno> {
        self.matching(family, cmd).find_map(|r| match r.fault {
            Fault::Errno(e) => Some(e),
            Fault::Delay(_) | Fault::Drop => None,
        })
    }

    /// True when upcalls of `cmd` (`OVS_PACKET_CMD_MISS`/`ACTION`) are to
    /// be dropped.
    pub fn drop_upcall(&self, cmd: u8) -> bool {
        !self.rules.is_empty()
            && self
                .matching("ovs_packet", cmd)
                .any(|r| r.fault == Fault::Drop)
    }

    /// Sleeps the delays configured for `family`/`cmd` (call it inside the
    /// command's critical section).
    pub fn delay(&self, family: &str, cmd: u8) {
        if self.rules.is_empty() {
            return;
        }
        let total: Duration = self
            .matching(family, cmd)
            .filter_map(|r| match r.fault {
                Fault::Delay(d) => Some(d),
                Fault::Errno(_) | Fault::Drop => None,
            })
            .sum();
        if !total.is_zero() {
            std::thread::sleep(total);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_parse_and_match() {
        let r: FaultRule = "ovs_flow:new:errno=ENOSPC".parse().unwrap();
        assert_eq!((r.cmd, r.fault), (Some(1), Fault::Errno(Errno(28))));
        let d: FaultRule = "ovs_vport:*:delay=200ms".parse().unwrap();
        assert_eq!(d.fault, Fault::Delay(Duration::from_millis(200)));
        assert!("ovs_flow:new".parse::<FaultRule>().is_err());
        assert!("ovs_flow:new:errno=0".parse::<FaultRule>().is_err());
        assert!("ovs_flow:x:errno=1".parse::<FaultRule>().is_err());
        let f = Faults::new(vec![r, d]);
        assert_eq!(f.errno("ovs_flow", 1), Some(Errno(28)));
        assert_eq!(f.errno("ovs_flow", 2), None);
        assert_eq!(f.errno("ovs_vport", 9), None);
    }

    #[test]
    fn drop_rules_name_upcall_commands_of_ovs_packet_only() {
        let m: FaultRule = "ovs_packet:miss:drop".parse().unwrap();
        assert_eq!((m.cmd, m.fault), (Some(1), Fault::Drop));
        assert!("ovs_flow:new:drop".parse::<FaultRule>().is_err());
        let f = Faults::new(vec![m]);
        assert!(f.drop_upcall(1));
        assert!(!f.drop_upcall(2));
        assert_eq!(f.errno("ovs_packet", 1), None);
        let all = Faults::new(vec!["ovs_packet:*:drop".parse().unwrap()]);
        assert!(all.drop_upcall(1) && all.drop_upcall(2));
        assert!(!Faults::default().drop_upcall(1));
    }
}
