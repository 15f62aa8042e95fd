//! Normalization: rewrites, in a copy of each message, the values that
//! legitimately differ between runs — family ids (to a canonical id per
//! family name), multicast group ids, port ids, ifindexes, random MAC
//! addresses, timestamps (`USED`) and packet hashes — into ordinals given by
//! first appearance. The mapping is consistent within a trace, so two runs
//! that agree up to renaming normalize to the same bytes, and everything
//! else stays byte for byte. Timestamps are the exception: whether two of
//! them coincide depends on timing, so a nonzero one becomes 1.

use crate::schema::{self, Kind, Space};
use std::collections::HashMap;

/// Which mapping a value goes through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Map {
    Pid,
    Ifindex,
    Group,
    Time,
    Hash,
}

/// The normalizer of one side (one trace, or one replay target).
#[derive(Debug, Clone, Default)]
pub struct Normalizer {
    /// Family names by raw id, from `family` lines and nlctrl replies.
    families: HashMap<u16, String>,
    /// Multicast group ids by (family, group) name, from nlctrl replies.
    groups: HashMap<(String, String), u32>,
    maps: HashMap<Map, HashMap<u64, u64>>,
    macs: HashMap<[u8; 6], [u8; 6]>,
}

impl Normalizer {
    /// A normalizer whose port ids `portid` and `monpid` become 1 and 2.
    pub fn new(portid: u32, monpid: Option<u32>) -> Self {
        let mut n = Normalizer::default();
        n.learn_family("nlctrl", 16);
        n.map(Map::Pid, u64::from(portid));
        n.map(Map::Pid, u64::from(monpid.unwrap_or(u32::MAX)));
        n
    }

    /// Teaches the normalizer a family's raw id.
    pub fn learn_family(&mut self, name: &str, id: u16) {
        self.families.insert(id, name.to_string());
    }

    /// The raw id of a family, if known.
    pub fn family_id(&self, name: &str) -> Option<u16> {
        self.families
            .iter()
            .find(|(_, n)| n.as_str() == name)
            .map(|(id, _)| *id)
    }

    /// The raw id of a multicast group learned from nlctrl replies.
    pub fn group_id(&self, family: &str, group: &str) -> Option<u32> {
        self.groups
            .get(&(family.to_string(), group.to_string()))
            .copied()
    }

    fn map(&mut self, m: Map, v: u64) -> u64 {
        if v == 0 {
            return 0;
        }
        if m == Map::Time {
            return 1;
        }
        let table = self.maps.entry(m).or_default();
        let next = table.len() as u64 + 1;
        *table.entry(v).or_insert(next)
    }

    /// The ordinal `v` maps to (an ifindex, say), mapping it if new.
    pub fn map_ifindex(&mut self, v: u32) -> u32 {
        self.map(Map::Ifindex, u64::from(v)) as u32
    }

    /// Makes port id `raw` map like `like` (already mapped): the recorded
    /// requests of a replay carry the recording's port ids where the
    /// scenario said `$pid`, and they stand for the replaying socket.
    pub fn alias_pid(&mut self, raw: u32, like: u32) {
        if raw == 0 || raw == like {
            return;
        }
        let table = self.maps.entry(Map::Pid).or_default();
        if let Some(&o) = table.get(&u64::from(like)) {
            table.entry(u64::from(raw)).or_insert(o);
        }
    }

    /// The family name of a raw id, if known.
    pub fn family_name(&self, id: u16) -> Option<&str> {
        self.families.get(&id).map(String::as_str)
    }

    /// Normalizes every message of a datagram.
    pub fn datagram(&mut self, d: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(d.len());
        let mut off = 0;
        for m in crate::trace::messages(d) {
            let start = m.as_ptr() as usize - d.as_ptr() as usize;
            out.extend_from_slice(&d[off..start]);
            out.extend_from_slice(&self.message(m));
            off = start + m.len();
        }
        out.extend_from_slice(&d[off..]);
        out
    }

    /// Normalizes one netlink message.
    pub fn message(&mut self, msg: &[u8]) -> Vec<u8> {
        let mut m = msg.to_vec();
        self.rewrite(&mut m);
        m
    }

