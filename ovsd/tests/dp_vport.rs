//! The datapath and vport families against the kernel contract
//! (`kernel-genl.md` §3.1–3.6, §5.1–5.4): every errno path, replies,
//! ECHO and multicast rules, dump order, port numbers.

mod common;

use common::{core, Client, A};
use genl::nlmsg::{NLM_F_ACK, NLM_F_ECHO};
use genl::ovs::datapath::*;
use genl::ovs::vport::*;

const DP: &str = "ovs_datapath";
const VP: &str = "ovs_vport";
const EINVAL: i32 = libc::EINVAL;
const ENODEV: i32 = libc::ENODEV;

fn new_dp(c: &mut Client, name: &'static str) -> i32 {
    let m = c.echo(
        DP,
        OVS_DP_CMD_NEW,
        0,
        &[
            A::Str(OVS_DP_ATTR_NAME, name),
            A::U32(OVS_DP_ATTR_UPCALL_PID, 0),
        ],
    );
    m.dp_ifindex()
}

fn new_port(c: &mut Client, dp: i32, name: &'static str, extra: &[A]) -> Result<common::Msg, i32> {
    let mut attrs = vec![
        A::Str(OVS_VPORT_ATTR_NAME, name),
        A::U32(OVS_VPORT_ATTR_TYPE, OVS_VPORT_TYPE_INTERNAL),
        A::U32(OVS_VPORT_ATTR_UPCALL_PID, 0),
    ];
    attrs.extend_from_slice(extra);
    let r = c.req(VP, OVS_VPORT_CMD_NEW, NLM_F_ECHO | NLM_F_ACK, dp, &attrs);
    match r.last().and_then(|m| m.errno()) {
        Some(0) => Ok(r[0].clone()),
        Some(e) => Err(e),
        None => panic!("no ack"),
    }
}

#[test]
fn dp_new_errnos() {
    let core = core();
    let mut c = Client::new(&core, 10);
    // required attributes
    assert_eq!(
        c.errno(DP, OVS_DP_CMD_NEW, 0, &[A::Str(OVS_DP_ATTR_NAME, "d")]),
        EINVAL
    );
    assert_eq!(
        c.errno(DP, OVS_DP_CMD_NEW, 0, &[A::U32(OVS_DP_ATTR_UPCALL_PID, 0)]),
        EINVAL
    );
    let base = [
        A::Str(OVS_DP_ATTR_NAME, "d"),
        A::U32(OVS_DP_ATTR_UPCALL_PID, 0),
    ];
    let with = |extra: A| {
        let mut v = base.to_vec();
        v.push(extra);
        v
    };
    // unknown feature bits, bit 31 included (vswitchd's probe)
    for bit in [1u32 << 4, 1 << 31] {
        assert_eq!(
            c.errno(
                DP,
                OVS_DP_CMD_NEW,
                0,
                &with(A::U32(OVS_DP_ATTR_USER_FEATURES, bit))
            ),
            libc::EOPNOTSUPP
        );
    }
    // masks cache: not a power of two -> EINVAL; above 4096 -> ERANGE (policy)
    assert_eq!(
        c.errno(
            DP,
            OVS_DP_CMD_NEW,
            0,
            &with(A::U32(OVS_DP_ATTR_MASKS_CACHE_SIZE, 100))
        ),
        EINVAL
    );
    assert_eq!(
        c.errno(
            DP,
            OVS_DP_CMD_NEW,
            0,
            &with(A::U32(OVS_DP_ATTR_MASKS_CACHE_SIZE, 8192))
        ),
        libc::ERANGE
    );
    // negative IFINDEX -> ERANGE (policy min 0)
    assert_eq!(
        c.errno(
            DP,
            OVS_DP_CMD_NEW,
            0,
            &with(A::U32(OVS_DP_ATTR_IFINDEX, u32::MAX))
        ),
        libc::ERANGE
    );
    // UPCALL_PID not a multiple of 4 -> EINVAL; shorter than 4 -> ERANGE
    let name = A::Str(OVS_DP_ATTR_NAME, "d");
    assert_eq!(
        c.errno(
            DP,
            OVS_DP_CMD_NEW,
            0,
            &[name.clone(), A::Raw(OVS_DP_ATTR_UPCALL_PID, vec![0; 6])]
        ),
        EINVAL
    );
    assert_eq!(
        c.errno(
            DP,
            OVS_DP_CMD_NEW,
            0,
            &[name.clone(), A::Raw(OVS_DP_ATTR_UPCALL_PID, vec![0; 2])]
        ),
        libc::ERANGE
    );
    // nothing was created by any of these
    assert_eq!(c.dump(DP, OVS_DP_CMD_GET, 0).0.len(), 0);
    // success, then EEXIST; a bad feature bit is checked before the name
    new_dp(&mut c, "d");
    assert_eq!(c.errno(DP, OVS_DP_CMD_NEW, 0, &base), libc::EEXIST);
    assert_eq!(
        c.errno(
            DP,
            OVS_DP_CMD_NEW,
            0,
            &with(A::U32(OVS_DP_ATTR_USER_FEATURES, 1 << 31))
        ),
        libc::EOPNOTSUPP
    );
    // a name taken by a vport of another datapath: EEXIST too
    let d = c
        .echo(DP, OVS_DP_CMD_GET, 0, &[A::Str(OVS_DP_ATTR_NAME, "d")])
        .dp_ifindex();
    new_port(&mut c, d, "p1", &[]).unwrap();
    assert_eq!(
        c.errno(
            DP,
            OVS_DP_CMD_NEW,
            0,
            &[
                A::Str(OVS_DP_ATTR_NAME, "p1"),
                A::U32(OVS_DP_ATTR_UPCALL_PID, 0)
            ]
        ),
        libc::EEXIST
    );
}

