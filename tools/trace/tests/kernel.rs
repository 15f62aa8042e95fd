//! `record --kernel` against this machine's kernel: only `nlctrl` is
//! needed (no openvswitch module), so it runs anywhere with genetlink.

use ovsd_trace::kernel::Kernel;
use ovsd_trace::record::record;
use ovsd_trace::trace::{messages, Step, Trace};

const SCENARIO: &str = "\
define CTRL_CMD_GETFAMILY 3
define CTRL_ATTR_FAMILY_NAME 2
resolve nlctrl ovsd_nofamily
mcast nlctrl notify
option ext_ack 1
req get nlctrl CTRL_CMD_GETFAMILY REQUEST|ACK 2 - CTRL_ATTR_FAMILY_NAME:str:nlctrl
req missing nlctrl CTRL_CMD_GETFAMILY REQUEST|ACK 2 - CTRL_ATTR_FAMILY_NAME:str:nosuch
option rcvlen 200
option wait_ms 200
req dump_small nlctrl CTRL_CMD_GETFAMILY REQUEST|DUMP 2 -
option rcvlen 65536
req dump nlctrl CTRL_CMD_GETFAMILY REQUEST|DUMP 2 -
wait 1
";

fn nl_type(m: &[u8]) -> u16 {
    u16::from_ne_bytes([m[4], m[5]])
}

#[test]
fn records_nlctrl_from_the_host_kernel() {
    let Ok(mut target) = Kernel::open() else {
        eprintln!("no AF_NETLINK/NETLINK_GENERIC here: skipped");
        return;
    };
    let dir = std::env::temp_dir().join(format!("ovsd-trace-kernel-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("nlctrl.nls");
    std::fs::write(&path, SCENARIO).unwrap();
    let text = record(&path, &mut target).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();

    assert!(text.starts_with("nltrace 1\nkernel Linux "), "{text}");
    assert!(text.contains("\nrcvlen 65536\n"), "{text}");
    assert!(
        text.contains("\nrecv-bad dgram=1 "),
        "a 200-byte buffer cuts the dump"
    );
    let t = Trace::parse(&text).unwrap();
    assert_eq!(Trace::parse(&t.write()).unwrap(), t);
    assert_ne!(t.portid, 0);

    // nlctrl is family 16 with its notify group; the unknown family is not
    let ctrl = t.families.iter().find(|f| f.name == "nlctrl").unwrap();
    assert_eq!(ctrl.id, 16);
    assert!(ctrl.groups.iter().any(|g| g.0 == "notify"));
    assert!(!t.families.iter().any(|f| f.name == "ovsd_nofamily"));
    assert!(t.steps.iter().any(
        |s| matches!(s, Step::Join { family, group, id } if family == "nlctrl" && group == "notify" && *id == ctrl.groups[0].1)
    ));

    // whether the DONE survives the cut depends on the kernel's skb size
    let small = t.blocks().find(|b| b.label == "dump_small").unwrap();
    assert!(
        ["done", "reply"].contains(&small.end.as_str()),
        "{}",
        small.end
    );
    let ends: Vec<(&str, &str)> = t
        .blocks()
        .filter(|b| b.label != "dump_small")
        .map(|b| (b.label.as_str(), b.end.as_str()))
        .collect();
    assert_eq!(
        ends,
        [
            ("resolve:nlctrl", "reply"),
            ("resolve:ovsd_nofamily", "error -2 ENOENT"),
            ("get", "ack"),
            ("missing", "error -2 ENOENT"),
            ("dump", "done"),
        ]
    );
    let blocks: Vec<_> = t.blocks().collect();
    for b in &blocks {
        let seq = u32::from_ne_bytes(b.send[8..12].try_into().unwrap());
        for m in b.recv.iter().flat_map(|d| messages(d)) {
            assert_eq!(u32::from_ne_bytes(m[8..12].try_into().unwrap()), seq);
            assert_eq!(u32::from_ne_bytes(m[12..16].try_into().unwrap()), t.portid);
        }
    }
    // get: the family, then the ack in a datagram of its own
    assert_eq!(blocks[2].recv.len(), 2);
    assert_eq!(nl_type(&blocks[2].recv[0]), 16);
    assert_eq!(nl_type(&blocks[2].recv[1]), 2);
    // the dump: several families with NLM_F_MULTI, then DONE
    let dump: Vec<&[u8]> = blocks[5].recv.iter().flat_map(|d| messages(d)).collect();
    assert!(dump.len() > 2);
    assert!(dump
        .iter()
        .all(|m| u16::from_ne_bytes([m[6], m[7]]) & 2 != 0));
    assert_eq!(nl_type(dump.last().unwrap()), 3);
    // cut at 200 bytes, each datagram is shorter than a whole one
    assert!(blocks[4].recv.iter().all(|d| d.len() <= 200));
}
