//! `mask_set_nlattr`: the exact-match mask the kernel makes when a flow
//! comes without `OVS_FLOW_ATTR_MASK` — a copy of the key's attributes with
//! every payload byte set to 0xff (recursing into nested ones), so exactly
//! the fields the key mentioned become exact.

use super::attrs::{
    key_len, nsh_len, tunnel_len, vxlan_ext_len, Len, CT_SUPPORTED_MASK, OVS_KEY_ATTR_CT_STATE,
    OVS_KEY_ATTR_ENCAP, OVS_KEY_ATTR_MAX, OVS_KEY_ATTR_NSH, OVS_KEY_ATTR_TUNNEL,
    OVS_NSH_KEY_ATTR_MAX, OVS_TUNNEL_KEY_ATTR_MAX, OVS_TUNNEL_KEY_ATTR_VXLAN_OPTS,
    OVS_VXLAN_EXT_MAX,
};

/// Which `ovs_len_tbl` describes a level.
#[derive(Clone, Copy)]
enum Table {
    Key,
    Tunnel,
    Vxlan,
    Nsh,
}

impl Table {
    /// `tbl[type].len`.
    fn len(self, kind: u16) -> Len {
        match self {
            Table::Key if kind <= OVS_KEY_ATTR_MAX => key_len(kind),
            Table::Tunnel if kind <= OVS_TUNNEL_KEY_ATTR_MAX => tunnel_len(kind),
            Table::Vxlan if kind <= OVS_VXLAN_EXT_MAX => vxlan_ext_len(kind),
            Table::Nsh if kind <= OVS_NSH_KEY_ATTR_MAX => nsh_len(kind),
            _ => Len::Fixed(0),
        }
    }

    /// `tbl[type].next ? : tbl`.
    fn next(self, kind: u16) -> Table {
        match (self, kind) {
            (Table::Key, OVS_KEY_ATTR_TUNNEL) => Table::Tunnel,
            (Table::Key, OVS_KEY_ATTR_NSH) => Table::Nsh,
            (Table::Key, OVS_KEY_ATTR_ENCAP) => Table::Key,
            (Table::Tunnel, OVS_TUNNEL_KEY_ATTR_VXLAN_OPTS) => Table::Vxlan,
            (t, _) => t,
        }
    }
}

/// The exact-match mask for the key attributes `key` (already validated by
/// the key parse). One allocation per call, like the kernel's `kmemdup`.
pub(crate) fn exact_mask(key: &[u8]) -> Vec<u8> {
    let mut buf = key.to_vec();
    nlattr_set(&mut buf, Table::Key);
    buf
}

/// `nlattr_set(attr, 0xff, tbl)` over one level of attributes in `buf`.
fn nlattr_set(buf: &mut [u8], tbl: Table) {
    let mut pos = 0usize;
    let mut rem = buf.len() as isize;
    while rem >= 4 {
        let len = u16::from_ne_bytes([buf[pos], buf[pos + 1]]) as usize;
        if len < 4 || len as isize > rem {
            break;
        }
        let kind = u16::from_ne_bytes([buf[pos + 2], buf[pos + 3]]) & genl::attr::NLA_TYPE_MASK;
        let data = &mut buf[pos + 4..pos + len];
        if tbl.len(kind) == Len::Nested {
            nlattr_set(data, tbl.next(kind));
        } else {
            data.fill(0xff);
        }
        // The kernel checks the type against OVS_KEY_ATTR_CT_STATE at every level.
        if kind == OVS_KEY_ATTR_CT_STATE && data.len() >= 4 {
            let v = u32::from_ne_bytes([data[0], data[1], data[2], data[3]]) & CT_SUPPORTED_MASK;
            data[..4].copy_from_slice(&v.to_ne_bytes());
        }
        let step = (len + 3) & !3;
        rem -= step as isize;
        pos = (pos + step).min(buf.len());
    }
}
