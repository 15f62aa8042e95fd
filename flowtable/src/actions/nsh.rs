//! `PUSH_NSH` (`validate_push_nsh` / `nsh_key_put_from_nlattr` with
//! `is_push_nsh`): one `OVS_KEY_ATTR_NSH` filling the action, stored
//! verbatim.

use genl::{Attr, AttrIter, Errno};

use super::consts::{key, nsh};
use super::nla::sole_attr;
use super::types::PushNsh;

/// `validate_push_nsh`: every failure is `-EINVAL` (it returns a bool).
pub fn copy_push_nsh(a: &Attr<'_>) -> Result<PushNsh, Errno> {
    let inner = sole_attr(a.payload)
        .filter(|k| k.kind == key::NSH)
        .ok_or(Errno::EINVAL)?;
    let (base, md) = nsh_key(inner.payload).ok_or(Errno::EINVAL)?;
    Ok(PushNsh {
        payload: a.payload.to_vec(),
        base,
        md,
    })
}

/// `nsh_key_put_from_nlattr(.., is_mask = false, is_push_nsh = true)`:
/// the base header and its MD1 or MD2 context, or `None` if invalid.
fn nsh_key(buf: &[u8]) -> Option<([u8; 8], Vec<u8>)> {
    let mut base: Option<[u8; 8]> = None;
    let (mut md1, mut md2) = (None, None);
    let mut it = AttrIter::new(buf);
    for a in it.by_ref() {
        let p = a.payload;
        match a.kind {
            nsh::BASE if p.len() == 8 => base = Some(p.try_into().ok()?),
            nsh::MD1 if p.len() == 16 => md1 = Some(p),
            nsh::MD2 if !p.is_empty() && p.len() <= nsh::CTX_HDRS_MAX_LEN => md2 = Some(p),
            _ => return None,
        }
    }
    if it.leftover() > 0 || (md1.is_some() && md2.is_some()) {
        return None;
    }
    let mdtype = base.map_or(0, |b| b[2]);
    if (md1.is_some() && mdtype != nsh::M_TYPE1) || (md2.is_some() && mdtype != nsh::M_TYPE2) {
        return None;
    }
    Some((base?, md1.or(md2)?.to_vec()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actions::consts::act;
    use genl::Writer;

    fn push_nsh(f: impl FnOnce(&mut Writer)) -> Vec<u8> {
        let mut w = Writer::new();
        let m = w.nest_noflag(act::PUSH_NSH);
        let k = w.nest_noflag(key::NSH);
        f(&mut w);
        w.nest_end(k);
        w.nest_end(m);
        w.take()
    }

    fn run(b: &[u8]) -> Result<PushNsh, Errno> {
        copy_push_nsh(&AttrIter::new(b).next().unwrap())
    }

    #[test]
    fn md1_and_md2() {
        let b = push_nsh(|w| {
            w.attr(nsh::BASE, &[0, 63, 1, 3, 0, 0, 1, 255]);
            w.attr(nsh::MD1, &[7; 16]);
        });
        let n = run(&b).unwrap();
        assert_eq!((n.base[2], n.md.len()), (1, 16));
        let b = push_nsh(|w| {
            w.attr(nsh::BASE, &[0, 63, 2, 3, 0, 0, 1, 255]);
            w.attr(nsh::MD2, &[1, 2, 3, 4]);
        });
        assert_eq!(run(&b).unwrap().md, vec![1, 2, 3, 4]);
    }

    #[test]
    fn invalid_forms() {
        // mdtype mismatch
        let b = push_nsh(|w| {
            w.attr(nsh::BASE, &[0, 63, 2, 3, 0, 0, 1, 255]);
            w.attr(nsh::MD1, &[7; 16]);
        });
        assert_eq!(run(&b).unwrap_err(), Errno::EINVAL);
        // no metadata
        let b = push_nsh(|w| w.attr(nsh::BASE, &[0, 63, 1, 3, 0, 0, 1, 255]));
        assert_eq!(run(&b).unwrap_err(), Errno::EINVAL);
        // no base
        let b = push_nsh(|w| w.attr(nsh::MD1, &[7; 16]));
        assert_eq!(run(&b).unwrap_err(), Errno::EINVAL);
        // empty MD2
        let b = push_nsh(|w| {
            w.attr(nsh::BASE, &[0, 63, 2, 3, 0, 0, 1, 255]);
            w.attr(nsh::MD2, &[]);
        });
        assert_eq!(run(&b).unwrap_err(), Errno::EINVAL);
        // wrong inner type
        let mut w = Writer::new();
        let m = w.nest_noflag(act::PUSH_NSH);
        w.attr(key::ETHERNET, &[0; 12]);
        w.nest_end(m);
        assert_eq!(run(w.as_bytes()).unwrap_err(), Errno::EINVAL);
    }
}
