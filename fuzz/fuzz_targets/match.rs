//! Flow key/mask parsing (`ovs_nla_get_match`) on arbitrary bytes, and the
//! canonical output of whatever parses.
#![no_main]

use flowtable::matching::{parse_key, parse_match, parse_metadata, put_key};
use flowtable::Mask;
use genl::Writer;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    // first byte: where the key ends and the mask starts
    let Some((&split, rest)) = data.split_first() else {
        return;
    };
    let at = (split as usize * rest.len()) / 255;
    let (key, mask) = rest.split_at(at);
    let mut w = Writer::new();
    for m in [Some(mask), None] {
        if let Ok(m) = parse_match(key, m) {
            let masked = Mask::new(m.mask).apply(&m.key);
            put_key(&mut w, &m.key, &m.key, 1, false);
            put_key(&mut w, &masked, &masked, 1, false);
            put_key(&mut w, &masked, &m.mask, 7, true);
            // what was written parses again as a lookup key
            let mut k = Writer::new();
            put_key(&mut k, &m.key, &m.key, 1, false);
            let _ = parse_key(&k.as_bytes()[4..]);
        }
    }
    let _ = parse_key(key);
    let _ = parse_metadata(key);
});
