//! The attribute policy parser over every policy table, liberal and strict.
#![no_main]

use genl::ovs::{datapath, flow, packet, vport};
use genl::policy::{parse, Validate};
use genl::ExtAck;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let tables = [
        &genl::ctrl::CTRL_POLICY_FAMILY,
        &datapath::POLICY,
        &vport::POLICY,
        &flow::POLICY,
        &packet::POLICY,
    ];
    for t in tables {
        for mode in [Validate::LIBERAL, Validate::STRICT] {
            let mut e = ExtAck::default();
            if let Ok(attrs) = parse(data, 0, t, mode, &mut e) {
                for k in 0..=t.maxattr {
                    if let Some(a) = attrs.get(k) {
                        assert!(a.payload.len() <= data.len());
                    }
                }
            }
        }
    }
});
