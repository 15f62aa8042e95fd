//! Flow requests (`ovs_flow` family) and the decoded flows they return.

use crate::dpif::Dpif;
use crate::nl::{Errno, Header, Message};
use genl::nlmsg::{NLM_F_CREATE, NLM_F_ECHO};
use genl::ovs::flow as fl;

/// One flow as the datapath reports it.
#[derive(Debug, Clone, Default)]
pub struct FlowInfo {
    /// `OVS_FLOW_ATTR_UFID`.
    pub ufid: Option<Vec<u8>>,
    /// Key attributes.
    pub key: Vec<u8>,
    /// Mask attributes (`None` when not sent).
    pub mask: Option<Vec<u8>>,
    /// Action attributes.
    pub actions: Vec<u8>,
    /// Packets and bytes.
    pub stats: (u64, u64),
    /// `OVS_FLOW_ATTR_USED` (ms, monotonic clock), when sent.
    pub used: Option<u64>,
    /// `OVS_FLOW_ATTR_TCP_FLAGS`.
    pub tcp_flags: u8,
}

impl FlowInfo {
    /// Decodes a flow reply or notification.
    pub fn decode(m: &Message) -> FlowInfo {
        let mut f = FlowInfo::default();
        for a in m.iter() {
            match a.kind {
                fl::OVS_FLOW_ATTR_KEY => f.key = a.payload.to_vec(),
                fl::OVS_FLOW_ATTR_MASK => f.mask = Some(a.payload.to_vec()),
                fl::OVS_FLOW_ATTR_ACTIONS => f.actions = a.payload.to_vec(),
                fl::OVS_FLOW_ATTR_UFID => f.ufid = Some(a.payload.to_vec()),
                fl::OVS_FLOW_ATTR_STATS if a.payload.len() >= 16 => {
                    let p = a.payload;
                    f.stats = (
                        u64::from_ne_bytes(p[..8].try_into().unwrap_or([0; 8])),
                        u64::from_ne_bytes(p[8..16].try_into().unwrap_or([0; 8])),
                    );
                }
                fl::OVS_FLOW_ATTR_USED => f.used = a.u64(),
                fl::OVS_FLOW_ATTR_TCP_FLAGS => f.tcp_flags = a.u8().unwrap_or(0),
                _ => {}
            }
        }
        f
    }
}

/// How a put creates or modifies (ovs-dpctl's `DPIF_FP_*`).
#[derive(Debug, Clone, Copy, Default)]
pub struct PutFlags {
    /// May create the flow.
    pub create: bool,
    /// May modify an existing flow.
    pub modify: bool,
    /// Zero the statistics.
    pub clear: bool,
    /// Ask for the flow back (`NLM_F_ECHO`), for its statistics.
    pub echo: bool,
}

/// What identifies a flow in a request.
#[derive(Debug, Clone, Default)]
pub struct FlowId {
    /// Key attributes (may be empty with a UFID).
    pub key: Vec<u8>,
    /// UFID bytes.
    pub ufid: Option<[u8; 16]>,
}

impl Dpif {
    fn flow_hdr(&self, cmd: u8, ifindex: i32, flags: u16) -> Header {
        Header {
            family: self.fams.flow.id,
            cmd,
            version: fl::VERSION as u8,
            ovs: Some(ifindex),
            flags,
        }
    }

    /// Installs or modifies a flow; with `f.echo`, returns it as the
    /// datapath reports it (its statistics).
    pub fn put_flow(
        &mut self,
        dp: i32,
        id: &FlowId,
        mask: &[u8],
        actions: &[u8],
        f: PutFlags,
    ) -> Result<Option<FlowInfo>, Errno> {
        let cmd = if f.create {
            fl::OVS_FLOW_CMD_NEW
        } else {
            fl::OVS_FLOW_CMD_SET
        };
        let mut flags = if f.modify { 0 } else { NLM_F_CREATE };
        if f.echo {
            flags |= NLM_F_ECHO;
        }
        let h = self.flow_hdr(cmd, dp, flags);
        let r = self.client.transact(h, false, |w| {
            w.attr(fl::OVS_FLOW_ATTR_KEY, &id.key);
            if !mask.is_empty() {
                w.attr(fl::OVS_FLOW_ATTR_MASK, mask);
            }
            w.attr(fl::OVS_FLOW_ATTR_ACTIONS, actions);
            if let Some(u) = &id.ufid {
                w.attr(fl::OVS_FLOW_ATTR_UFID, u);
            }
            if f.clear {
                w.attr_flag(fl::OVS_FLOW_ATTR_CLEAR);
            }
        })?;
        Ok(r.first().map(FlowInfo::decode))
    }

    /// Reads one flow by UFID (or key).
    pub fn get_flow(&mut self, dp: i32, id: &FlowId) -> Result<FlowInfo, Errno> {
        let h = self.flow_hdr(fl::OVS_FLOW_CMD_GET, dp, NLM_F_ECHO);
        let r = self.client.transact(h, false, |w| put_id(w, id))?;
        r.first().map(FlowInfo::decode).ok_or(Errno(libc::EPROTO))
    }

    /// Deletes one flow by UFID (or key); with `echo`, returns it as it
    /// was (its final statistics).
    pub fn del_flow(
        &mut self,
        dp: i32,
        id: &FlowId,
        echo: bool,
    ) -> Result<Option<FlowInfo>, Errno> {
        let flags = if echo { NLM_F_ECHO } else { 0 };
        let h = self.flow_hdr(fl::OVS_FLOW_CMD_DEL, dp, flags);
        let r = self.client.transact(h, false, |w| put_id(w, id))?;
        Ok(r.first().map(FlowInfo::decode))
    }

    /// Deletes every flow of the datapath.
    pub fn flush_flows(&mut self, dp: i32) -> Result<(), Errno> {
        let h = self.flow_hdr(fl::OVS_FLOW_CMD_DEL, dp, 0);
        self.client.transact(h, false, |_| {})?;
        Ok(())
    }

    /// Every flow of the datapath.
    pub fn dump_flows(&mut self, dp: i32) -> Result<Vec<FlowInfo>, Errno> {
        let h = self.flow_hdr(fl::OVS_FLOW_CMD_GET, dp, 0);
        let r = self.client.transact(h, true, |_| {})?;
        Ok(r.iter().map(FlowInfo::decode).collect())
    }
}

fn put_id(w: &mut genl::Writer, id: &FlowId) {
    if !id.key.is_empty() {
        w.attr(fl::OVS_FLOW_ATTR_KEY, &id.key);
    }
    if let Some(u) = &id.ufid {
        w.attr(fl::OVS_FLOW_ATTR_UFID, u);
    }
}
