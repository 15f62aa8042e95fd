//! `dump-flows filter=…`: a flow in odp syntax whose specified fields a
//! dumped flow's key must equal (under the filter's masks).

use crate::flows::FlowInfo;
use crate::odp::{self, ParseError};
use genl::AttrIter;

/// A parsed filter: key and mask attributes.
#[derive(Debug, Clone)]
pub struct Filter {
    key: Vec<u8>,
    mask: Vec<u8>,
}

impl Filter {
    /// Parses the filter flow.
    pub fn parse(s: &str, ports: &[(String, u32)]) -> Result<Filter, ParseError> {
        let (key, mask) = odp::parse_flow(s, Some(ports))?;
        Ok(Filter { key, mask })
    }

    /// True when every attribute of the filter matches the flow's key.
    pub fn matches(&self, f: &FlowInfo) -> bool {
        matches_attrs(&self.key, &self.mask, &f.key)
    }
}

fn matches_attrs(key: &[u8], mask: &[u8], flow: &[u8]) -> bool {
    AttrIter::new(key).all(|k| {
        let m = AttrIter::new(mask).find(|m| m.kind == k.kind);
        let Some(fk) = AttrIter::new(flow).find(|a| a.kind == k.kind) else {
            return false;
        };
        if k.kind == odp::attrs::KEY_ENCAP {
            return matches_attrs(k.payload, m.map_or(&[][..], |m| m.payload), fk.payload);
        }
        if fk.payload.len() != k.payload.len() {
            return false;
        }
        k.payload
            .iter()
            .zip(fk.payload)
            .enumerate()
            .all(|(i, (a, b))| {
                let mb = m.and_then(|m| m.payload.get(i).copied()).unwrap_or(0xff);
                a & mb == b & mb
            })
    })
}
