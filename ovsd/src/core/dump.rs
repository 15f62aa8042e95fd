//! Dumps as `netlink_dump` runs them: one part per call, records carrying
//! `NLM_F_MULTI`, and a final `NLMSG_DONE` (with the dump's errno) in a
//! datagram of its own.

use super::{nlctrl, ovs, Core, Outbox, Socket};
use genl::ack::write_done;
use genl::ctrl::Family;
use genl::ExtAck;

/// Size of the first part of a dump on a socket that has not read yet
/// (`NLMSG_GOODSIZE` = `SKB_WITH_OVERHEAD(PAGE_SIZE)` on x86_64).
pub const DUMP_FIRST_CHUNK: usize = 4096 - 320;
/// Size of later parts: the kernel uses the reader's largest `recvmsg`
/// buffer, capped at `SKB_WITH_OVERHEAD(32768)`; real clients read with
/// 64 KiB buffers.
pub const DUMP_CHUNK: usize = 32768 - 320;

/// A running dump of one socket (`struct netlink_callback`).
#[derive(Debug)]
pub(crate) struct Dump {
    /// The request's sequence number, echoed in every part.
    pub seq: u32,
    /// The family being dumped.
    pub family: Family,
    /// What is being dumped, with its cookie.
    pub kind: DumpKind,
    /// Extended-ACK state recorded while starting (reported with `DONE`).
    pub extack: ExtAck,
}

/// The dumps ovsd knows, each with its continuation cookie.
#[derive(Debug)]
pub(crate) enum DumpKind {
    /// `ctrl_dumpfamily`: index of the next family.
    Families {
        /// Families already emitted.
        cursor: usize,
    },
    /// `ovs_dp_cmd_dump`: index of the next datapath.
    Datapaths {
        /// Datapaths already emitted.
        cursor: usize,
    },
    /// `ovs_flow_cmd_dump`: the flows of the header's datapath.
    Flows(Box<ovs::FlowDump>),
    /// `ovs_vport_cmd_dump`: the datapath named by the request header, the
    /// next hash bucket and the index inside it.
    Vports {
        /// The request's `dp_ifindex`.
        dp_ifindex: i32,
        /// Next bucket.
        bucket: u32,
        /// Entries of that bucket already emitted.
        skip: usize,
    },
}

/// Builds the next part of `sock`'s dump into `out` as one datagram; ends
/// the dump with `NLMSG_DONE` when a call adds nothing.
pub(crate) fn next_part(core: &Core, sock: &mut Socket, out: &mut Outbox, limit: usize) {
    let portid = sock.portid();
    let ext_ack = sock.opts.ext_ack;
    let Some(dump) = sock.dump.as_mut() else {
        return;
    };
    let seq = dump.seq;
    let fam = dump.family;
    let w = out.writer();
    let result = match &mut dump.kind {
        DumpKind::Families { cursor } => Ok(nlctrl::dump(core, w, portid, seq, cursor, limit)),
        DumpKind::Datapaths { cursor } => Ok(ovs::dump_datapaths(
            core, &fam, w, portid, seq, cursor, limit,
        )),
        DumpKind::Vports {
            dp_ifindex,
            bucket,
            skip,
        } => ovs::dump_vports(core, &fam, w, portid, seq, *dp_ifindex, bucket, skip, limit),
        DumpKind::Flows(d) => ovs::dump_flows(core, &fam, w, portid, seq, d, limit),
    };
    match result {
        Ok(true) => {}
        Ok(false) => {
            write_done(w, portid, seq, None, &dump.extack, ext_ack);
            sock.dump = None;
        }
        Err(e) => {
            write_done(w, portid, seq, Some(e), &dump.extack, ext_ack);
            sock.dump = None;
        }
    }
    out.end_datagram();
}
