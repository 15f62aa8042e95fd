//! Just enough generic-netlink encoding to resolve a family by hand:
//! a `CTRL_CMD_GETFAMILY` request and its `NEWFAMILY` or error reply.

use std::fmt;

/// `NETLINK_GENERIC` protocol number.
pub const NETLINK_GENERIC: i32 = 16;
/// The nlctrl family id.
pub const GENL_ID_CTRL: u16 = 0x10;
/// `NLMSG_ERROR` message type.
pub const NLMSG_ERROR: u16 = 2;
/// `NLM_F_REQUEST` header flag.
pub const NLM_F_REQUEST: u16 = 1;
/// `CTRL_CMD_NEWFAMILY`.
pub const CTRL_CMD_NEWFAMILY: u8 = 1;
/// `CTRL_CMD_GETFAMILY`.
pub const CTRL_CMD_GETFAMILY: u8 = 3;

const CTRL_ATTR_FAMILY_ID: u16 = 1;
const CTRL_ATTR_FAMILY_NAME: u16 = 2;
const CTRL_ATTR_VERSION: u16 = 3;
const CTRL_ATTR_HDRSIZE: u16 = 4;
const CTRL_ATTR_MAXATTR: u16 = 5;
const CTRL_ATTR_OPS: u16 = 6;
const CTRL_ATTR_MCAST_GROUPS: u16 = 7;
const CTRL_ATTR_OP_ID: u16 = 1;
const CTRL_ATTR_OP_FLAGS: u16 = 2;
const CTRL_ATTR_MCAST_GRP_NAME: u16 = 1;
const CTRL_ATTR_MCAST_GRP_ID: u16 = 2;
const NLA_TYPE_MASK: u16 = 0x3fff;

/// Builds a `GETFAMILY` request for `name` (flags `NLM_F_REQUEST`, genl
/// version 1, port id 0), as OVS sends it.
pub fn getfamily_request(name: &str, seq: u32) -> Vec<u8> {
    let mut attr_payload = name.as_bytes().to_vec();
    attr_payload.push(0);
    let attr_len = 4 + attr_payload.len();
    let total = 16 + 4 + align(attr_len);
    let mut msg = Vec::with_capacity(total);
    msg.extend_from_slice(&(total as u32).to_ne_bytes());
    msg.extend_from_slice(&GENL_ID_CTRL.to_ne_bytes());
    msg.extend_from_slice(&NLM_F_REQUEST.to_ne_bytes());
    msg.extend_from_slice(&seq.to_ne_bytes());
    msg.extend_from_slice(&0u32.to_ne_bytes());
    msg.extend_from_slice(&[CTRL_CMD_GETFAMILY, 1, 0, 0]);
    msg.extend_from_slice(&(attr_len as u16).to_ne_bytes());
    msg.extend_from_slice(&CTRL_ATTR_FAMILY_NAME.to_ne_bytes());
    msg.extend_from_slice(&attr_payload);
    msg.resize(total, 0);
    msg
}

/// A family as described by a `NEWFAMILY` reply.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FamilyInfo {
    /// `CTRL_ATTR_FAMILY_NAME`.
    pub name: String,
    /// `CTRL_ATTR_FAMILY_ID`.
    pub id: u16,
    /// `CTRL_ATTR_VERSION`.
    pub version: u32,
    /// `CTRL_ATTR_HDRSIZE`.
    pub hdrsize: u32,
    /// `CTRL_ATTR_MAXATTR`.
    pub maxattr: u32,
    /// `(op id, op flags)` in reply order.
    pub ops: Vec<(u32, u32)>,
    /// `(group name, group id)` in reply order.
    pub groups: Vec<(String, u32)>,
}

impl fmt::Display for FamilyInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ops: Vec<String> = self
            .ops
            .iter()
            .map(|(id, fl)| format!("{id}:{fl:#x}"))
            .collect();
        let groups: Vec<String> = self
            .groups
            .iter()
            .map(|(name, id)| format!("{name}:{id}"))
            .collect();
        write!(
            f,
            "{} id={} version={} hdrsize={} maxattr={} ops={} groups={}",
            self.name,
            self.id,
            self.version,
            self.hdrsize,
            self.maxattr,
            ops.join(","),
            groups.join(",")
        )
    }
}

/// The first message of a reply datagram to `GETFAMILY`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    /// A `NEWFAMILY` message.
    Family(FamilyInfo),
    /// An `NLMSG_ERROR` with this (positive) errno; 0 is an ACK.
    Error(i32),
}

