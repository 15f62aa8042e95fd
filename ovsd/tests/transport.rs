//! ovsd's socket protocol end to end, in process: a real listener on a Unix
//! socket, native clients (`ovsd::client::NlSocket`).

use genl::attr::AttrIter;
use genl::ctrl::{CTRL_ATTR_FAMILY_ID, CTRL_ATTR_FAMILY_NAME, CTRL_CMD_GETFAMILY, GENL_ID_CTRL};
use genl::nlmsg::{
    MsgIter, NLMSG_DONE, NLMSG_ERROR, NLM_F_ACK, NLM_F_DUMP, NLM_F_MULTI, NLM_F_REQUEST,
};
use genl::Writer;
use ovsd::client::NlSocket;
use ovsd::core::{Core, CoreConfig};
use ovsd::transport::Listener;
use std::io::ErrorKind;
use std::path::PathBuf;
use std::sync::Arc;

fn start() -> (PathBuf, Arc<Listener>) {
    let dir = std::env::temp_dir().join(format!(
        "ovsd-transport-{}-{:?}",
        std::process::id(),
        std::thread::current().id()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("ovsd.sock");
    let l = Arc::new(Listener::bind(&path).unwrap());
    let l2 = l.clone();
    std::thread::spawn(move || l2.serve(Core::new(CoreConfig::default())));
    (path, l)
}

fn getfamily(name: &str, flags: u16, seq: u32) -> Vec<u8> {
    let mut w = Writer::new();
    let m = w.begin_msg(GENL_ID_CTRL, NLM_F_REQUEST | flags, seq, 0);
    w.genl_hdr(CTRL_CMD_GETFAMILY, 1);
    if !name.is_empty() {
        w.attr_str(CTRL_ATTR_FAMILY_NAME, name.as_bytes());
    }
    w.end_msg(m);
    w.take()
}

fn family_id(reply: &[u8]) -> Option<u16> {
    let m = MsgIter::new(reply).next()?;
    AttrIter::new(&m.payload()[4..])
        .find(|a| a.kind == CTRL_ATTR_FAMILY_ID)
        .and_then(|a| a.u16())
}

#[test]
fn replies_are_queued_when_send_returns() {
    let (path, _l) = start();
    let mut s = NlSocket::connect(&path).unwrap();
    // the first socket of a process gets its tgid
    assert_eq!(s.portid(), std::process::id());
    s.send(&getfamily("ovs_flow", NLM_F_ACK, 1)).unwrap();
    let mut buf = vec![0u8; 65536];
    // non-blocking reads straight after send find the reply, then the ACK
    let n = s.recv(&mut buf, false).unwrap();
    assert_eq!(family_id(&buf[..n]), Some(38));
    let n = s.recv(&mut buf, false).unwrap();
    let ack = MsgIter::new(&buf[..n]).next().unwrap();
    assert_eq!(
        (ack.msg_type(), ack.seq(), ack.pid()),
        (NLMSG_ERROR, 1, s.portid())
    );
    assert_eq!(&ack.payload()[..4], &0i32.to_ne_bytes());
    // and then nothing
    assert_eq!(
        s.recv(&mut buf, false).unwrap_err().kind(),
        ErrorKind::WouldBlock
    );
    // a request with no reply at all still completes
    let mut w = Writer::new();
    let m = w.begin_msg(GENL_ID_CTRL, 0, 2, 0); // not a request: ignored
    w.end_msg(m);
    s.send(w.as_bytes()).unwrap();
    assert_eq!(
        s.recv(&mut buf, false).unwrap_err().kind(),
        ErrorKind::WouldBlock
    );
}

#[test]
fn port_ids_and_bind() {
    let (path, _l) = start();
    let a = NlSocket::connect(&path).unwrap();
    let mut b = NlSocket::connect(&path).unwrap();
    assert_eq!(a.portid(), std::process::id());
    assert!(
        (b.portid() as i32) < -4096,
        "second socket gets a negative id"
    );
    let taken = a.portid();
    let e = b.bind(taken, 0).unwrap_err();
    assert_eq!(e.raw_os_error(), Some(libc::EADDRINUSE));
    b.bind(0x7000_0001, 0).unwrap();
    assert_eq!(b.portid(), 0x7000_0001);
    let e = b.bind(0x7000_0002, 0).unwrap_err();
    assert_eq!(e.raw_os_error(), Some(libc::EINVAL));
    // the tgid is free again once its holder closes
    drop(a);
    std::thread::sleep(std::time::Duration::from_millis(50));
    let c = NlSocket::connect(&path).unwrap();
    assert_eq!(c.portid(), taken);
    // options: unknown -> ENOPROTOOPT, membership of group 0 -> EINVAL
    assert_eq!(
        c.setsockopt(99, 1).unwrap_err().raw_os_error(),
        Some(libc::ENOPROTOOPT)
    );
    assert_eq!(
        c.setsockopt(1, 0).unwrap_err().raw_os_error(),
        Some(libc::EINVAL)
    );
    c.setsockopt(1, 21).unwrap();
    c.setsockopt(11, 1).unwrap();
}

#[test]
fn family_dump_then_done_in_its_own_datagram() {
    let (path, _l) = start();
    let mut s = NlSocket::connect(&path).unwrap();
    s.send(&getfamily("", NLM_F_DUMP | NLM_F_ACK, 9)).unwrap();
    let mut buf = vec![0u8; 65536];
    let mut names = Vec::new();
    loop {
        let n = s.recv(&mut buf, false).unwrap();
        let msgs: Vec<_> = MsgIter::new(&buf[..n]).collect();
        if msgs[0].msg_type() == NLMSG_DONE {
            assert_eq!(msgs.len(), 1, "NLMSG_DONE travels alone");
            assert_eq!(msgs[0].flags(), NLM_F_MULTI);
            assert_eq!(msgs[0].payload(), &0i32.to_ne_bytes());
            break;
        }
        for m in msgs {
            assert_eq!((m.flags(), m.seq()), (NLM_F_MULTI, 9));
            let a = AttrIter::new(&m.payload()[4..])
                .find(|a| a.kind == CTRL_ATTR_FAMILY_NAME)
                .unwrap();
            names.push(String::from_utf8_lossy(a.c_str()).into_owned());
        }
    }
    assert_eq!(
        names,
        [
            "nlctrl",
            "ovs_datapath",
            "ovs_vport",
            "ovs_flow",
            "ovs_packet"
        ]
    );
    // no ACK follows a dump, even with NLM_F_ACK
    assert_eq!(
        s.recv(&mut buf, false).unwrap_err().kind(),
        ErrorKind::WouldBlock
    );
}

#[test]
fn several_requests_in_one_datagram_are_answered_in_order() {
    let (path, _l) = start();
    let mut s = NlSocket::connect(&path).unwrap();
    let mut d = getfamily("ovs_vport", 0, 1);
    d.extend(getfamily("nosuch", 0, 2));
    d.extend(getfamily("ovs_packet", NLM_F_ACK, 3));
    s.send(&d).unwrap();
    let mut buf = vec![0u8; 65536];
    let mut seen = Vec::new();
    while let Ok(n) = s.recv(&mut buf, false) {
        let m = MsgIter::new(&buf[..n]).next().unwrap();
        seen.push((m.seq(), m.msg_type()));
    }
    assert_eq!(
        seen,
        [
            (1, GENL_ID_CTRL),
            (2, NLMSG_ERROR),
            (3, GENL_ID_CTRL),
            (3, NLMSG_ERROR)
        ]
    );
}

#[test]
fn second_listener_on_a_live_socket_is_refused_and_stale_files_are_replaced() {
    let (path, l) = start();
    match Listener::bind(&path) {
        Err(ovsd::transport::ListenError::InUse(_)) => {}
        other => panic!("expected InUse, got {:?}", other.err()),
    }
    // the first one still serves
    let mut s = NlSocket::connect(&path).unwrap();
    s.send(&getfamily("ovs_flow", 0, 1)).unwrap();
    drop(l);
    // a socket file nobody serves is replaced
    let stale = path.with_file_name("stale.sock");
    let _ = std::os::unix::net::UnixListener::bind(&stale).unwrap();
    assert!(stale.exists());
    let l2 = Listener::bind(&stale).unwrap();
    drop(l2);
    assert!(!stale.exists(), "socket file removed on drop");
}