#[test]
fn dp_new_legacy_version_resets_features_on_eexist() {
    let core = core();
    let mut c = Client::new(&core, 10);
    let attrs = [
        A::Str(OVS_DP_ATTR_NAME, "dp0"),
        A::U32(OVS_DP_ATTR_UPCALL_PID, 0),
        A::U32(OVS_DP_ATTR_USER_FEATURES, OVS_DP_F_UNALIGNED),
    ];
    c.echo(DP, OVS_DP_CMD_NEW, 0, &attrs);
    // version 2: EEXIST, features kept
    assert_eq!(
        c.req_version(DP, OVS_DP_CMD_NEW, 2, NLM_F_ACK, 0, &attrs)[0].errno(),
        Some(libc::EEXIST)
    );
    let get = |c: &mut Client| {
        c.echo(DP, OVS_DP_CMD_GET, 0, &[A::Str(OVS_DP_ATTR_NAME, "dp0")])
            .u32(OVS_DP_ATTR_USER_FEATURES)
    };
    assert_eq!(get(&mut c), Some(OVS_DP_F_UNALIGNED));
    // version < 2 (ovs-dpctl.py -V 0): EEXIST and the existing dp loses its features
    assert_eq!(
        c.req_version(DP, OVS_DP_CMD_NEW, 1, NLM_F_ACK, 0, &attrs)[0].errno(),
        Some(libc::EEXIST)
    );
    assert_eq!(get(&mut c), Some(0));
}