    fn rewrite(&mut self, m: &mut [u8]) {
        if m.len() < 16 {
            return;
        }
        let ty = u16::from_ne_bytes([m[4], m[5]]);
        let flags = u16::from_ne_bytes([m[6], m[7]]);
        let pid = u32::from_ne_bytes([m[12], m[13], m[14], m[15]]);
        let pid = self.map(Map::Pid, u64::from(pid)) as u32;
        m[12..16].copy_from_slice(&pid.to_ne_bytes());
        match ty {
            2 => self.rewrite_error(m, flags),
            0..=15 => {}
            _ => self.rewrite_genl(m, ty),
        }
    }

    fn rewrite_error(&mut self, m: &mut [u8], flags: u16) {
        if m.len() < 36 {
            return;
        }
        let echoed_len = u32::from_ne_bytes([m[20], m[21], m[22], m[23]]) as usize;
        let capped = flags & 0x100 != 0;
        let echo_end = if capped {
            36
        } else {
            (20 + ((echoed_len + 3) & !3)).min(m.len())
        };
        self.rewrite(&mut m[20..echo_end]);
        if flags & 0x200 != 0 && echo_end < m.len() {
            self.walk(&mut m[echo_end..], Space::ExtAck, false);
        }
    }

    fn rewrite_genl(&mut self, m: &mut [u8], ty: u16) {
        let Some(name) = self.families.get(&ty).cloned() else {
            return;
        };
        let Some(canon) = schema::canonical_id(&name) else {
            return;
        };
        m[4..6].copy_from_slice(&canon.to_ne_bytes());
        if m.len() < 20 {
            return;
        }
        let Some((space, has_hdr)) = schema::family_space(canon) else {
            return;
        };
        let mut start = 20;
        if has_hdr {
            if m.len() < 24 {
                return;
            }
            let ifx = u32::from_ne_bytes([m[20], m[21], m[22], m[23]]);
            m[20..24].copy_from_slice(&self.map_ifindex(ifx).to_ne_bytes());
            start = 24;
        }
        if space == Space::Ctrl {
            self.learn_ctrl(&m[start..]);
        }
        let packet = name == "ovs_packet";
        self.walk(&mut m[start..], space, packet);
    }

    /// Learns family and group ids from an nlctrl message's attributes.
    fn learn_ctrl(&mut self, attrs: &[u8]) {
        let top = attr_list(attrs);
        let name = top
            .iter()
            .find(|a| a.0 == 2)
            .map(|a| c_str(&attrs[a.1..a.2]));
        let Some(name) = name else { return };
        if let Some(a) = top.iter().find(|a| a.0 == 1 && a.2 - a.1 == 2) {
            let id = u16::from_ne_bytes([attrs[a.1], attrs[a.1 + 1]]);
            self.learn_family(&name, id);
        }
        for g in top.iter().filter(|a| a.0 == 7) {
            let list = &attrs[g.1..g.2];
            for e in attr_list(list) {
                let grp = &list[e.1..e.2];
                let fields = attr_list(grp);
                let gname = fields.iter().find(|a| a.0 == 1);
                let gid = fields.iter().find(|a| a.0 == 2 && a.2 - a.1 == 4);
                if let (Some(n), Some(i)) = (gname, gid) {
                    let id = u32::from_ne_bytes(grp[i.1..i.2].try_into().unwrap());
                    self.groups
                        .insert((name.clone(), c_str(&grp[n.1..n.2])), id);
                }
            }
        }
    }

    fn walk(&mut self, buf: &mut [u8], space: Space, packet: bool) {
        for (ty, s, e, nested_flag) in attr_list_flags(buf) {
            let (_, mut kind) = schema::attr(space, ty);
            if nested_flag && !matches!(kind, Kind::Nested(_)) {
                kind = Kind::Nested(Space::Opaque);
            }
            if packet && space == Space::Key && ty == 4 {
                kind = Kind::Macs;
            }
            let p = &mut buf[s..e];
            match kind {
                Kind::Nested(Space::Opaque) => {}
                Kind::Nested(inner) => self.walk(p, inner, packet),
                Kind::Pid => self.num(p, Map::Pid),
                Kind::Ifindex => self.num(p, Map::Ifindex),
                Kind::GroupId => self.num(p, Map::Group),
                // whether two timestamps coincide depends on timing: only
                // "set" (1) or 0 is kept
                Kind::Time => self.num(p, Map::Time),
                Kind::Hash => self.num(p, Map::Hash),
                Kind::Pids => {
                    for c in p.chunks_exact_mut(4) {
                        self.num(c, Map::Pid);
                    }
                }
                Kind::FamilyId => {
                    if p.len() >= 2 {
                        let raw = u16::from_ne_bytes([p[0], p[1]]);
                        let canon = self
                            .families
                            .get(&raw)
                            .and_then(|n| schema::canonical_id(n));
                        if let Some(c) = canon {
                            p[..2].copy_from_slice(&c.to_ne_bytes());
                        }
                    }
                }
                Kind::Frame | Kind::Macs => {
                    for mac in p.chunks_exact_mut(6).take(2) {
                        self.mac(mac);
                    }
                }
                Kind::Bytes | Kind::Str | Kind::Num => {}
            }
        }
    }

