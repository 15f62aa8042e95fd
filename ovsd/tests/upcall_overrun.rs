//! An upcall receiver that does not read, through ovsd's real socket: once
//! its receive buffer is full (`net.core.rmem_default`, or what it set with
//! `SO_RCVBUF`/`SO_RCVBUFFORCE`), upcalls are lost (`n_lost`) and its reads
//! report `ENOBUFS` exactly once besides the upcalls that did fit — as a
//! kernel netlink socket that overflowed.

use genl::nlmsg::{NLM_F_ACK, NLM_F_REQUEST};
use genl::ovs::datapath::*;
use genl::ovs::vport::*;
use genl::Writer;
use ovsd::client::NlSocket;
use ovsd::core::{Core, CoreConfig};
use ovsd::transport::Listener;
use std::io::ErrorKind;
use std::sync::Arc;

fn request(core: &Core, family: &str, cmd: u8, dp: u32, put: impl FnOnce(&mut Writer)) -> Vec<u8> {
    let fam = core.registry().by_name(family.as_bytes()).unwrap();
    let mut w = Writer::new();
    let m = w.begin_msg(fam.id, NLM_F_REQUEST | NLM_F_ACK, 1, 0);
    w.genl_hdr(cmd, fam.spec.version as u8);
    w.put_u32(dp);
    put(&mut w);
    w.end_msg(m);
    w.take()
}

/// `OVS_DP_ATTR_STATS`' `n_lost`.
fn n_lost(core: &Core, s: &mut NlSocket, buf: &mut [u8]) -> u64 {
    s.send(&request(core, "ovs_datapath", OVS_DP_CMD_GET, 2, |_| {}))
        .unwrap();
    let n = s.recv(buf, true).unwrap();
    let m = genl::nlmsg::MsgIter::new(&buf[..n]).next().unwrap();
    let stats = genl::attr::AttrIter::new(&m.payload()[8..])
        .find(|a| a.kind == OVS_DP_ATTR_STATS)
        .unwrap();
    u64::from_ne_bytes(stats.payload[16..24].try_into().unwrap())
}

/// Floods a receiver whose receive buffer is `rcvbuf` (None: the default)
/// with 9000-byte MISS upcalls; returns how many arrived.
fn flood(rcvbuf: Option<u32>) -> u64 {
    let dir = std::env::temp_dir().join(format!("ovsd-overrun-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("ovsd.sock");
    let listener = Arc::new(Listener::bind(&path).unwrap());
    let core = Core::new(CoreConfig {
        backend: Arc::new(vport::VirtualBackend::with_first_ifindex(2)),
        ..CoreConfig::default()
    });
    let (l, c2) = (listener.clone(), core.clone());
    std::thread::spawn(move || l.serve(c2));

    let mut handler = NlSocket::connect(&path).unwrap();
    if let Some(b) = rcvbuf {
        handler.set_rcvbuf(b, true).unwrap();
    }
    let mut admin = NlSocket::connect(&path).unwrap();
    let mut buf = vec![0u8; 1 << 17];
    let pid = handler.portid();
    for req in [
        request(&core, "ovs_datapath", OVS_DP_CMD_NEW, 0, |w| {
            w.attr_str(OVS_DP_ATTR_NAME, b"dp0");
            w.attr_u32(OVS_DP_ATTR_UPCALL_PID, pid);
        }),
        request(&core, "ovs_vport", OVS_VPORT_CMD_NEW, 2, |w| {
            w.attr_str(OVS_VPORT_ATTR_NAME, b"p1");
            w.attr_u32(OVS_VPORT_ATTR_TYPE, OVS_VPORT_TYPE_INTERNAL);
            w.attr_u32(OVS_VPORT_ATTR_UPCALL_PID, pid);
        }),
    ] {
        admin.send(&req).unwrap();
        admin.recv(&mut buf, true).unwrap();
    }

    // 9000-byte frames, 27 MB: well past any receive buffer here
    let mut frame = vec![0xffu8; 6];
    frame.extend_from_slice(&[2, 0, 0, 0, 0, 1, 0x88, 0xcc]);
    frame.resize(9000, 0);
    let sent = 3000u64;
    for _ in 0..sent {
        assert!(core.inject("p1", &frame));
    }
    let lost = n_lost(&core, &mut admin, &mut buf);
    assert!(lost > 0, "nothing was lost");

    let (mut got, mut enobufs) = (0u64, 0);
    loop {
        match handler.recv(&mut buf, false) {
            Ok(_) => got += 1,
            Err(e) if e.raw_os_error() == Some(libc::ENOBUFS) => enobufs += 1,
            Err(e) if e.kind() == ErrorKind::WouldBlock => break,
            Err(e) => panic!("{e}"),
        }
    }
    assert_eq!(enobufs, 1, "one ENOBUFS per overflow");
    assert_eq!(got + lost, sent, "every upcall either arrived or was lost");

    // caught up: new upcalls arrive again, without another ENOBUFS
    assert!(core.inject("p1", &frame));
    assert!(handler.recv(&mut buf, true).is_ok());
    drop(listener);
    let _ = std::fs::remove_dir_all(&dir);
    got
}

#[test]
fn a_receiver_that_falls_behind_sees_enobufs_once() {
    let default = flood(None);
    // what fits is about the receive buffer: a few hundred KiB by default
    assert!(default >= 5, "{default} upcalls fit");
    assert!(default * 9000 < 4 << 20, "{default} upcalls fit");
    // SO_RCVBUFFORCE 4 MiB (8 MiB as the kernel doubles it): far more fit
    let big = flood(Some(4 << 20));
    assert!(big > default * 4, "{big} vs {default} upcalls");
}
