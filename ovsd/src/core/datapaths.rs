//! The OVS families' commands. The datapath registry is empty until the
//! datapath/vport work lands: lookups answer exactly as a kernel with no
//! datapath does (`ENODEV`, empty dumps); writes are `EOPNOTSUPP`.

use super::dispatch::Request;
use super::dump::DumpKind;
use super::{Core, Outbox, Socket};
use genl::ovs::{datapath as dp, flow, vport};
use genl::{Errno, ExtAck, Writer};

/// `DP_MAX_PORTS`: port numbers are below this.
pub const DP_MAX_PORTS: u32 = 65535;

pub(super) fn doit(
    _core: &Core,
    _sock: &Socket,
    req: &Request<'_>,
    _extack: &mut ExtAck,
    _out: &mut Outbox,
) -> Result<(), Errno> {
    match (req.family.spec.name, req.genl.cmd) {
        // ovs_dp_cmd_get -> lookup_datapath: by name, else by dp_ifindex
        (dp::NAME, dp::OVS_DP_CMD_GET) => Err(Errno::ENODEV),
        // ovs_dp_cmd_new: NAME and UPCALL_PID are required before anything
        (dp::NAME, dp::OVS_DP_CMD_NEW)
            if !req.attrs.has(dp::OVS_DP_ATTR_NAME)
                || !req.attrs.has(dp::OVS_DP_ATTR_UPCALL_PID) =>
        {
            Err(Errno::EINVAL)
        }
        // ovs_flow_cmd_new: "Must have key and actions" comes first
        (flow::NAME, flow::OVS_FLOW_CMD_NEW)
            if !req.attrs.has(flow::OVS_FLOW_ATTR_KEY)
                || !req.attrs.has(flow::OVS_FLOW_ATTR_ACTIONS) =>
        {
            Err(Errno::EINVAL)
        }
        // ovs_vport_cmd_get -> lookup_vport
        (vport::NAME, vport::OVS_VPORT_CMD_GET) => lookup_vport(req).map(|_| ()),
        _ => Err(Errno::EOPNOTSUPP),
    }
}

/// `lookup_vport` with no datapath and no vport.
fn lookup_vport(req: &Request<'_>) -> Result<(), Errno> {
    let a = &req.attrs;
    if a.has(vport::OVS_VPORT_ATTR_IFINDEX) {
        return Err(Errno::EOPNOTSUPP);
    }
    if a.has(vport::OVS_VPORT_ATTR_NAME) {
        return Err(Errno::ENODEV);
    }
    if let Some(port) = a.get(vport::OVS_VPORT_ATTR_PORT_NO) {
        if port.u32().unwrap_or(0) >= DP_MAX_PORTS {
            return Err(Errno::EFBIG);
        }
        return Err(Errno::ENODEV);
    }
    Err(Errno::EINVAL)
}

pub(super) fn start_dump(_core: &Core, req: &Request<'_>) -> Result<DumpKind, Errno> {
    match req.family.spec.name {
        dp::NAME => Ok(DumpKind::Datapaths { cursor: 0 }),
        // ovs_vport_cmd_dump: get_dp(dp_ifindex) fails -> -ENODEV in DONE
        vport::NAME => Ok(DumpKind::Failed(Errno::ENODEV)),
        _ => Err(Errno::EOPNOTSUPP),
    }
}

/// `ovs_dp_cmd_dump`: no datapaths yet, so nothing is ever added.
pub(super) fn dump_datapaths(
    _core: &Core,
    _w: &mut Writer,
    _portid: u32,
    _seq: u32,
    _cursor: &mut usize,
    _limit: usize,
) -> bool {
    false
}