#[test]
fn dp_reply_and_lookups() {
    let core = core();
    let mut c = Client::new(&core, 10);
    let r = c.echo(
        DP,
        OVS_DP_CMD_NEW,
        0,
        &[
            A::Str(OVS_DP_ATTR_NAME, "dp0"),
            A::U32(OVS_DP_ATTR_UPCALL_PID, 0),
        ],
    );
    assert_eq!((r.cmd(), r.dp_ifindex()), (OVS_DP_CMD_NEW, 2));
    assert_eq!(
        r.kinds(),
        [
            OVS_DP_ATTR_NAME,
            OVS_DP_ATTR_STATS,
            OVS_DP_ATTR_MEGAFLOW_STATS,
            OVS_DP_ATTR_USER_FEATURES,
            OVS_DP_ATTR_MASKS_CACHE_SIZE
        ]
    );
    assert_eq!(r.u32(OVS_DP_ATTR_MASKS_CACHE_SIZE), Some(256));
    // GET by name, by dp_ifindex, by an internal port's ifindex
    let p1 = new_port(&mut c, 2, "p1", &[])
        .unwrap()
        .u32(OVS_VPORT_ATTR_IFINDEX)
        .unwrap() as i32;
    for (ifindex, attrs) in [
        (0, vec![A::Str(OVS_DP_ATTR_NAME, "dp0")]),
        (2, vec![]),
        (p1, vec![]),
    ] {
        let g = c.echo(DP, OVS_DP_CMD_GET, ifindex, &attrs);
        assert_eq!((g.cmd(), g.dp_ifindex()), (OVS_DP_CMD_GET, 2));
    }
    // ENODEV: unknown name, the name of a non-local port, unknown ifindex
    assert_eq!(
        c.errno(DP, OVS_DP_CMD_GET, 0, &[A::Str(OVS_DP_ATTR_NAME, "p1")]),
        ENODEV
    );
    assert_eq!(
        c.errno(DP, OVS_DP_CMD_GET, 0, &[A::Str(OVS_DP_ATTR_NAME, "x")]),
        ENODEV
    );
    assert_eq!(c.errno(DP, OVS_DP_CMD_GET, 9999, &[]), ENODEV);
    assert_eq!(c.errno(DP, OVS_DP_CMD_DEL, 9999, &[]), ENODEV);
    assert_eq!(c.errno(DP, OVS_DP_CMD_SET, 9999, &[]), ENODEV);
    // dumps in creation order
    new_dp(&mut c, "dp1");
    let (recs, err) = c.dump(DP, OVS_DP_CMD_GET, 0);
    assert_eq!(err, 0);
    let names: Vec<Vec<u8>> = recs
        .iter()
        .map(|m| m.attr(OVS_DP_ATTR_NAME).unwrap())
        .collect();
    assert_eq!(names, [b"dp0\0".to_vec(), b"dp1\0".to_vec()]);
    // DEL by name: the reply is built before destruction; its ports go too
    let d = c.echo(DP, OVS_DP_CMD_DEL, 0, &[A::Str(OVS_DP_ATTR_NAME, "dp0")]);
    assert_eq!(d.cmd(), OVS_DP_CMD_DEL);
    assert_eq!(
        c.errno(
            VP,
            OVS_VPORT_CMD_GET,
            0,
            &[A::Str(OVS_VPORT_ATTR_NAME, "p1")]
        ),
        ENODEV
    );
    assert_eq!(
        c.errno(DP, OVS_DP_CMD_DEL, 0, &[A::Str(OVS_DP_ATTR_NAME, "dp0")]),
        ENODEV
    );
}

#[test]
fn dp_set_features_cache_and_per_cpu_pids() {
    let core = core();
    let mut c = Client::new(&core, 10);
    new_dp(&mut c, "dp0");
    let set =
        |c: &mut Client, attrs: &[A]| c.req(DP, OVS_DP_CMD_SET, NLM_F_ECHO | NLM_F_ACK, 2, attrs);
    let r = set(
        &mut c,
        &[A::U32(
            OVS_DP_ATTR_USER_FEATURES,
            OVS_DP_F_UNALIGNED | OVS_DP_F_VPORT_PIDS,
        )],
    );
    assert_eq!(r[0].u32(OVS_DP_ATTR_USER_FEATURES), Some(3));
    // SET without USER_FEATURES resets them to 0
    let r = set(&mut c, &[]);
    assert_eq!(r[0].u32(OVS_DP_ATTR_USER_FEATURES), Some(0));
    assert_eq!(
        set(&mut c, &[A::U32(OVS_DP_ATTR_USER_FEATURES, 1 << 20)])[0].errno(),
        Some(libc::EOPNOTSUPP)
    );
    assert_eq!(
        set(&mut c, &[A::U32(OVS_DP_ATTR_MASKS_CACHE_SIZE, 3)])[0].errno(),
        Some(EINVAL)
    );
    let r = set(&mut c, &[A::U32(OVS_DP_ATTR_MASKS_CACHE_SIZE, 0)]);
    assert_eq!(r[0].u32(OVS_DP_ATTR_MASKS_CACHE_SIZE), Some(0));
    // per-CPU pids: only with DISPATCH_UPCALL_PER_CPU; reported up to nr_cpu_ids
    let pids: Vec<u8> = [7u32, 8].iter().flat_map(|p| p.to_ne_bytes()).collect();
    let per_cpu = A::U32(OVS_DP_ATTR_USER_FEATURES, OVS_DP_F_DISPATCH_UPCALL_PER_CPU);
    let r = set(
        &mut c,
        &[
            per_cpu.clone(),
            A::Raw(OVS_DP_ATTR_PER_CPU_PIDS, pids.clone()),
        ],
    );
    let n = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(2);
    assert_eq!(
        r[0].attr(OVS_DP_ATTR_PER_CPU_PIDS).map(|p| p.len()),
        Some(4 * n)
    );
    assert_eq!(
        set(
            &mut c,
            &[per_cpu, A::Raw(OVS_DP_ATTR_PER_CPU_PIDS, vec![1, 2, 3])]
        )[0]
        .errno(),
        Some(EINVAL)
    );
    // without the feature the pids are not reported
    let r = set(&mut c, &[A::Raw(OVS_DP_ATTR_PER_CPU_PIDS, pids)]);
    assert_eq!(r[0].attr(OVS_DP_ATTR_PER_CPU_PIDS), None);
}

