//! Flow command behaviour beyond the recorded traces.

mod common;

use common::{core, Client, A};
use genl::nlmsg::{NLM_F_ACK, NLM_F_ECHO};
use genl::ovs::datapath::*;
use genl::ovs::flow::*;

fn key() -> A {
    A::Nest(
        OVS_FLOW_ATTR_KEY,
        vec![
            A::U32(3, 1),
            A::Raw(4, vec![2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2]),
            A::Raw(6, vec![0x88, 0xcc]),
        ],
    )
}

#[test]
fn a_dump_record_too_big_for_its_part_goes_without_actions() {
    let core = core();
    let mut c = Client::new(&core, 1);
    c.echo(
        "ovs_datapath",
        OVS_DP_CMD_NEW,
        0,
        &[
            A::Str(OVS_DP_ATTR_NAME, "dp0"),
            A::U32(OVS_DP_ATTR_UPCALL_PID, 0),
        ],
    );
    // 4000 output actions: 32000 bytes, under MAX_ACTIONS_BUFSIZE, but the
    // record no longer fits a dump part
    let outputs: Vec<A> = (0..4000).map(|i| A::U32(1, i % 3)).collect();
    let ufid = A::Raw(OVS_FLOW_ATTR_UFID, vec![7; 16]);
    let r = c.req(
        "ovs_flow",
        OVS_FLOW_CMD_NEW,
        NLM_F_ACK,
        2,
        &[ufid.clone(), key(), A::Nest(OVS_FLOW_ATTR_ACTIONS, outputs)],
    );
    assert_eq!(r.last().and_then(|m| m.errno()), Some(0));
    let (recs, err) = c.dump("ovs_flow", OVS_FLOW_CMD_GET, 2);
    assert_eq!((recs.len(), err), (1, 0));
    assert!(recs[0].attr(OVS_FLOW_ATTR_UFID).is_some());
    assert!(
        recs[0].attr(OVS_FLOW_ATTR_ACTIONS).is_none(),
        "actions dropped from the oversized record"
    );
    // a GET (sized for the flow) still has them
    let g = c.echo("ovs_flow", OVS_FLOW_CMD_GET, 2, &[ufid]);
    assert_eq!(g.attr(OVS_FLOW_ATTR_ACTIONS).map(|a| a.len()), Some(32000));
}

#[test]
fn replies_are_built_only_for_an_echo_or_a_listener() {
    let core = core();
    let mut c = Client::new(&core, 1);
    c.echo(
        "ovs_datapath",
        OVS_DP_CMD_NEW,
        0,
        &[
            A::Str(OVS_DP_ATTR_NAME, "dp0"),
            A::U32(OVS_DP_ATTR_UPCALL_PID, 0),
        ],
    );
    let acts = A::Nest(OVS_FLOW_ATTR_ACTIONS, vec![A::U32(1, 0)]);
    // no ECHO, no listener: only the ACK
    let r = c.req(
        "ovs_flow",
        OVS_FLOW_CMD_NEW,
        NLM_F_ACK,
        2,
        &[key(), acts.clone()],
    );
    assert_eq!(r.len(), 1);
    // a listener on ovs_flow gets the NEW (and the requester with ECHO the reply)
    let mut l = Client::new(&core, 2);
    let group = l.group("ovs_flow");
    core.setsockopt(&mut l.sock, 1, group).unwrap();
    let r = c.req(
        "ovs_flow",
        OVS_FLOW_CMD_SET,
        NLM_F_ACK | NLM_F_ECHO,
        2,
        &[key(), acts],
    );
    assert_eq!((r.len(), r[0].cmd()), (2, OVS_FLOW_CMD_SET));
    assert_eq!(l.mcast.take().len(), 1);
    // DEL without KEY or UFID flushes everything, silently
    let r = c.req("ovs_flow", OVS_FLOW_CMD_DEL, NLM_F_ACK, 2, &[]);
    assert_eq!(r.len(), 1);
    assert!(l.mcast.take().is_empty());
    assert_eq!(c.dump("ovs_flow", OVS_FLOW_CMD_GET, 2).0.len(), 0);
}
