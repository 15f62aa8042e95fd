//! The module's kernel log lines: a flow whose actions fail validation logs
//! what `ovs_flow_cmd_new` logs, unless the request was a probe.

mod common;

use common::{core_with, Client, Msg, A};
use genl::nlmsg::NLM_F_ACK;
use genl::ovs::datapath::*;
use genl::ovs::flow::*;
use ovsd::core::kmsg::Kmsg;
use ovsd::core::CoreConfig;
use std::io::{self, Write};
use std::sync::{Arc, Mutex};

#[derive(Clone, Default)]
struct Log(Arc<Mutex<Vec<u8>>>);

impl Write for Log {
    fn write(&mut self, b: &[u8]) -> io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Log {
    fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }
}

#[test]
fn unsafe_actions_are_logged_except_for_probes() {
    let log = Log::default();
    let core = core_with(CoreConfig {
        kmsg: Arc::new(Kmsg::with_writer(Some(Box::new(log.clone())))),
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
    let key = A::Nest(
        OVS_FLOW_ATTR_KEY,
        vec![
            A::U32(3, 1),
            A::Raw(4, vec![0; 12]),
            A::Raw(6, vec![0x08, 0x06]),
            A::Raw(13, vec![0; 24]),
        ],
    );
    // drop(0) followed by an output: "drop must be the last action"
    let bad = A::Nest(OVS_FLOW_ATTR_ACTIONS, vec![A::U32(24, 0), A::U32(1, 2)]);
    let probe = A::Raw(OVS_FLOW_ATTR_PROBE, vec![]);
    let r = c.req(
        "ovs_flow",
        OVS_FLOW_CMD_NEW,
        NLM_F_ACK,
        2,
        &[key.clone(), bad.clone(), probe],
    );
    assert_eq!(r.last().and_then(Msg::errno), Some(libc::EINVAL));
    assert_eq!(log.text(), "", "probes are not logged");
    let r = c.req("ovs_flow", OVS_FLOW_CMD_NEW, NLM_F_ACK, 2, &[key, bad]);
    assert_eq!(r.last().and_then(Msg::errno), Some(libc::EINVAL));
    assert_eq!(
        log.text(),
        "<6>openvswitch: netlink: Flow actions may not be safe on all matching packets.\n"
    );
}
