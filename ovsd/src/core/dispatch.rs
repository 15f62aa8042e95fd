//! One datagram in, replies out: `netlink_rcv_skb` (message walk, ACK rules)
//! and `genl_rcv_msg` / `genl_family_rcv_msg` (family lookup, header size,
//! op lookup, attribute validation, doit vs dumpit).

use super::dump::{self, Dump, DumpKind};
use super::{nlctrl, ovs, Core, Outbox, Socket};
use genl::ack::{write_ack, AckOpts};
use genl::ctrl::Family;
use genl::genlmsg::{GenlHdr, GENL_HDRLEN};
use genl::nlmsg::{
    align4, MsgIter, NLMSG_HDRLEN, NLMSG_MIN_TYPE, NLM_F_ACK, NLM_F_DUMP, NLM_F_REQUEST,
};
use genl::policy::{self, Attrs, Validate};
use genl::{Errno, ExtAck, NlMsg};

/// A parsed generic netlink request, handed to a family's handler.
pub(crate) struct Request<'a> {
    /// The whole message.
    pub msg: NlMsg<&'a [u8]>,
    /// The generic netlink header.
    pub genl: GenlHdr,
    /// The family it was sent to.
    pub family: &'a Family,
    /// The validated attributes (empty for unvalidated dumps).
    pub attrs: Attrs<'a>,
}

/// What a handled message leaves behind.
enum Outcome {
    /// Handled; ACK if the request asked for one.
    Done,
    /// A dump started: no ACK (`netlink_dump_start` returns `-EINTR`).
    DumpStarted,
}

/// `netlink_rcv_skb(skb, genl_rcv_msg)`.
pub(super) fn process(core: &Core, sock: &mut Socket, datagram: &[u8], out: &mut Outbox) {
    let opts = AckOpts {
        cap_ack: sock.opts.cap_ack,
        ext_ack: sock.opts.ext_ack,
    };
    for msg in MsgIter::new(datagram) {
        let mut extack = ExtAck::default();
        let flags = msg.flags();
        let result = if flags & NLM_F_REQUEST == 0 || msg.msg_type() < NLMSG_MIN_TYPE {
            // only requests are handled; control messages are skipped
            Ok(Outcome::Done)
        } else {
            genl_rcv_msg(core, sock, &msg, &mut extack, out)
        };
        let err = match result {
            Ok(Outcome::DumpStarted) => continue,
            Ok(Outcome::Done) => None,
            Err(e) => Some(e),
        };
        if flags & NLM_F_ACK != 0 || err.is_some() {
            write_ack(out.writer(), sock.portid(), &msg, err, &extack, opts);
            out.end_datagram();
        }
    }
}

/// `genl_rcv_msg` and `genl_family_rcv_msg`.
fn genl_rcv_msg(
    core: &Core,
    sock: &mut Socket,
    msg: &NlMsg<&[u8]>,
    extack: &mut ExtAck,
    out: &mut Outbox,
) -> Result<Outcome, Errno> {
    let family = core.registry.by_id(msg.msg_type()).ok_or(Errno::ENOENT)?;
    let hdrlen = GENL_HDRLEN + family.spec.hdrsize as usize;
    if (msg.len() as usize) < NLMSG_HDRLEN + hdrlen {
        return Err(Errno::EINVAL);
    }
    let genl = GenlHdr::parse(msg.payload()).ok_or(Errno::EINVAL)?;
    let is_dump = msg.is_dump();
    let op = family.spec.op(genl.cmd, is_dump).ok_or(Errno::EOPNOTSUPP)?;
    // genl_family_rcv_msg: GENL_ADMIN_PERM / GENL_UNS_ADMIN_PERM need CAP_NET_ADMIN
    if op.perm & (genl::ctrl::GENL_ADMIN_PERM | genl::ctrl::GENL_UNS_ADMIN_PERM) != 0
        && !sock.is_privileged()
    {
        return Err(Errno::EPERM);
    }
    header_check(family, msg, &genl, extack)?;

    let attr_start = NLMSG_HDRLEN + align4(hdrlen);
    let attr_bytes = msg.bytes().get(attr_start..).unwrap_or(&[]);
    let validate = |mode: Validate, extack: &mut ExtAck| match op.policy {
        Some(p) => policy::parse(attr_bytes, attr_start as u32, p, mode, extack),
        None => Ok(Attrs::default()),
    };

    if is_dump {
        if sock.dump.is_some() {
            return Err(Errno::EBUSY);
        }
        // genl_start: dumps are validated only if the op asks for it
        let attrs = if op.validate.dont_validate_dump {
            Attrs::default()
        } else if op.validate.dont_validate_dump_strict {
            validate(Validate::LIBERAL, extack)?
        } else {
            validate(Validate::STRICT, extack)?
        };
        let req = Request {
            msg: *msg,
            genl,
            family,
            attrs,
        };
        let kind = start_dump(core, &req)?;
        sock.dump = Some(Dump {
            seq: msg.seq(),
            family: *family,
            kind,
            extack: *extack,
        });
        let limit = if sock.has_read {
            dump::DUMP_CHUNK
        } else {
            dump::DUMP_FIRST_CHUNK
        };
        dump::next_part(core, sock, out, limit);
        return Ok(Outcome::DumpStarted);
    }

    let mode = if op.validate.dont_validate_strict {
        Validate::LIBERAL
    } else {
        Validate::STRICT
    };
    let attrs = validate(mode, extack)?;
    let req = Request {
        msg: *msg,
        genl,
        family,
        attrs,
    };
    do_request(core, sock, &req, extack, out)?;
    Ok(Outcome::Done)
}

/// `genl_header_check`: only commands from `resv_start_op` on are checked.
fn header_check(
    family: &Family,
    msg: &NlMsg<&[u8]>,
    genl: &GenlHdr,
    extack: &mut ExtAck,
) -> Result<(), Errno> {
    if genl.cmd < family.spec.resv_start_op {
        return Ok(());
    }
    if genl.reserved != 0 {
        extack.set_msg("genlmsghdr.reserved field is not 0");
        return Err(Errno::EINVAL);
    }
    let mut flags = msg.flags();
    if flags & NLM_F_DUMP == NLM_F_DUMP {
        flags &= !NLM_F_DUMP;
    }
    if flags & !(NLM_F_REQUEST | NLM_F_ACK | genl::nlmsg::NLM_F_ECHO) != 0 {
        extack.set_msg("ambiguous or reserved bits set in nlmsg_flags");
        return Err(Errno::EINVAL);
    }
    Ok(())
}

fn do_request(
    core: &Core,
    sock: &mut Socket,
    req: &Request<'_>,
    extack: &mut ExtAck,
    out: &mut Outbox,
) -> Result<(), Errno> {
    if let Some(e) = core.faults.errno(req.family.spec.name, req.genl.cmd) {
        return Err(e);
    }
    match req.family.spec.name {
        "nlctrl" => nlctrl::doit(core, sock, req, out),
        _ => ovs::doit(core, sock, req, extack, out),
    }
}

fn start_dump(core: &Core, req: &Request<'_>) -> Result<DumpKind, Errno> {
    match req.family.spec.name {
        "nlctrl" => Ok(DumpKind::Families { cursor: 0 }),
        _ => ovs::start_dump(core, req),
    }
}
