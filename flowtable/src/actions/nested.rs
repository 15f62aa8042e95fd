//! Actions holding action lists: `SAMPLE` (`validate_and_copy_sample`),
//! `CLONE` (`validate_and_copy_clone`), `CHECK_PKT_LEN`
//! (`validate_and_copy_check_pkt_len`) and `DEC_TTL`
//! (`validate_and_copy_dec_ttl`). Each nested list is validated one level
//! deeper, from the packet state at the enclosing action.

use genl::{Attr, AttrIter, Errno, Policy, PolicyTable};

use crate::FlowKey;

use super::consts::{act, cpl, dec_ttl, sample};
use super::copy::{copy_list, State};
use super::nla::parse_deprecated_strict;
use super::size::{self, check_nest, total, CPL_ARG_SIZE};
use super::types::{CheckPktLen, CloneAction, Sample};

/// `cpl_policy`.
static CPL_POLICY: PolicyTable = PolicyTable {
    maxattr: cpl::MAX,
    entries: &[Policy::UNSPEC, Policy::U16, Policy::NESTED, Policy::NESTED],
};

/// `actions_may_change_flow`: true unless every action only outputs,
/// recirculates, truncates, upcalls, drops or samples to psample.
pub fn may_change_flow(list: &[u8]) -> bool {
    AttrIter::new(list).any(|a| {
        !matches!(
            a.kind,
            act::OUTPUT | act::RECIRC | act::TRUNC | act::USERSPACE | act::DROP | act::PSAMPLE
        )
    })
}

/// A nested action list must be empty or hold at least one header.
fn list_len_ok(a: &Attr<'_>) -> bool {
    a.payload.is_empty() || a.payload.len() >= 4
}

/// `validate_and_copy_sample`.
pub fn copy_sample(
    a: &Attr<'_>,
    key: &FlowKey,
    st: State,
    last: bool,
    depth: u32,
) -> Result<Sample, Errno> {
    let mut attrs: [Option<Attr<'_>>; 3] = [None; 3];
    let mut it = AttrIter::new(a.payload);
    for x in it.by_ref() {
        let t = x.kind as usize;
        if t == 0 || x.kind > sample::MAX || attrs[t].is_some() {
            return Err(Errno::EINVAL);
        }
        attrs[t] = Some(x);
    }
    if it.leftover() > 0 {
        return Err(Errno::EINVAL);
    }
    let probability = attrs[sample::PROBABILITY as usize]
        .filter(|p| p.payload.len() == 4)
        .and_then(|p| p.u32())
        .ok_or(Errno::EINVAL)?;
    let actions = attrs[sample::ACTIONS as usize]
        .filter(list_len_ok)
        .ok_or(Errno::EINVAL)?;
    let exec = last || !may_change_flow(actions.payload);
    let list = copy_list(actions.payload, key, st, depth + 1)?;
    check_nest(size::sample_nest(&list))?;
    Ok(Sample {
        probability,
        exec,
        actions: list,
    })
}

/// `validate_and_copy_clone`.
pub fn copy_clone(
    a: &Attr<'_>,
    key: &FlowKey,
    st: State,
    last: bool,
    depth: u32,
) -> Result<CloneAction, Errno> {
    if !list_len_ok(a) {
        return Err(Errno::EINVAL);
    }
    let exec = last || !may_change_flow(a.payload);
    let list = copy_list(a.payload, key, st, depth + 1)?;
    check_nest(size::clone_nest(&list))?;
    Ok(CloneAction {
        exec,
        actions: list,
    })
}

/// `validate_and_copy_check_pkt_len`: parsed deprecated-strict; the stored
/// form always orders PKT_LEN, LESS_EQUAL, GREATER.
pub fn copy_check_pkt_len(
    a: &Attr<'_>,
    key: &FlowKey,
    st: State,
    last: bool,
    depth: u32,
) -> Result<CheckPktLen, Errno> {
    let tb = parse_deprecated_strict(a.payload, &CPL_POLICY)?;
    let pkt_len = tb
        .get(cpl::PKT_LEN)
        .and_then(|p| p.u16())
        .filter(|&n| n != 0)
        .ok_or(Errno::EINVAL)?;
    let (Some(le), Some(gt)) = (
        tb.get(cpl::ACTIONS_IF_LESS_EQUAL),
        tb.get(cpl::ACTIONS_IF_GREATER),
    ) else {
        return Err(Errno::EINVAL);
    };
    let exec_le = last || !may_change_flow(le.payload);
    let exec_gt = last || !may_change_flow(gt.payload);
    let le_list = copy_list(le.payload, key, st, depth + 1)?;
    let le_len = 4 + size::list(&le_list);
    check_nest(le_len)?;
    let gt_list = copy_list(gt.payload, key, st, depth + 1)?;
    let gt_len = 4 + size::list(&gt_list);
    check_nest(gt_len)?;
    check_nest(4 + total(CPL_ARG_SIZE) + le_len + gt_len)?;
    Ok(CheckPktLen {
        pkt_len,
        exec_le,
        exec_gt,
        le: le_list,
        gt: gt_list,
    })
}

/// `validate_and_copy_dec_ttl`: unknown attribute types are skipped (and
/// dropped from the stored form).
pub fn copy_dec_ttl(
    a: &Attr<'_>,
    key: &FlowKey,
    st: State,
    depth: u32,
) -> Result<Vec<super::types::Action>, Errno> {
    let mut action: Option<Attr<'_>> = None;
    let mut it = AttrIter::new(a.payload);
    for x in it.by_ref() {
        if x.kind > dec_ttl::MAX {
            continue;
        }
        if x.kind == 0 || action.is_some() {
            return Err(Errno::EINVAL);
        }
        action = Some(x);
    }
    if it.leftover() > 0 {
        return Err(Errno::EINVAL);
    }
    let actions = action.filter(list_len_ok).ok_or(Errno::EINVAL)?;
    let list = copy_list(actions.payload, key, st, depth + 1)?;
    let inner = 4 + size::list(&list);
    check_nest(inner)?;
    check_nest(4 + inner)?;
    Ok(list)
}
