//! The actions that hand the packet out: `OUTPUT` (`do_output`),
//! `USERSPACE` (`output_userspace`), `PSAMPLE` (`execute_psample`).

use flowtable::actions::{Action, Psample, TunnelInfo, Userspace};
use flowtable::packet::NO_OFFSET;
use flowtable::Packet;

use crate::skb::{KeyState, Skb};
use crate::{ActionUpcall, Env, PsampleReport};

/// The length a `TRUNC` lets through, if it cuts this packet
/// (`OVS_CB(skb)->cutlen < skb->len`).
fn cut_to(pkt: &Packet) -> Option<usize> {
    let c = pkt.cutlen as usize;
    (pkt.cutlen != 0 && c < pkt.len()).then_some(c)
}

/// Drops header offsets past the end of a truncated copy.
fn clamp_offsets(p: &mut Packet) {
    let len = p.data.len();
    for o in [&mut p.network, &mut p.transport, &mut p.inner_network] {
        if *o != NO_OFFSET && *o as usize > len {
            *o = NO_OFFSET;
        }
    }
}

/// `do_output`: `TRUNC` applied (to at least the MAC header,
/// `ovs_mac_header_len`), then [`Env::output`]. When the output is the last
/// action the packet itself is trimmed, else a trimmed copy goes out (the
/// kernel's `skb_clone` + `pskb_trim`).
pub(crate) fn do_output(
    env: &mut dyn Env,
    skb: &mut Skb,
    port: u32,
    kx: &KeyState<'_>,
    last: bool,
) {
    let Some(cut) = cut_to(&skb.pkt) else {
        env.output(port, &skb.pkt);
        return;
    };
    let keep = cut.max(kx.mac_header_len()).min(skb.pkt.len());
    if last {
        skb.pkt.data.truncate(keep);
        clamp_offsets(&mut skb.pkt);
        env.output(port, &skb.pkt);
        return;
    }
    let data = std::mem::take(&mut skb.pkt.data);
    let mut copy = skb.pkt.clone();
    copy.data = data[..keep].to_vec();
    skb.pkt.data = data;
    clamp_offsets(&mut copy);
    env.output(port, &copy);
}

/// `output_userspace`: an `OVS_PACKET_CMD_ACTION` upcall carrying `acts`
/// (the list being executed) when the action asks for it. The result is
/// ignored, as `do_execute_actions` ignores it.
pub(crate) fn output_userspace(
    env: &mut dyn Env,
    skb: &Skb,
    kx: &KeyState<'_>,
    u: &Userspace,
    acts: &[Action],
) {
    let pkt = &skb.pkt;
    let wire = pkt.wire_len();
    // queue_userspace_packet: min(skb->len, cutlen) after the accelerated
    // tag went back into the frame.
    let cutlen = if pkt.cutlen != 0 && (pkt.cutlen as usize) < wire {
        (wire - pkt.cutlen as usize) as u32
    } else {
        0
    };
    // dev_fill_metadata_dst needs transmit tunnel info on the packet.
    let egress_tun = u
        .egress_tun_port
        .and(pkt.tun_info.as_deref())
        .filter(|t| t.mode & TunnelInfo::MODE_TX != 0);
    let up = ActionUpcall {
        pid: u.pid,
        userdata: u.userdata.as_deref(),
        actions: u.actions.then_some(acts),
        egress_tun,
        egress_tun_port: u.egress_tun_port,
        cutlen,
    };
    let _ = env.userspace(pkt, kx.key, &up);
}

/// `execute_psample`: reports the packet to [`Env::psample`] with the
/// enclosing `SAMPLE`'s probability as the rate.
pub(crate) fn execute_psample(env: &mut dyn Env, skb: &Skb, ps: &Psample) {
    let pkt = &skb.pkt;
    let trunc_size = if pkt.cutlen != 0 {
        pkt.len().min(pkt.cutlen as usize)
    } else {
        pkt.len()
    };
    let report = PsampleReport {
        group: ps.group,
        cookie: ps.cookie.as_deref(),
        rate: if skb.probability != 0 {
            skb.probability
        } else {
            u32::MAX
        },
        trunc_size,
    };
    env.psample(pkt, &report);
}