#[test]
fn vport_new_errnos() {
    let core = core();
    let mut c = Client::new(&core, 10);
    let d = new_dp(&mut c, "dp0");
    let name = A::Str(OVS_VPORT_ATTR_NAME, "p1");
    let internal = A::U32(OVS_VPORT_ATTR_TYPE, OVS_VPORT_TYPE_INTERNAL);
    let pid = A::U32(OVS_VPORT_ATTR_UPCALL_PID, 0);
    // required NAME, TYPE, UPCALL_PID
    assert_eq!(
        c.errno(VP, OVS_VPORT_CMD_NEW, d, &[name.clone(), internal.clone()]),
        EINVAL
    );
    assert_eq!(
        c.errno(VP, OVS_VPORT_CMD_NEW, d, &[name.clone(), pid.clone()]),
        EINVAL
    );
    assert_eq!(
        c.errno(VP, OVS_VPORT_CMD_NEW, d, &[internal.clone(), pid.clone()]),
        EINVAL
    );
    // IFINDEX is only for internal ports
    let netdev = A::U32(OVS_VPORT_ATTR_TYPE, OVS_VPORT_TYPE_NETDEV);
    assert_eq!(
        c.errno(
            VP,
            OVS_VPORT_CMD_NEW,
            d,
            &[
                name.clone(),
                netdev.clone(),
                pid.clone(),
                A::U32(OVS_VPORT_ATTR_IFINDEX, 50)
            ]
        ),
        libc::EOPNOTSUPP
    );
    // port number >= 65535
    assert_eq!(
        new_port(&mut c, d, "p1", &[A::U32(OVS_VPORT_ATTR_PORT_NO, 65535)]),
        Err(libc::EFBIG)
    );
    // no such datapath
    assert_eq!(new_port(&mut c, 9999, "p1", &[]), Err(ENODEV));
    // unknown type
    assert_eq!(
        c.errno(
            VP,
            OVS_VPORT_CMD_NEW,
            d,
            &[name.clone(), A::U32(OVS_VPORT_ATTR_TYPE, 9), pid.clone()]
        ),
        libc::EAFNOSUPPORT
    );
    // UPCALL_PID empty or not a multiple of 4
    assert_eq!(
        c.errno(
            VP,
            OVS_VPORT_CMD_NEW,
            d,
            &[
                name.clone(),
                internal.clone(),
                A::Raw(OVS_VPORT_ATTR_UPCALL_PID, vec![])
            ]
        ),
        EINVAL
    );
    assert_eq!(
        c.errno(
            VP,
            OVS_VPORT_CMD_NEW,
            d,
            &[
                name.clone(),
                internal.clone(),
                A::Raw(OVS_VPORT_ATTR_UPCALL_PID, vec![0; 5])
            ]
        ),
        EINVAL
    );
    // netdev that does not exist
    assert_eq!(
        c.errno(
            VP,
            OVS_VPORT_CMD_NEW,
            d,
            &[
                A::Str(OVS_VPORT_ATTR_NAME, "nosuchdev0"),
                netdev.clone(),
                pid.clone()
            ]
        ),
        ENODEV
    );
    // the host's loopback cannot be a netdev vport; nor an OVS internal device
    assert_eq!(
        c.errno(
            VP,
            OVS_VPORT_CMD_NEW,
            d,
            &[
                A::Str(OVS_VPORT_ATTR_NAME, "lo"),
                netdev.clone(),
                pid.clone()
            ]
        ),
        EINVAL
    );
    assert_eq!(
        c.errno(
            VP,
            OVS_VPORT_CMD_NEW,
            d,
            &[A::Str(OVS_VPORT_ATTR_NAME, "dp0"), netdev, pid.clone()]
        ),
        EINVAL
    );
    // tunnels need OPTIONS with a 2-byte DST_PORT
    let vxlan = A::U32(OVS_VPORT_ATTR_TYPE, OVS_VPORT_TYPE_VXLAN);
    let vx = A::Str(OVS_VPORT_ATTR_NAME, "vx0");
    assert_eq!(
        c.errno(
            VP,
            OVS_VPORT_CMD_NEW,
            d,
            &[vx.clone(), vxlan.clone(), pid.clone()]
        ),
        EINVAL
    );
    assert_eq!(
        c.errno(
            VP,
            OVS_VPORT_CMD_NEW,
            d,
            &[
                vx.clone(),
                vxlan.clone(),
                pid.clone(),
                A::Nest(OVS_VPORT_ATTR_OPTIONS, vec![A::U32(1, 4789)])
            ]
        ),
        EINVAL
    );
    // invalid device names
    assert_eq!(new_port(&mut c, d, "a/b", &[]), Err(EINVAL));
    assert_eq!(new_port(&mut c, d, "..", &[]), Err(EINVAL));
    // success, then EEXIST on the name; a name that is a host netdev: EEXIST
    new_port(&mut c, d, "p1", &[]).unwrap();
    assert_eq!(new_port(&mut c, d, "p1", &[]), Err(libc::EEXIST));
    assert_eq!(new_port(&mut c, d, "lo", &[]), Err(libc::EEXIST));
    // explicit port number in use
    assert_eq!(
        new_port(&mut c, d, "p2", &[A::U32(OVS_VPORT_ATTR_PORT_NO, 1)]),
        Err(libc::EBUSY)
    );
    // none of the failures took a port number: the next one is 2
    assert_eq!(
        new_port(&mut c, d, "p2", &[])
            .unwrap()
            .u32(OVS_VPORT_ATTR_PORT_NO),
        Some(2)
    );
    let r = new_port(&mut c, d, "vx0", &[]);
    assert!(r.is_ok());
}

