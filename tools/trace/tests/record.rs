//! `record` runs an `.nls` scenario against ovsd (here in process) and
//! writes a trace that diffs clean against the kernel's recording of the
//! same scenario.

use genl::ovs::KernelVersion;
use ovsd_trace::diff::diff_traces;
use ovsd_trace::record::record;
use ovsd_trace::target::InProcess;
use ovsd_trace::trace::Trace;
use std::path::PathBuf;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests")
}

#[test]
fn recorded_notify_scenario_diffs_clean_against_the_kernel() {
    let mut target = InProcess::new(KernelVersion::V6_12, 2, 4242);
    let text = record(&root().join("scenarios/notify.nls"), &mut target).unwrap();
    let ours = Trace::parse(&text).unwrap();
    let kernel =
        Trace::parse(&std::fs::read_to_string(root().join("traces/6.12/notify.trace")).unwrap())
            .unwrap();
    assert_eq!(ours.blocks().count(), kernel.blocks().count());
    let diffs = diff_traces(&kernel, &ours);
    assert!(diffs.is_empty(), "{diffs:#?}");
}

#[test]
fn show_decodes_every_message_on_one_line() {
    let t = Trace::parse(
        &std::fs::read_to_string(root().join("traces/6.1/conformance.trace")).unwrap(),
    )
    .unwrap();
    let mut n = ovsd_trace::diff::normalizer_for(&t);
    let b = t.blocks().find(|b| b.label == "ea_dp_pid_u16").unwrap();
    let nb = ovsd_trace::diff::normalize_block(&mut n, b);
    let line = ovsd_trace::decode::one_line(&nb.recv[0], false);
    assert!(line.starts_with("type=ERROR"), "{line}");
    assert!(line.contains("error=-34"), "{line}");
    assert!(line.contains("flags=ACK_TLVS"), "{line}");
    assert!(
        line.contains("MSG=\"Attribute failed policy validation\" OFFS=32"),
        "{line}"
    );
}