    /// Maps a number of 1, 2, 4 or 8 bytes (native endian) in place.
    fn num(&mut self, p: &mut [u8], m: Map) {
        let v = match p.len() {
            1 => u64::from(p[0]),
            2 => u64::from(u16::from_ne_bytes([p[0], p[1]])),
            4 => u64::from(u32::from_ne_bytes([p[0], p[1], p[2], p[3]])),
            8 => u64::from_ne_bytes(p[..8].try_into().unwrap()),
            _ => return,
        };
        let n = self.map(m, v);
        match p.len() {
            1 => p[0] = n as u8,
            2 => p.copy_from_slice(&(n as u16).to_ne_bytes()),
            4 => p.copy_from_slice(&(n as u32).to_ne_bytes()),
            _ => p.copy_from_slice(&n.to_ne_bytes()),
        }
    }

    /// Maps a locally administered unicast MAC to `0a:00:00:00:00:NN`.
    fn mac(&mut self, mac: &mut [u8]) {
        if mac[0] & 0x03 != 0x02 {
            return;
        }
        let key: [u8; 6] = mac.try_into().unwrap();
        let next = self.macs.len() as u8 + 1;
        let to = *self.macs.entry(key).or_insert([0x0a, 0, 0, 0, 0, next]);
        mac.copy_from_slice(&to);
    }
}

/// Attributes of a buffer: (type, payload start, payload end).
pub fn attr_list(buf: &[u8]) -> Vec<(u16, usize, usize)> {
    attr_list_flags(buf)
        .into_iter()
        .map(|(t, s, e, _)| (t, s, e))
        .collect()
}

/// Attributes of a buffer: (type, payload start, payload end, `NLA_F_NESTED`).
pub fn attr_list_flags(buf: &[u8]) -> Vec<(u16, usize, usize, bool)> {
    let mut out = Vec::new();
    let mut off = 0;
    while off + 4 <= buf.len() {
        let len = u16::from_ne_bytes([buf[off], buf[off + 1]]) as usize;
        let ty = u16::from_ne_bytes([buf[off + 2], buf[off + 3]]);
        if len < 4 || off + len > buf.len() {
            break;
        }
        out.push((ty & 0x3fff, off + 4, off + len, ty & 0x8000 != 0));
        off += (len + 3) & !3;
    }
    out
}

/// A NUL-terminated string payload as text.
pub fn c_str(p: &[u8]) -> String {
    let end = p.iter().position(|&b| b == 0).unwrap_or(p.len());
    String::from_utf8_lossy(&p[..end]).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dp_msg(ty: u16, pid: u32, ifx: u32) -> Vec<u8> {
        let mut m = vec![0u8; 24];
        m[0..4].copy_from_slice(&24u32.to_ne_bytes());
        m[4..6].copy_from_slice(&ty.to_ne_bytes());
        m[12..16].copy_from_slice(&pid.to_ne_bytes());
        m[16] = 1;
        m[17] = 2;
        m[20..24].copy_from_slice(&ifx.to_ne_bytes());
        m
    }

    #[test]
    fn maps_consistently_not_erasing() {
        let mut a = Normalizer::new(100, None);
        a.learn_family("ovs_datapath", 32);
        let mut b = Normalizer::new(7, None);
        b.learn_family("ovs_datapath", 40);
        // same structure, different ids: equal after normalization
        assert_eq!(a.message(&dp_msg(32, 100, 5)), b.message(&dp_msg(40, 7, 9)));
        assert_eq!(
            a.message(&dp_msg(32, 100, 6)),
            b.message(&dp_msg(40, 7, 10))
        );
        // an inconsistent renaming is not hidden
        assert_ne!(
            a.message(&dp_msg(32, 100, 5)),
            b.message(&dp_msg(40, 7, 10))
        );
    }
}
