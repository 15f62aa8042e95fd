//! Acknowledgements and errors as `netlink_ack` builds them, the dump
//! terminator `NLMSG_DONE`, and the policy description that extended ACKs
//! carry (`netlink_policy_dump_write_attr`).

use crate::errno::Errno;
use crate::extack::ExtAck;
use crate::nlmsg::{NlMsg, NLMSG_DONE, NLMSG_ERROR, NLM_F_ACK_TLVS, NLM_F_CAPPED, NLM_F_MULTI};
use crate::policy::{Kind, Policy};
use crate::writer::Writer;

/// `NLMSGERR_ATTR_MSG`.
pub const NLMSGERR_ATTR_MSG: u16 = 1;
/// `NLMSGERR_ATTR_OFFS`.
pub const NLMSGERR_ATTR_OFFS: u16 = 2;
/// `NLMSGERR_ATTR_POLICY`.
pub const NLMSGERR_ATTR_POLICY: u16 = 4;
/// `NLMSGERR_ATTR_MISS_TYPE`.
pub const NLMSGERR_ATTR_MISS_TYPE: u16 = 5;

/// The socket options that shape an ACK.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AckOpts {
    /// `NETLINK_CAP_ACK`: errors echo only the request header.
    pub cap_ack: bool,
    /// `NETLINK_EXT_ACK`: extended-ACK TLVs are appended.
    pub ext_ack: bool,
}

/// Appends the `NLMSG_ERROR` that `netlink_ack` sends for `req` (`err` None
/// for a success ACK): the whole request echoed for errors unless
/// `cap_ack`, else only its header with `NLM_F_CAPPED`; extended-ACK TLVs
/// when `ext_ack` and anything was recorded.
pub fn write_ack(
    w: &mut Writer,
    portid: u32,
    req: &NlMsg<&[u8]>,
    err: Option<Errno>,
    extack: &ExtAck,
    opts: AckOpts,
) {
    let full_echo = err.is_some() && !opts.cap_ack;
    let mut flags = if full_echo { 0 } else { NLM_F_CAPPED };
    let tlvs = opts.ext_ack && has_tlvs(extack, err.is_some());
    if tlvs {
        flags |= NLM_F_ACK_TLVS;
    }
    let m = w.begin_msg(NLMSG_ERROR, flags, req.seq(), portid);
    w.put_raw(&err.map_or(0, Errno::to_wire).to_ne_bytes());
    w.put_raw(req.header());
    if full_echo {
        // nlmsg_append: the payload padded to 4 with zeroes
        w.put_aligned(req.payload());
    }
    if tlvs {
        write_tlvs(w, extack, err.is_some());
    }
    w.end_msg(m);
}

/// `netlink_ack_tlv_len != 0`.
fn has_tlvs(e: &ExtAck, is_err: bool) -> bool {
    e.msg.is_some()
        || (is_err && (e.bad_attr.is_some() || e.miss_type.is_some() || policy_dumpable(e)))
}

fn policy_dumpable(e: &ExtAck) -> bool {
    e.policy.is_some_and(|p| p.kind != Kind::Unspec)
}

/// `netlink_ack_tlv_fill`.
fn write_tlvs(w: &mut Writer, e: &ExtAck, is_err: bool) {
    if let Some(msg) = e.msg {
        w.attr_str(NLMSGERR_ATTR_MSG, msg.as_bytes());
    }
    if !is_err {
        return;
    }
    if let Some(off) = e.bad_attr {
        w.attr_u32(NLMSGERR_ATTR_OFFS, off);
    }
    if let Some(p) = e.policy {
        write_policy_attr(w, p, NLMSGERR_ATTR_POLICY);
    }
    if let Some(t) = e.miss_type {
        w.attr_u32(NLMSGERR_ATTR_MISS_TYPE, t);
    }
}

/// `NL_POLICY_TYPE_ATTR_*` numbers.
mod pol {
    pub const TYPE: u16 = 1;
    pub const MIN_VALUE_S: u16 = 2;
    pub const MAX_VALUE_S: u16 = 3;
    pub const MIN_VALUE_U: u16 = 4;
    pub const MAX_VALUE_U: u16 = 5;
    pub const MAX_LENGTH: u16 = 7;
}

/// `NL_ATTR_TYPE_*` of a policy kind.
fn attr_type(kind: Kind) -> u32 {
    match kind {
        Kind::Unspec => 0,
        Kind::Flag => 1,
        Kind::U8 => 2,
        Kind::U16 => 3,
        Kind::U32 => 4,
        Kind::U64 => 5,
        Kind::S8 => 6,
        Kind::S16 => 7,
        Kind::S32 => 8,
        Kind::S64 => 9,
        Kind::Binary => 10,
        Kind::String => 11,
        Kind::NulString => 12,
        Kind::Nested => 13,
    }
}