#[test]
fn vport_numbers_replies_and_tunnels() {
    let core = core();
    let mut c = Client::new(&core, 10);
    let d = new_dp(&mut c, "dp0");
    let r = new_port(&mut c, d, "p1", &[]).unwrap();
    assert_eq!((r.cmd(), r.dp_ifindex()), (OVS_VPORT_CMD_NEW, d));
    assert_eq!(r.u32(OVS_VPORT_ATTR_PORT_NO), Some(1));
    // the kernel's reply order (6.12: with UPCALL_STATS)
    assert_eq!(
        r.kinds(),
        [
            OVS_VPORT_ATTR_PORT_NO,
            OVS_VPORT_ATTR_TYPE,
            OVS_VPORT_ATTR_NAME,
            OVS_VPORT_ATTR_IFINDEX,
            OVS_VPORT_ATTR_STATS,
            OVS_VPORT_ATTR_UPCALL_STATS,
            OVS_VPORT_ATTR_UPCALL_PID
        ]
    );
    // explicit number, 0 = auto, freed numbers reused
    assert_eq!(
        new_port(&mut c, d, "p7", &[A::U32(OVS_VPORT_ATTR_PORT_NO, 7)])
            .unwrap()
            .u32(OVS_VPORT_ATTR_PORT_NO),
        Some(7)
    );
    assert_eq!(
        new_port(&mut c, d, "p2", &[A::U32(OVS_VPORT_ATTR_PORT_NO, 0)])
            .unwrap()
            .u32(OVS_VPORT_ATTR_PORT_NO),
        Some(2)
    );
    c.echo(
        VP,
        OVS_VPORT_CMD_DEL,
        0,
        &[A::Str(OVS_VPORT_ATTR_NAME, "p1")],
    );
    assert_eq!(
        new_port(&mut c, d, "p3", &[])
            .unwrap()
            .u32(OVS_VPORT_ATTR_PORT_NO),
        Some(1)
    );
    // a vxlan port reports its options after UPCALL_PID
    let v = c.echo(
        VP,
        OVS_VPORT_CMD_NEW,
        d,
        &[
            A::Str(OVS_VPORT_ATTR_NAME, "vx0"),
            A::U32(OVS_VPORT_ATTR_TYPE, OVS_VPORT_TYPE_VXLAN),
            A::U32(OVS_VPORT_ATTR_UPCALL_PID, 0),
            A::Nest(OVS_VPORT_ATTR_OPTIONS, vec![A::U16(1, 4789)]),
        ],
    );
    assert_eq!(v.kinds().last(), Some(&OVS_VPORT_ATTR_OPTIONS));
    assert_eq!(
        v.attr(OVS_VPORT_ATTR_OPTIONS).unwrap(),
        [6, 0, 1, 0, 0xb5, 0x12, 0, 0]
    );
    // UPCALL_PID: the first pid unless the datapath has VPORT_PIDS
    let pids: Vec<u8> = [5u32, 6].iter().flat_map(|p| p.to_ne_bytes()).collect();
    let s = c.echo(
        VP,
        OVS_VPORT_CMD_SET,
        0,
        &[
            A::Str(OVS_VPORT_ATTR_NAME, "p2"),
            A::Raw(OVS_VPORT_ATTR_UPCALL_PID, pids.clone()),
        ],
    );
    assert_eq!(
        s.attr(OVS_VPORT_ATTR_UPCALL_PID).unwrap(),
        5u32.to_ne_bytes()
    );
    c.echo(
        DP,
        OVS_DP_CMD_SET,
        d,
        &[A::U32(OVS_DP_ATTR_USER_FEATURES, OVS_DP_F_VPORT_PIDS)],
    );
    let g = c.echo(
        VP,
        OVS_VPORT_CMD_GET,
        0,
        &[A::Str(OVS_VPORT_ATTR_NAME, "p2")],
    );
    assert_eq!(g.attr(OVS_VPORT_ATTR_UPCALL_PID).unwrap(), pids);
}

