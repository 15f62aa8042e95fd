//! `parse_vlan_from_nlattrs`: the outer and inner (802.1ad) VLAN tags of a
//! key or mask, each an `ETHERTYPE` (TPID) + `VLAN` (TCI) + `ENCAP` whose
//! contents join the same attribute table.

use genl::Errno;

use super::attrs::*;
use super::parse::parse_flow_nlattrs;
use super::state::{be16, Attrs, Builder};

/// Parses the outer tag and, when the key's outer tag is present, the inner
/// one (`parse_vlan_from_nlattrs`).
pub(crate) fn parse_vlan_from_nlattrs<'a>(
    b: &mut Builder,
    attrs: &mut u64,
    a: &mut Attrs<'a>,
    is_mask: bool,
) -> Result<(), Errno> {
    parse_one(b, attrs, false, a, is_mask)?;
    if be16(&b.key().k.vlan_tci) & VLAN_CFI_MASK != 0 {
        parse_one(b, attrs, true, a, is_mask)?;
    }
    Ok(())
}

/// `__parse_vlan_from_nlattrs`: one tag level.
fn parse_one<'a>(
    b: &mut Builder,
    attrs: &mut u64,
    inner: bool,
    a: &mut Attrs<'a>,
    is_mask: bool,
) -> Result<(), Errno> {
    let is_vlan = if is_mask {
        validate_vlan_mask(b, *attrs, inner, a)?
    } else {
        validate_vlan(*attrs, a)?
    };
    if !is_vlan {
        return Ok(());
    }
    encode_vlan(b, a, is_mask, inner);
    *attrs &= !(bit(OVS_KEY_ATTR_ENCAP) | bit(OVS_KEY_ATTR_VLAN) | bit(OVS_KEY_ATTR_ETHERTYPE));
    let encap = a.data(OVS_KEY_ATTR_ENCAP);
    parse_flow_nlattrs(encap, a, attrs, is_mask)
}

/// `encode_vlan_from_nlattrs`: reads `a[]` whether or not this level set
/// those entries (for a mask, a skipped all-zero attribute leaves the key's).
fn encode_vlan(b: &mut Builder, a: &Attrs<'_>, is_mask: bool, inner: bool) {
    let tci = a.get(OVS_KEY_ATTR_VLAN).map_or(0, be16).to_be_bytes();
    let tpid = a.get(OVS_KEY_ATTR_ETHERTYPE).map_or(0, be16).to_be_bytes();
    let k = &mut b.side(is_mask).k;
    if inner {
        k.cvlan_tpid = tpid;
        k.cvlan_tci = tci;
    } else {
        k.vlan_tpid = tpid;
        k.vlan_tci = tci;
    }
}

/// `validate_vlan_from_nlattrs`: `Ok(true)` for a tag to parse.
fn validate_vlan(attrs: u64, a: &Attrs<'_>) -> Result<bool, Errno> {
    if attrs & bit(OVS_KEY_ATTR_ETHERNET) == 0
        || attrs & bit(OVS_KEY_ATTR_ETHERTYPE) == 0
        || !eth_type_vlan(be16(a.data(OVS_KEY_ATTR_ETHERTYPE)))
    {
        return Ok(false);
    }
    if attrs & bit(OVS_KEY_ATTR_VLAN) == 0 || attrs & bit(OVS_KEY_ATTR_ENCAP) == 0 {
        return Err(Errno::EINVAL);
    }
    let tci = a.get(OVS_KEY_ATTR_VLAN).map_or(0, be16);
    if tci & VLAN_CFI_MASK == 0 {
        // tci 0 with an empty ENCAP is a truncated header; anything else is bad.
        if tci != 0 || !a.data(OVS_KEY_ATTR_ENCAP).is_empty() {
            return Err(Errno::EINVAL);
        }
    }
    Ok(true)
}

/// `validate_vlan_mask_from_nlattrs`: `Ok(true)` for a tag mask to parse.
fn validate_vlan_mask(b: &Builder, attrs: u64, inner: bool, a: &Attrs<'_>) -> Result<bool, Errno> {
    let key = &b.key().k;
    let encap_valid = be16(&key.vlan_tci) & VLAN_CFI_MASK != 0;
    let i_encap_valid = be16(&key.cvlan_tci) & VLAN_CFI_MASK != 0;
    if attrs & bit(OVS_KEY_ATTR_ENCAP) == 0 {
        return Ok(false);
    }
    if (!inner && !encap_valid) || (inner && !i_encap_valid) {
        return Err(Errno::EINVAL);
    }
    let tci = a.get(OVS_KEY_ATTR_VLAN).map_or(0, be16);
    let tpid = a.get(OVS_KEY_ATTR_ETHERTYPE).map_or(0, be16);
    if tpid != 0xffff || tci & VLAN_CFI_MASK == 0 {
        return Err(Errno::EINVAL);
    }
    Ok(true)
}
