//! `execute [DP] FLOW ACTIONS PACKET`: runs actions on a packet given in
//! hex (`OVS_PACKET_CMD_EXECUTE`); FLOW supplies the metadata (`in_port`,
//! `skb_mark`, `recirc_id`, tunnel, …), the rest of the key comes from the
//! packet. Not an ovs-dpctl command: a way to make ACTION upcalls and
//! traffic without a net device.

use crate::ctx::Ctx;
use crate::errors::{CmdResult, Failure};
use crate::odp;

/// `execute [DP] FLOW ACTIONS PACKET`.
pub fn execute(ctx: &Ctx, args: &[String]) -> CmdResult {
    let (mut dpif, dp, _) = ctx.opt_dp(args, 5)?;
    let n = args.len();
    let (key_s, actions_s, packet_s) = (&args[n - 3], &args[n - 2], &args[n - 1]);
    let ports = crate::commands::show::port_names(&mut dpif, &dp)
        .into_iter()
        .map(|(no, name)| (name, no))
        .collect::<Vec<_>>();
    let (key, _) = odp::parse_flow(key_s, Some(&ports))
        .map_err(|e| Failure::new(format!("parsing flow key ({e})"), libc::EINVAL))?;
    let actions = odp::parse_actions(actions_s, Some(&ports))
        .map_err(|e| Failure::new(format!("parsing actions ({e})"), libc::EINVAL))?;
    let packet = odp::lex::hex_bytes(packet_s).ok_or_else(|| {
        Failure::new(
            format!("parsing packet (\"{packet_s}\" is not hex bytes)"),
            libc::EINVAL,
        )
    })?;
    dpif.execute(dp.ifindex, &key, &actions, &packet)
        .map_err(|e| Failure::new("executing packet", e.0))
}