#[test]
fn vport_lookup_errnos() {
    let core = core();
    let mut c = Client::new(&core, 10);
    let d = new_dp(&mut c, "dp0");
    let d1 = new_dp(&mut c, "dp1");
    new_port(&mut c, d, "p1", &[]).unwrap();
    for cmd in [OVS_VPORT_CMD_GET, OVS_VPORT_CMD_SET, OVS_VPORT_CMD_DEL] {
        // IFINDEX is refused; nothing to look up by is EINVAL
        assert_eq!(
            c.errno(VP, cmd, d, &[A::U32(OVS_VPORT_ATTR_IFINDEX, 3)]),
            libc::EOPNOTSUPP,
            "cmd {cmd}"
        );
        assert_eq!(c.errno(VP, cmd, d, &[]), EINVAL);
        // by name: missing, or owned by another datapath than the header's
        assert_eq!(
            c.errno(VP, cmd, 0, &[A::Str(OVS_VPORT_ATTR_NAME, "nosuch")]),
            ENODEV
        );
        assert_eq!(
            c.errno(VP, cmd, d1, &[A::Str(OVS_VPORT_ATTR_NAME, "p1")]),
            ENODEV
        );
        // by number: >= 65535, missing datapath, missing port
        assert_eq!(
            c.errno(VP, cmd, d, &[A::U32(OVS_VPORT_ATTR_PORT_NO, 70000)]),
            libc::EFBIG
        );
        assert_eq!(
            c.errno(VP, cmd, 9999, &[A::U32(OVS_VPORT_ATTR_PORT_NO, 1)]),
            ENODEV
        );
        assert_eq!(
            c.errno(VP, cmd, d, &[A::U32(OVS_VPORT_ATTR_PORT_NO, 42)]),
            ENODEV
        );
    }
    // the name wins over PORT_NO (vswitchd sends both)
    let g = c.echo(
        VP,
        OVS_VPORT_CMD_GET,
        d,
        &[
            A::U32(OVS_VPORT_ATTR_PORT_NO, 0),
            A::Str(OVS_VPORT_ATTR_NAME, "p1"),
        ],
    );
    assert_eq!(g.u32(OVS_VPORT_ATTR_PORT_NO), Some(1));
    // SET: other TYPE -> EINVAL; OPTIONS -> EOPNOTSUPP; bad pids -> EINVAL
    let p1 = A::Str(OVS_VPORT_ATTR_NAME, "p1");
    assert_eq!(
        c.errno(
            VP,
            OVS_VPORT_CMD_SET,
            0,
            &[
                p1.clone(),
                A::U32(OVS_VPORT_ATTR_TYPE, OVS_VPORT_TYPE_NETDEV)
            ]
        ),
        EINVAL
    );
    assert_eq!(
        c.errno(
            VP,
            OVS_VPORT_CMD_SET,
            0,
            &[
                p1.clone(),
                A::U32(OVS_VPORT_ATTR_TYPE, OVS_VPORT_TYPE_INTERNAL)
            ]
        ),
        0
    );
    assert_eq!(
        c.errno(
            VP,
            OVS_VPORT_CMD_SET,
            0,
            &[p1.clone(), A::Nest(OVS_VPORT_ATTR_OPTIONS, vec![])]
        ),
        libc::EOPNOTSUPP
    );
    assert_eq!(
        c.errno(
            VP,
            OVS_VPORT_CMD_SET,
            0,
            &[p1.clone(), A::Raw(OVS_VPORT_ATTR_UPCALL_PID, vec![1, 2])]
        ),
        EINVAL
    );
    // the local port cannot be deleted
    assert_eq!(
        c.errno(
            VP,
            OVS_VPORT_CMD_DEL,
            d,
            &[A::U32(OVS_VPORT_ATTR_PORT_NO, 0)]
        ),
        EINVAL
    );
    // a dump of a missing datapath ends with ENODEV in NLMSG_DONE
    let (recs, err) = c.dump(VP, OVS_VPORT_CMD_GET, 9999);
    assert_eq!((recs.len(), err), (0, ENODEV));
}

