//! iproute2's `genl ctrl` against ovsd through the preload library: same
//! text as for kernel families, same failure as the kernel for an unknown
//! name.

use ovsd_tests::client::{run, CLIENT_TIMEOUT};
use ovsd_tests::expected::{OvsFamily, FAMILY_ID_RANGE, OVS_DATAPATH, OVS_FAMILIES, OVS_FLOW};
use ovsd_tests::genl_text::{self, Family, Op};
use ovsd_tests::{prereq, Daemon, Outcome, TestEnv};
use std::collections::HashSet;
use std::path::PathBuf;
use std::process::Command;

fn genl() -> Option<PathBuf> {
    prereq::program("genl", "iproute2")
}

/// Runs `genl ctrl ARGS` against ovsd.
fn genl_ovsd(daemon: &Daemon, genl: &PathBuf, args: &[&str]) -> Outcome {
    let mut cmd = daemon.client(genl);
    cmd.arg("ctrl").args(args);
    daemon.run(&mut cmd)
}

/// Runs `genl ctrl ARGS` against the host kernel (no preload).
fn genl_kernel(genl: &PathBuf, args: &[&str]) -> Outcome {
    let mut cmd = Command::new(genl);
    cmd.arg("ctrl").args(args).env_remove("LD_PRELOAD");
    run(&mut cmd, CLIENT_TIMEOUT)
}

/// Parses `genl` output and checks that it is in iproute2's exact format.
fn parse_exact(out: &Outcome) -> Vec<Family> {
    assert!(out.success(), "genl failed\n{out}");
    let fams = genl_text::parse(&out.stdout).unwrap_or_else(|e| panic!("{e}\n{out}"));
    assert_eq!(
        genl_text::render(&fams),
        out.stdout,
        "genl output is not in iproute2's usual format"
    );
    fams
}

/// The text iproute2 prints for `fam` given the ids ovsd allocated.
fn expected(fam: &OvsFamily, id: u32, group_id: Option<u32>) -> Family {
    Family {
        name: fam.name.to_string(),
        id,
        version: fam.version,
        hdrsize: fam.hdrsize,
        maxattr: fam.maxattr,
        ops: Some(
            fam.ops
                .iter()
                .map(|&(id, flags)| Op {
                    id,
                    // iproute2 shows op flags only for families of version >= 2.
                    flags: (fam.version >= 2).then_some(flags),
                })
                .collect(),
        ),
        groups: fam
            .group
            .map(|name| vec![(group_id.unwrap_or(0), name.to_string())]),
    }
}

/// Checks one family's text against the kernel's values; returns its ids.
fn check_family(got: &Family, fam: &OvsFamily) -> (u32, Option<u32>) {
    assert!(
        FAMILY_ID_RANGE.contains(&got.id),
        "{}: family id {:#x} outside the kernel's dynamic range",
        fam.name,
        got.id
    );
    let group_id = got
        .groups
        .as_ref()
        .and_then(|g| g.first())
        .map(|(id, _)| *id);
    if fam.group.is_some() {
        assert_ne!(group_id, Some(0), "{}: multicast group id 0", fam.name);
    }
    assert_eq!(
        genl_text::render_family(got),
        genl_text::render_family(&expected(fam, got.id, group_id)),
        "{}: genl shows a different family than the kernel would",
        fam.name
    );
    (got.id, group_id)
}

#[test]
fn output_model_matches_the_host_kernel() {
    let Some(genl) = genl() else { return };
    for args in [&["list"][..], &["get", "name", "nlctrl"][..]] {
        let out = genl_kernel(&genl, args);
        let fams = parse_exact(&out);
        assert!(fams.iter().any(|f| f.name == "nlctrl"), "{out}");
    }
}

#[test]
fn ctrl_list_shows_the_four_ovs_families_and_their_groups() {
    let Some(genl) = genl() else { return };
    let env = TestEnv::new();
    let daemon = Daemon::start(&env);
    let out = genl_ovsd(&daemon, &genl, &["list"]);
    let fams = parse_exact(&out);
    let mut ids = HashSet::new();
    let mut group_ids = HashSet::new();
    for fam in &OVS_FAMILIES {
        let got = fams
            .iter()
            .find(|f| f.name == fam.name)
            .unwrap_or_else(|| panic!("`genl ctrl list` does not list {}\n{out}", fam.name));
        let (id, group_id) = check_family(got, fam);
        assert!(ids.insert(id), "family id {id:#x} used twice\n{out}");
        if let Some(g) = group_id {
            assert!(group_ids.insert(g), "group id {g:#x} used twice\n{out}");
        }
    }
    daemon.stop();
}

#[test]
fn ctrl_get_name_ovs_flow_prints_the_family() {
    let Some(genl) = genl() else { return };
    let env = TestEnv::new();
    let daemon = Daemon::start(&env);
    let by_name = genl_ovsd(&daemon, &genl, &["get", "name", "ovs_flow"]);
    let fams = parse_exact(&by_name);
    assert_eq!(fams.len(), 1, "{by_name}");
    let (id, _) = check_family(&fams[0], &OVS_FLOW);

    let by_id = genl_ovsd(&daemon, &genl, &["get", "id", &format!("{id:#x}")]);
    assert!(by_id.success(), "{by_id}");
    assert_eq!(
        by_id.stdout, by_name.stdout,
        "get by id differs from get by name"
    );
    daemon.stop();
}

#[test]
fn ctrl_get_name_ovs_datapath_shows_op_capabilities() {
    let Some(genl) = genl() else { return };
    let env = TestEnv::new();
    let daemon = Daemon::start(&env);
    let out = genl_ovsd(&daemon, &genl, &["get", "name", "ovs_datapath"]);
    let fams = parse_exact(&out);
    assert_eq!(fams.len(), 1, "{out}");
    check_family(&fams[0], &OVS_DATAPATH);
    assert!(
        out.stdout.contains("Capabilities (0x1a):") && out.stdout.contains("Capabilities (0xe):"),
        "{out}"
    );
    daemon.stop();
}

#[test]
fn ctrl_get_unknown_name_fails_as_with_the_kernel() {
    let Some(genl) = genl() else { return };
    let args = ["get", "name", "no_such_family"];
    let kernel = genl_kernel(&genl, &args);
    assert!(
        !kernel.success(),
        "the host kernel knows no_such_family?\n{kernel}"
    );
    assert!(
        kernel.stderr.contains("No such file or directory"),
        "{kernel}"
    );

    let env = TestEnv::new();
    let daemon = Daemon::start(&env);
    let out = genl_ovsd(&daemon, &genl, &args);
    assert!(
        !out.success(),
        "genl succeeded for an unknown family\n{out}"
    );
    assert_eq!(
        (out.code(), out.stdout.as_str(), out.stderr.as_str()),
        (kernel.code(), kernel.stdout.as_str(), kernel.stderr.as_str()),
        "ovsd's answer differs from the kernel's ENOENT\n--- ovsd ---\n{out}\n--- kernel ---\n{kernel}"
    );
    daemon.stop();
}
