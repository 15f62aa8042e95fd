//! The `nlctrl` family's handlers: `CTRL_CMD_GETFAMILY` do and dump.

use super::dispatch::Request;
use super::{Core, Outbox, Socket};
use genl::ctrl::{self, CTRL_CMD_GETFAMILY};
use genl::{Errno, Writer};

/// `ctrl_getfamily`: the family named by id or name, answered with
/// NEWFAMILY by unicast (`genlmsg_reply`).
pub(super) fn doit(
    core: &Core,
    sock: &Socket,
    req: &Request<'_>,
    out: &mut Outbox,
) -> Result<(), Errno> {
    if req.genl.cmd != CTRL_CMD_GETFAMILY {
        return Err(Errno::EOPNOTSUPP);
    }
    let fam = ctrl::get_family(core.registry(), &req.attrs)?;
    ctrl::fill_family(out.writer(), fam, sock.portid(), req.msg.seq(), 0);
    out.end_datagram();
    Ok(())
}

/// `ctrl_dumpfamily`.
pub(super) fn dump(
    core: &Core,
    w: &mut Writer,
    portid: u32,
    seq: u32,
    cursor: &mut usize,
    limit: usize,
) -> bool {
    ctrl::dump_families(w, core.registry(), portid, seq, cursor, limit)
}