#[test]
fn vport_dump_follows_the_hash_buckets() {
    let core = core();
    let mut c = Client::new(&core, 10);
    let d = new_dp(&mut c, "dp0");
    for (name, no) in [("a", 1025u32), ("b", 1), ("c", 2), ("e", 2049)] {
        new_port(&mut c, d, name, &[A::U32(OVS_VPORT_ATTR_PORT_NO, no)]).unwrap();
    }
    let (recs, err) = c.dump(VP, OVS_VPORT_CMD_GET, d);
    assert_eq!(err, 0);
    let order: Vec<u32> = recs
        .iter()
        .map(|m| m.u32(OVS_VPORT_ATTR_PORT_NO).unwrap())
        .collect();
    // bucket = port_no & 1023, newest first inside a bucket
    assert_eq!(order, [0, 2049, 1, 1025, 2]);
}

#[test]
fn notifications_follow_the_echo_rules() {
    let core = core();
    let mut a = Client::new(&core, 10);
    let mut listener = Client::new(&core, 11);
    let dp_group = listener.group(DP);
    let vp_group = listener.group(VP);
    core.setsockopt(&mut listener.sock, 1, dp_group).unwrap();
    core.setsockopt(&mut listener.sock, 1, vp_group).unwrap();
    core.setsockopt(&mut a.sock, 1, vp_group).unwrap();
    // without ECHO: ACK only for the requester, multicast to every member
    let r = a.req(
        DP,
        OVS_DP_CMD_NEW,
        NLM_F_ACK,
        0,
        &[
            A::Str(OVS_DP_ATTR_NAME, "dp0"),
            A::U32(OVS_DP_ATTR_UPCALL_PID, 0),
        ],
    );
    assert_eq!(r.len(), 1);
    assert_eq!(r[0].errno(), Some(0));
    let m = listener.mcast.take();
    assert_eq!(m.len(), 1);
    let note = common::Msg {
        bytes: m[0].clone(),
    };
    assert_eq!((note.cmd(), note.dp_ifindex()), (OVS_DP_CMD_NEW, 2));
    // the notification carries the requester's port id and seq
    assert_eq!(
        u32::from_ne_bytes(m[0][12..16].try_into().unwrap()),
        a.sock.portid()
    );
    // a subscribed requester without ECHO gets the multicast too
    a.req(
        VP,
        OVS_VPORT_CMD_NEW,
        NLM_F_ACK,
        2,
        &[
            A::Str(OVS_VPORT_ATTR_NAME, "p1"),
            A::U32(OVS_VPORT_ATTR_TYPE, OVS_VPORT_TYPE_INTERNAL),
            A::U32(OVS_VPORT_ATTR_UPCALL_PID, 0),
        ],
    );
    assert_eq!(a.mcast.take().len(), 1);
    assert_eq!(listener.mcast.take().len(), 1);
    // with ECHO: unicast reply first, then the ACK; the requester is left
    // out of the multicast, others still get it
    let r = a.req(
        VP,
        OVS_VPORT_CMD_DEL,
        NLM_F_ECHO | NLM_F_ACK,
        0,
        &[A::Str(OVS_VPORT_ATTR_NAME, "p1")],
    );
    assert_eq!(
        (r.len(), r[0].cmd(), r[1].errno()),
        (2, OVS_VPORT_CMD_DEL, Some(0))
    );
    assert_eq!(a.mcast.take().len(), 0);
    assert_eq!(listener.mcast.take().len(), 1);
    // GET is never multicast; errors notify nobody
    a.req(DP, OVS_DP_CMD_GET, NLM_F_ACK, 2, &[]);
    a.req(DP, OVS_DP_CMD_DEL, NLM_F_ACK, 9999, &[]);
    assert!(listener.mcast.take().is_empty());
    // DP DEL notifies the datapath group only (its ports go silently)
    a.req(
        VP,
        OVS_VPORT_CMD_NEW,
        NLM_F_ACK,
        2,
        &[
            A::Str(OVS_VPORT_ATTR_NAME, "p2"),
            A::U32(OVS_VPORT_ATTR_TYPE, OVS_VPORT_TYPE_INTERNAL),
            A::U32(OVS_VPORT_ATTR_UPCALL_PID, 0),
        ],
    );
    listener.mcast.take();
    a.req(DP, OVS_DP_CMD_DEL, NLM_F_ACK, 2, &[]);
    let m = listener.mcast.take();
    assert_eq!(m.len(), 1);
    assert_eq!(
        common::Msg {
            bytes: m[0].clone()
        }
        .cmd(),
        OVS_DP_CMD_DEL
    );
}