/// Parses the first netlink message of `buf` as a `GETFAMILY` reply.
pub fn parse_reply(buf: &[u8]) -> Result<Reply, String> {
    let len = u32_at(buf, 0)? as usize;
    if len < 16 || len > buf.len() {
        return Err(format!(
            "bad nlmsg_len {len} in a {}-byte datagram",
            buf.len()
        ));
    }
    let ty = u16_at(buf, 4)?;
    if ty == NLMSG_ERROR {
        let err = u32_at(buf, 16)? as i32;
        return Ok(Reply::Error(-err));
    }
    if ty != GENL_ID_CTRL {
        return Err(format!("unexpected message type {ty:#x}"));
    }
    if buf.get(16) != Some(&CTRL_CMD_NEWFAMILY) {
        return Err(format!("unexpected genl command {:?}", buf.get(16)));
    }
    let mut fam = FamilyInfo::default();
    for (ty, data) in attrs(&buf[20..len])? {
        match ty {
            CTRL_ATTR_FAMILY_ID => fam.id = u16_at(data, 0)?,
            CTRL_ATTR_FAMILY_NAME => fam.name = c_string(data),
            CTRL_ATTR_VERSION => fam.version = u32_at(data, 0)?,
            CTRL_ATTR_HDRSIZE => fam.hdrsize = u32_at(data, 0)?,
            CTRL_ATTR_MAXATTR => fam.maxattr = u32_at(data, 0)?,
            CTRL_ATTR_OPS => {
                for (_, op) in attrs(data)? {
                    let (mut id, mut flags) = (0, 0);
                    for (ty, v) in attrs(op)? {
                        match ty {
                            CTRL_ATTR_OP_ID => id = u32_at(v, 0)?,
                            CTRL_ATTR_OP_FLAGS => flags = u32_at(v, 0)?,
                            _ => {}
                        }
                    }
                    fam.ops.push((id, flags));
                }
            }
            CTRL_ATTR_MCAST_GROUPS => {
                for (_, grp) in attrs(data)? {
                    let (mut name, mut id) = (String::new(), 0);
                    for (ty, v) in attrs(grp)? {
                        match ty {
                            CTRL_ATTR_MCAST_GRP_NAME => name = c_string(v),
                            CTRL_ATTR_MCAST_GRP_ID => id = u32_at(v, 0)?,
                            _ => {}
                        }
                    }
                    fam.groups.push((name, id));
                }
            }
            _ => {}
        }
    }
    Ok(Reply::Family(fam))
}

/// Splits a run of netlink attributes into `(type, payload)` pairs.
fn attrs(mut buf: &[u8]) -> Result<Vec<(u16, &[u8])>, String> {
    let mut out = Vec::new();
    while buf.len() >= 4 {
        let len = u16_at(buf, 0)? as usize;
        let ty = u16_at(buf, 2)? & NLA_TYPE_MASK;
        if len < 4 || len > buf.len() {
            return Err(format!("bad attribute length {len}"));
        }
        out.push((ty, &buf[4..len]));
        buf = &buf[align(len).min(buf.len())..];
    }
    Ok(out)
}

fn align(len: usize) -> usize {
    (len + 3) & !3
}

fn u16_at(buf: &[u8], at: usize) -> Result<u16, String> {
    buf.get(at..at + 2)
        .map(|b| u16::from_ne_bytes([b[0], b[1]]))
        .ok_or_else(|| format!("short buffer reading u16 at {at}"))
}

fn u32_at(buf: &[u8], at: usize) -> Result<u32, String> {
    buf.get(at..at + 4)
        .map(|b| u32::from_ne_bytes([b[0], b[1], b[2], b[3]]))
        .ok_or_else(|| format!("short buffer reading u32 at {at}"))
}

fn c_string(data: &[u8]) -> String {
    let end = data.iter().position(|&b| b == 0).unwrap_or(data.len());
    String::from_utf8_lossy(&data[..end]).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_layout() {
        let req = getfamily_request("ovs_flow", 7);
        assert_eq!(req.len(), 36);
        assert_eq!(u32_at(&req, 0).unwrap(), 36);
        assert_eq!(u16_at(&req, 4).unwrap(), GENL_ID_CTRL);
        assert_eq!(u32_at(&req, 8).unwrap(), 7);
        assert_eq!(&req[16..20], &[3, 1, 0, 0]);
        assert_eq!(&req[24..33], b"ovs_flow\0");
    }

    #[test]
    fn error_reply() {
        let mut msg = vec![0u8; 20];
        msg[0..4].copy_from_slice(&20u32.to_ne_bytes());
        msg[4..6].copy_from_slice(&NLMSG_ERROR.to_ne_bytes());
        msg[16..20].copy_from_slice(&(-2i32).to_ne_bytes());
        assert_eq!(parse_reply(&msg).unwrap(), Reply::Error(2));
    }
}
