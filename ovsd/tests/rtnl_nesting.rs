//! RTNL nests inside `ovs_mutex`: with another holder of RTNL, a vport NEW
//! (which creates a net device) waits for RTNL while holding `ovs_mutex`, and
//! a datapath GET (which needs `ovs_mutex`) waits behind it.

mod common;

use common::{core_with, Client, A};
use genl::nlmsg::NLM_F_ACK;
use genl::ovs::datapath::*;
use genl::ovs::vport::*;
use ovsd::core::CoreConfig;
use std::sync::mpsc;
use std::time::Duration;

#[test]
fn vport_new_holds_ovs_mutex_while_waiting_for_rtnl() {
    let rtnl = vport::Rtnl::new(Duration::ZERO);
    let core = core_with(CoreConfig {
        rtnl: rtnl.clone(),
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

    // the contender: this thread holds RTNL
    let contender = rtnl.lock();
    let (tx, rx) = mpsc::channel::<&'static str>();

    let (c1, tx1) = (core.clone(), tx.clone());
    let a = std::thread::spawn(move || {
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
        tx1.send("vport_new").unwrap();
    });
    // wait until the vport NEW holds ovs_mutex (it then blocks on RTNL)
    while !core.ovs_mutex_is_held() {
        std::thread::yield_now();
    }
    let (c2, tx2) = (core.clone(), tx.clone());
    let b = std::thread::spawn(move || {
        let mut c = Client::new(&c2, 3);
        let r = c.req("ovs_datapath", OVS_DP_CMD_GET, NLM_F_ACK, 2, &[]);
        assert_eq!(r.last().and_then(|m| m.errno()), Some(0));
        tx2.send("dp_get").unwrap();
    });
    // neither can finish while RTNL is held elsewhere
    assert!(rx.recv_timeout(Duration::from_millis(200)).is_err());
    assert!(core.ovs_mutex_is_held());
    // a vport GET is RCU-only: it does not wait
    let mut reader = Client::new(&core, 4);
    let g = reader.req(
        "ovs_vport",
        OVS_VPORT_CMD_GET,
        NLM_F_ACK,
        2,
        &[A::U32(OVS_VPORT_ATTR_PORT_NO, 0)],
    );
    assert_eq!(g.last().and_then(|m| m.errno()), Some(0));

    // releasing RTNL lets the vport NEW finish, and then the GET (which of
    // the two threads reports first after that is a race)
    drop(contender);
    let mut done = [
        rx.recv_timeout(Duration::from_secs(30)).unwrap(),
        rx.recv_timeout(Duration::from_secs(30)).unwrap(),
    ];
    done.sort();
    assert_eq!(done, ["dp_get", "vport_new"]);
    a.join().unwrap();
    b.join().unwrap();

    // the instrumentation saw both waits
    let stats = core.lock_stats();
    let by_name = |n: &str| stats.iter().find(|s| s.name == n).unwrap();
    assert!(
        by_name("ovs_mutex").wait.max >= 100_000_000,
        "DP GET waited for ovs_mutex"
    );
    assert!(
        by_name("rtnl").wait.max >= 100_000_000,
        "vport NEW waited for RTNL"
    );
}