#[test]
fn requested_ifindexes() {
    let core = core();
    let mut c = Client::new(&core, 10);
    // DP NEW with IFINDEX: the local port gets it
    let d = c.echo(
        DP,
        OVS_DP_CMD_NEW,
        0,
        &[
            A::Str(OVS_DP_ATTR_NAME, "dp0"),
            A::U32(OVS_DP_ATTR_UPCALL_PID, 0),
            A::U32(OVS_DP_ATTR_IFINDEX, 77),
        ],
    );
    assert_eq!(d.dp_ifindex(), 77);
    // an ifindex in use: register_netdevice's EBUSY becomes EEXIST for DP NEW
    assert_eq!(
        c.errno(
            DP,
            OVS_DP_CMD_NEW,
            0,
            &[
                A::Str(OVS_DP_ATTR_NAME, "dp1"),
                A::U32(OVS_DP_ATTR_UPCALL_PID, 0),
                A::U32(OVS_DP_ATTR_IFINDEX, 77)
            ]
        ),
        libc::EEXIST
    );
    // ... and stays EBUSY for an internal vport
    assert_eq!(
        new_port(&mut c, 77, "p1", &[A::U32(OVS_VPORT_ATTR_IFINDEX, 77)]),
        Err(libc::EBUSY)
    );
    let p = new_port(&mut c, 77, "p1", &[A::U32(OVS_VPORT_ATTR_IFINDEX, 78)]).unwrap();
    assert_eq!(p.u32(OVS_VPORT_ATTR_IFINDEX), Some(78));
    // the header may name the datapath by any of its internal ports
    assert_eq!(c.echo(DP, OVS_DP_CMD_GET, 78, &[]).dp_ifindex(), 77);
}
