//! `nsh_key_put_from_nlattr` for flow keys: `OVS_KEY_ATTR_NSH`'s base
//! header and MD1 context; MD2 is not supported in keys.

use genl::Errno;

use super::attrs::*;
use super::nla::NlaIter;
use super::state::{off, Builder};

/// Parses NSH attributes into the key or mask (any error: the caller turns
/// it into -EINVAL, as `ovs_key_from_nlattrs` does with -ENOTSUPP for MD2).
pub(crate) fn nsh_key_from_nlattr(
    data: &[u8],
    b: &mut Builder,
    is_mask: bool,
) -> Result<(), Errno> {
    let mut has_md1 = false;
    let mut mdtype = 0u8;
    let mut it = NlaIter::new(data);
    for nla in &mut it {
        if nla.kind > OVS_NSH_KEY_ATTR_MAX || !nsh_len(nla.kind).accepts(nla.data.len()) {
            return Err(Errno::EINVAL);
        }
        let s = b.side(is_mask);
        match nla.kind {
            OVS_NSH_KEY_ATTR_BASE => {
                mdtype = nla.data[2];
                s.l3_put(off::NSH, nla.data);
            }
            OVS_NSH_KEY_ATTR_MD1 => {
                has_md1 = true;
                s.l3_put(off::NSH + 8, nla.data);
            }
            // MD type 2 is not supported in flow keys (-ENOTSUPP).
            _ => return Err(Errno::EINVAL),
        }
    }
    if it.rem() > 0 {
        return Err(Errno::EINVAL);
    }
    if !is_mask && has_md1 && mdtype != NSH_M_TYPE1 {
        return Err(Errno::EINVAL);
    }
    Ok(())
}