/// `netlink_policy_dump_write_attr`: a nest describing `p`. `NLA_UNSPEC`
/// cannot be described, so nothing is written for it (the kernel cancels
/// the nest).
pub fn write_policy_attr(w: &mut Writer, p: &Policy, nest_type: u16) {
    if p.kind == Kind::Unspec {
        return;
    }
    let n = w.nest(nest_type);
    match p.kind {
        Kind::U8 | Kind::U16 | Kind::U32 | Kind::U64 => {
            let (min, max) = p.unsigned_bounds();
            w.attr_u64(pol::MIN_VALUE_U, min);
            w.attr_u64(pol::MAX_VALUE_U, max);
        }
        Kind::S8 | Kind::S16 | Kind::S32 | Kind::S64 => {
            let (min, max) = p.signed_bounds();
            w.attr_u64(pol::MIN_VALUE_S, min as u64);
            w.attr_u64(pol::MAX_VALUE_S, max as u64);
        }
        Kind::String | Kind::NulString | Kind::Binary if p.len > 0 => {
            w.attr_u32(pol::MAX_LENGTH, p.len as u32);
        }
        _ => {}
    }
    w.attr_u32(pol::TYPE, attr_type(p.kind));
    w.nest_end(n);
}

/// Appends the `NLMSG_DONE` that ends a dump (`netlink_dump`): flags
/// `NLM_F_MULTI`, the dump's final errno as a 4-byte payload, and the
/// extended-ACK message if one was recorded and `ext_ack` is on.
pub fn write_done(
    w: &mut Writer,
    portid: u32,
    seq: u32,
    err: Option<Errno>,
    extack: &ExtAck,
    ext_ack: bool,
) {
    let tlv = ext_ack && extack.msg.is_some();
    let flags = NLM_F_MULTI | if tlv { NLM_F_ACK_TLVS } else { 0 };
    let m = w.begin_msg(NLMSG_DONE, flags, seq, portid);
    w.put_raw(&err.map_or(0, Errno::to_wire).to_ne_bytes());
    if let (true, Some(msg)) = (tlv, extack.msg) {
        w.attr_str(NLMSGERR_ATTR_MSG, msg.as_bytes());
    }
    w.end_msg(m);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nlmsg::NlMsg;

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    // From ../shared/traces/6.12/basic.trace, req 7: GETFAMILY for an
    // unknown name, answered with ENOENT and the request echoed.
    #[test]
    fn error_echoes_request_like_the_kernel() {
        let req =
            hex("2800000010000100070000000000000003010000130002006e6f5f737563685f66616d696c790000");
        let want = hex("3c0000000200000007000000a0000000feffffff2800000010000100070000000000000003010000130002006e6f5f737563685f66616d696c790000");
        let mut w = Writer::new();
        let m = NlMsg::new_checked(&req[..]).unwrap();
        write_ack(
            &mut w,
            160,
            &m,
            Some(Errno::ENOENT),
            &ExtAck::default(),
            AckOpts::default(),
        );
        assert_eq!(w.as_bytes(), &want[..]);
    }

    // From ../shared/traces/6.12/notify.decoded.txt, req 20: a 2-byte
    // UPCALL_PID with EXT_ACK on -> MSG, OFFS 32, and the U32 policy.
    #[test]
    fn policy_failure_tlvs_match_the_kernel() {
        let p = Policy::U32;
        let e = ExtAck {
            msg: Some("Attribute failed policy validation"),
            bad_attr: Some(32),
            policy: Some(&Policy::U32),
            miss_type: None,
        };
        let mut w = Writer::new();
        write_tlvs(&mut w, &e, true);
        let mut pw = Writer::new();
        write_policy_attr(&mut pw, &p, NLMSGERR_ATTR_POLICY);
        // nest header: len 36, type 4 | NLA_F_NESTED; then as in the trace
        let want = hex("240004800c00040000000000000000000c000500ffffffff000000000800010004000000");
        assert_eq!(pw.as_bytes(), &want[..]);
        // msg (4 + 35 -> 40) + offs (8) + policy (36)
        assert_eq!(w.len(), 40 + 8 + 36);
    }

    #[test]
    fn success_ack_is_capped_header_only() {
        let req = hex("20000000240005000d0000000000000003020000000000000700010064703000");
        let m = NlMsg::new_checked(&req[..]).unwrap();
        let mut w = Writer::new();
        write_ack(&mut w, 9, &m, None, &ExtAck::default(), AckOpts::default());
        assert_eq!(w.len(), 36);
        let a = NlMsg::new_checked(w.as_bytes()).unwrap();
        assert_eq!(
            (a.msg_type(), a.flags(), a.seq(), a.pid()),
            (2, NLM_F_CAPPED, 13, 9)
        );
        assert_eq!(&a.payload()[4..], &req[..16]);
    }

    #[test]
    fn cap_ack_error_and_done() {
        let req = hex("24000000240005001900000000000000030200000b0001006e6f7375636800000000");
        let req = &req[..0x24.min(req.len())];
        let mut r = req.to_vec();
        r.resize(0x24, 0);
        let m = NlMsg::new_checked(&r[..]).unwrap();
        let mut w = Writer::new();
        let opts = AckOpts {
            cap_ack: true,
            ext_ack: false,
        };
        write_ack(&mut w, 1, &m, Some(Errno::ENODEV), &ExtAck::default(), opts);
        let a = NlMsg::new_checked(w.as_bytes()).unwrap();
        assert_eq!((a.len(), a.flags()), (36, NLM_F_CAPPED));
        w.clear();
        write_done(&mut w, 1, 5, None, &ExtAck::default(), true);
        assert_eq!(
            w.as_bytes(),
            &hex("1400000003000200050000000100000000000000")[..]
        );
    }
}
