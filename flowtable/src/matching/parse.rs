//! `__parse_flow_nlattrs`: one level of `OVS_KEY_ATTR_*` attributes into the
//! shared table, with the kernel's type, duplicate and length checks.

use genl::Errno;

use super::attrs::{
    bit, key_len, OVS_KEY_ATTR_MAX, OVS_KEY_ATTR_ND_EXTENSIONS, OVS_KEY_ATTR_PACKET_TYPE,
    OVS_KEY_ATTR_TUNNEL_INFO,
};
use super::nla::NlaIter;
use super::state::Attrs;

/// Parses the attributes in `buf` into `a`, adding their bits to `attrs`.
/// With `nz` (a mask, `parse_flow_mask_nlattrs`), attributes whose payload is
/// all zeros are checked but then ignored.
pub(crate) fn parse_flow_nlattrs<'a>(
    buf: &'a [u8],
    a: &mut Attrs<'a>,
    attrs: &mut u64,
    nz: bool,
) -> Result<(), Errno> {
    let mut seen = *attrs;
    let mut it = NlaIter::new(buf);
    for nla in &mut it {
        let t = nla.kind;
        if t > OVS_KEY_ATTR_MAX
            || t == OVS_KEY_ATTR_PACKET_TYPE
            || t == OVS_KEY_ATTR_ND_EXTENSIONS
            || t == OVS_KEY_ATTR_TUNNEL_INFO
            || seen & bit(t) != 0
            || !key_len(t).accepts(nla.data.len())
        {
            return Err(Errno::EINVAL);
        }
        // is_all_zero(): an empty payload counts as all zeros.
        if !nz || nla.data.iter().any(|&b| b != 0) {
            seen |= bit(t);
            a.set(t, nla.data);
        }
    }
    // `if (rem)`: trailing bytes, or an unpadded last attribute.
    if it.rem() != 0 {
        return Err(Errno::EINVAL);
    }
    *attrs = seen;
    Ok(())
}
