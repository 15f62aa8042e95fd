//! The point of the 2026 series: with another holder of RTNL and a vport NEW
//! waiting for it inside `ovs_mutex`, a flow NEW on the same datapath
//! completes at once with `--locking decoupled` and waits with `legacy`.

mod common;

use common::{core_with, Client, A};
use genl::nlmsg::NLM_F_ACK;
use genl::ovs::datapath::*;
use genl::ovs::flow::*;
use genl::ovs::vport::*;
use ovsd::core::{CoreConfig, Locking};
use std::sync::mpsc;
use std::time::Duration;

/// `in_port(1),eth(02:00:00:00:00:01 > 02:00:00:00:00:02),eth_type(0x88cc)`
/// with actions `output(0)`.
fn flow_attrs() -> Vec<A> {
    vec![
        A::Nest(
            OVS_FLOW_ATTR_KEY,
            vec![
                A::U32(3, 1),
                A::Raw(4, vec![2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2]),
                A::Raw(6, vec![0x88, 0xcc]),
            ],
        ),
        A::Nest(OVS_FLOW_ATTR_ACTIONS, vec![A::U32(1, 0)]),
    ]
}

/// Runs a flow NEW while a vport NEW is stuck on RTNL; returns whether the
/// flow NEW finished while RTNL was still held elsewhere.
fn flow_new_during_rtnl_contention(locking: Locking) -> bool {
    let rtnl = vport::Rtnl::new(Duration::ZERO);
    let core = core_with(CoreConfig {
        rtnl: rtnl.clone(),
        locking,
        ..CoreConfig::default()
    });
    let mut setup = Client::new(&core, 1);
    setup.echo(
        "ovs_datapath",
        OVS_DP_CMD_NEW,
        0,
        &[
            A::Str(OVS_DP_ATTR_NAME, "dp0"),
            A::U32(OVS_DP_ATTR_UPCALL_PID, 0),
        ],
    );

    let contender = rtnl.lock();
    let c1 = core.clone();
    let vport_new = std::thread::spawn(move || {
        let mut c = Client::new(&c1, 2);
        let r = c.req(
            "ovs_vport",
            OVS_VPORT_CMD_NEW,
            NLM_F_ACK,
            2,
            &[
                A::Str(OVS_VPORT_ATTR_NAME, "p1"),
                A::U32(OVS_VPORT_ATTR_TYPE, OVS_VPORT_TYPE_INTERNAL),
                A::U32(OVS_VPORT_ATTR_UPCALL_PID, 0),
            ],
        );
        assert_eq!(r.last().and_then(|m| m.errno()), Some(0));
    });
    while !core.ovs_mutex_is_held() {
        std::thread::yield_now();
    }
    let (tx, rx) = mpsc::channel();
    let c2 = core.clone();
    let flow_new = std::thread::spawn(move || {
        let mut c = Client::new(&c2, 3);
        let r = c.req("ovs_flow", OVS_FLOW_CMD_NEW, NLM_F_ACK, 2, &flow_attrs());
        tx.send(r.last().and_then(|m| m.errno())).unwrap();
    });
    // decoupled: done while RTNL is still held (it returns as soon as the
    // flow is in); legacy: it cannot finish before RTNL is released, so a
    // short look suffices
    let window = match locking {
        Locking::Decoupled => Duration::from_secs(10),
        Locking::Legacy => Duration::from_millis(300),
    };
    let finished_early = match rx.recv_timeout(window) {
        Ok(errno) => {
            assert_eq!(errno, Some(0));
            true
        }
        Err(_) => false,
    };
    drop(contender);
    vport_new.join().unwrap();
    if !finished_early {
        assert_eq!(rx.recv_timeout(Duration::from_secs(30)).unwrap(), Some(0));
    }
    flow_new.join().unwrap();
    // either way the flow is there afterwards
    let mut c = Client::new(&core, 4);
    let (flows, err) = c.dump("ovs_flow", OVS_FLOW_CMD_GET, 2);
    assert_eq!((flows.len(), err), (1, 0));
    finished_early
}

#[test]
fn decoupled_flow_setup_does_not_wait_for_rtnl() {
    assert!(flow_new_during_rtnl_contention(Locking::Decoupled));
}

#[test]
fn legacy_flow_setup_waits_behind_rtnl() {
    assert!(!flow_new_during_rtnl_contention(Locking::Legacy));
}

#[test]
fn a_flow_op_that_pinned_the_table_outlives_the_datapath() {
    // the flow NEW holds its table's lock for 300 ms (injected)
    let core = core_with(CoreConfig {
        faults: ovsd::core::faults::Faults::new(vec!["ovs_flow:new:delay=300ms".parse().unwrap()]),
        ..CoreConfig::default()
    });
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
    let c1 = core.clone();
    let late = std::thread::spawn(move || {
        let mut c = Client::new(&c1, 2);
        let r = c.req("ovs_flow", OVS_FLOW_CMD_NEW, NLM_F_ACK, 2, &flow_attrs());
        r.last().and_then(|m| m.errno())
    });
    while !core.flow_table_is_locked(2) {
        std::thread::yield_now();
    }
    // DP DEL takes ovs_mutex only: it does not wait for the table
    assert_eq!(c.errno("ovs_datapath", OVS_DP_CMD_DEL, 2, &[]), 0);
    // the op that pinned the table finishes successfully...
    assert_eq!(late.join().unwrap(), Some(0));
    // ...and later ones find no datapath
    assert_eq!(
        c.errno("ovs_flow", OVS_FLOW_CMD_NEW, 2, &flow_attrs()),
        libc::ENODEV
    );
}
