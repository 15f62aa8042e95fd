//! `do_execute_actions` and its machinery: `clone_execute`, the deferred
//! action FIFO, recirculation (`execute_recirc` → `ovs_dp_process_packet`
//! → `ovs_execute_actions`) and the recursion levels.
//!
//! One [`Executor`] lives for one [`crate::execute_actions`] call and holds
//! the deferred-action FIFO (`action_fifos`). The nesting level
//! (`exec_actions_level`) is per thread, as the kernel's is per CPU, so an
//! environment that re-enters [`crate::execute_actions`] from inside an
//! action (a port looping back synchronously) meets the recursion limit.
//! The per-level key copies of `flow_keys` are plain stack copies here.

use std::cell::Cell;
use std::collections::VecDeque;

use flowtable::actions::{Action, CheckPktLen, Sample};
use flowtable::extract::key_extract;
use flowtable::{FlowKey, Packet};
use genl::Errno;

use crate::skb::{KeyState, Skb};
use crate::{
    eth, hash, mpls, nsh, output, set, ttl, vlan, DropReason, Env, DEFERRED_ACTION_FIFO_SIZE,
    DEFERRED_ACTION_THRESHOLD, ENETDOWN, ENOTSUPP, RECURSION_LIMIT,
};

/// `OVS_MPLS_L3_TUNNEL_FLAG_MASK`.
const MPLS_L3_TUNNEL_FLAG: u16 = 1;

/// What `clone_execute` runs on its copy: a nested action list, or a
/// recirculation (`actions == NULL` in the kernel).
#[derive(Clone, Copy)]
enum Work<'a> {
    /// Sample, clone, check_pkt_len or dec_ttl actions.
    Actions(&'a [Action]),
    /// Recirculate with this id.
    Recirc(u32),
}

/// A FIFO entry (`struct deferred_action`). The action list is copied: it
/// may belong to a flow found by a recirculation lookup, which the FIFO
/// outlives. Only the (rare) deferral path allocates.
struct Deferred {
    skb: Skb,
    key: FlowKey,
    invalid: bool,
    actions: Option<Vec<Action>>,
}

thread_local! {
    /// `exec_actions_level`.
    static LEVEL: Cell<u32> = const { Cell::new(0) };
}

/// The current `exec_actions_level`.
fn level() -> u32 {
    LEVEL.with(Cell::get)
}

/// One more level for as long as it lives (restored even if the
/// environment panics).
struct LevelGuard;

impl LevelGuard {
    /// `__this_cpu_inc_return(exec_actions_level)`.
    fn enter() -> (LevelGuard, u32) {
        let l = LEVEL.with(|c| {
            c.set(c.get() + 1);
            c.get()
        });
        (LevelGuard, l)
    }
}

impl Drop for LevelGuard {
    fn drop(&mut self) {
        LEVEL.with(|c| c.set(c.get() - 1));
    }
}

/// The per-call executor state.
pub(crate) struct Executor<'e> {
    env: &'e mut dyn Env,
    /// `action_fifos` entries not yet run.
    fifo: VecDeque<Deferred>,
    /// `fifo->head`: entries put since the FIFO was last reset.
    fifo_head: usize,
}

impl<'e> Executor<'e> {
    /// A fresh executor (level 0, empty FIFO).
    pub(crate) fn new(env: &'e mut dyn Env) -> Self {
        Executor {
            env,
            fifo: VecDeque::new(),
            fifo_head: 0,
        }
    }

    /// The top-level `ovs_execute_actions` for a packet and its valid key.
    pub(crate) fn execute_top(
        mut self,
        pkt: Packet,
        key: &mut FlowKey,
        actions: &[Action],
    ) -> Result<(), Errno> {
        let mut kx = KeyState {
            key,
            invalid: false,
        };
        let skb = Skb {
            pkt,
            probability: 0,
        };
        let r = self.ovs_execute_actions(skb, &mut kx, actions);
        // Entered at a nested level (the environment re-entered): the
        // kernel would leave these to the outermost level; run them here.
        self.process_deferred_actions();
        r
    }

    /// `ovs_execute_actions`: one more level (refused beyond
    /// [`RECURSION_LIMIT`] with `-ENETDOWN`); the outermost level runs the
    /// deferred actions afterwards.
    fn ovs_execute_actions(
        &mut self,
        mut skb: Skb,
        kx: &mut KeyState<'_>,
        actions: &[Action],
    ) -> Result<(), Errno> {
        let (_guard, level) = LevelGuard::enter();
        if level > RECURSION_LIMIT {
            // "recursion limit reached on datapath, probable configuration error"
            self.env.dropped(&skb.pkt, DropReason::RecursionLimit);
            return Err(ENETDOWN);
        }
        let r = self.do_execute_actions(&mut skb, kx, actions);
        if level == 1 {
            self.process_deferred_actions();
        }
        r
    }

    /// `ovs_dp_process_packet` after a recirculation: look the packet up
    /// (the hash computed first, as `skb_get_hash` does for the lookup) and
    /// run the flow's actions; errors are only logged by the kernel.
    fn process_packet(&mut self, mut skb: Skb, kx: &mut KeyState<'_>) {
        hash::skb_get_hash(&mut skb.pkt);
        if let Some(acts) = self.env.lookup(&skb.pkt, kx.key) {
            let _ = self.ovs_execute_actions(skb, kx, &acts.list);
        }
    }

    /// `process_deferred_actions`: runs the FIFO to empty (entries may add
    /// more), then resets it.
    fn process_deferred_actions(&mut self) {
        while let Some(da) = self.fifo.pop_front() {
            let Deferred {
                mut skb,
                mut key,
                invalid,
                actions,
            } = da;
            let mut kx = KeyState {
                key: &mut key,
                invalid,
            };
            match actions {
                Some(list) => {
                    let _ = self.do_execute_actions(&mut skb, &mut kx, &list);
                }
                None => self.process_packet(skb, &mut kx),
            }
        }
        self.fifo_head = 0;
    }

    /// `add_deferred_actions`: the entry is queued, or handed back when
    /// the FIFO is full (`action_fifo_put` refuses once `head` reaches
    /// size - 1).
    fn add_deferred(&mut self, da: Deferred) -> Option<Deferred> {
        if self.fifo_head >= DEFERRED_ACTION_FIFO_SIZE - 1 {
            return Some(da);
        }
        self.fifo_head += 1;
        self.fifo.push_back(da);
        None
    }

    /// Reports a drop of `skb` (`ovs_kfree_skb_reason`).
    fn drop_skb(&mut self, skb: &Skb, reason: DropReason) {
        self.env.dropped(&skb.pkt, reason);
    }

    /// `do_execute_actions`: runs `acts` in order. An action that consumes
    /// the packet when last (output, userspace, recirc, sample, clone,
    /// check_pkt_len, psample) ends the list there; a failing action drops
    /// the packet and its error is returned.
    fn do_execute_actions(
        &mut self,
        skb: &mut Skb,
        kx: &mut KeyState<'_>,
        acts: &[Action],
    ) -> Result<(), Errno> {
        for (i, a) in acts.iter().enumerate() {
            let last = i + 1 == acts.len();
            let r = match a {
                Action::Output(port) => {
                    output::do_output(&mut *self.env, skb, *port, kx, last);
                    if last {
                        return Ok(());
                    }
                    skb.pkt.cutlen = 0;
                    Ok(())
                }
                Action::Trunc(max_len) => {
                    skb.pkt.cutlen = *max_len;
                    Ok(())
                }
                Action::Userspace(u) => {
                    output::output_userspace(&mut *self.env, skb, kx, u, acts);
                    skb.pkt.cutlen = 0;
                    if last {
                        return Ok(());
                    }
                    Ok(())
                }
                Action::Hash { alg, basis } => {
                    hash::execute_hash(&mut skb.pkt, kx.key, *alg, *basis);
                    Ok(())
                }
                Action::PushMpls { lse, ethertype, .. } => {
                    let mac_len = skb.pkt.mac_len as usize;
                    mpls::push_mpls(&mut skb.pkt, kx, *lse, *ethertype, mac_len)
                }
                Action::AddMpls {
                    lse,
                    ethertype,
                    tun_flags,
                } => {
                    let mac_len = if tun_flags & MPLS_L3_TUNNEL_FLAG != 0 {
                        skb.pkt.mac_len as usize
                    } else {
                        0
                    };
                    mpls::push_mpls(&mut skb.pkt, kx, *lse, *ethertype, mac_len)
                }
                Action::PopMpls(ethertype) => mpls::pop_mpls(&mut skb.pkt, kx, *ethertype),
                Action::PushVlan { tpid, tci } => vlan::push_vlan(&mut skb.pkt, kx, *tpid, *tci),
                Action::PopVlan => vlan::pop_vlan(&mut skb.pkt, kx),
                Action::Recirc(id) => {
                    let r = self.execute_recirc(skb, kx, *id, last);
                    if last {
                        return r;
                    }
                    r
                }
                Action::SetTunnel(info) => {
                    set::set_tunnel(&mut skb.pkt, info);
                    Ok(())
                }
                Action::Set(s) | Action::SetMasked(s) => {
                    set::execute_masked_set(&mut skb.pkt, kx, s)
                }
                Action::Sample(s) => {
                    let r = self.sample(skb, kx, s, last);
                    if last {
                        return r;
                    }
                    r
                }
                Action::Ct(_) => {
                    if kx.invalid {
                        if let Err(e) = self.flow_key_update(skb, kx) {
                            self.drop_skb(skb, DropReason::ActionError);
                            return Err(e);
                        }
                    }
                    // The !CONFIG_NF_CONNTRACK ovs_ct_execute: frees the
                    // packet, -ENOTSUPP, returned without the usual
                    // action-error drop.
                    self.drop_skb(skb, DropReason::Conntrack);
                    return Err(ENOTSUPP);
                }
                Action::CtClear => {
                    ct_clear(kx.key);
                    Ok(())
                }
                Action::PushEth { src, dst } => eth::push_eth(&mut skb.pkt, kx, *src, *dst),
                Action::PopEth => eth::pop_eth(&mut skb.pkt, kx),
                Action::PushNsh(p) => nsh::push_nsh(&mut skb.pkt, kx, p),
                Action::PopNsh => nsh::pop_nsh(&mut skb.pkt, kx),
                // ovs_meter_execute lets packets of unknown meters pass, and
                // no meters exist.
                Action::Meter(_) => Ok(()),
                Action::Clone(c) => {
                    let r = self.clone_execute(skb, kx, Work::Actions(&c.actions), last, !c.exec);
                    if last {
                        return r;
                    }
                    r
                }
                Action::CheckPktLen(c) => {
                    let r = self.check_pkt_len(skb, kx, c, last);
                    if last {
                        return r;
                    }
                    r
                }
                Action::DecTtl(list) => match ttl::execute_dec_ttl(&mut skb.pkt, kx) {
                    Err(ttl::EHOSTUNREACH) => return self.dec_ttl_exception(skb, kx, list),
                    r => r,
                },
                Action::Drop(code) => {
                    let reason = if *code != 0 {
                        DropReason::ExplicitWithError
                    } else {
                        DropReason::Explicit
                    };
                    self.drop_skb(skb, reason);
                    return Ok(());
                }
                Action::Psample(ps) => {
                    output::execute_psample(&mut *self.env, skb, ps);
                    skb.pkt.cutlen = 0;
                    if last {
                        return Ok(());
                    }
                    Ok(())
                }
            };
            if let Err(e) = r {
                self.drop_skb(skb, DropReason::ActionError);
                return Err(e);
            }
        }
        self.drop_skb(skb, DropReason::LastAction);
        Ok(())
    }

    /// `ovs_flow_key_update`: re-extract an invalid key.
    fn flow_key_update(&mut self, skb: &mut Skb, kx: &mut KeyState<'_>) -> Result<(), Errno> {
        key_extract(&mut skb.pkt, kx.key)?;
        kx.invalid = false;
        Ok(())
    }

    /// `execute_recirc`: a valid key (re-extracted if needed), then
    /// `clone_execute` of a recirculation.
    fn execute_recirc(
        &mut self,
        skb: &mut Skb,
        kx: &mut KeyState<'_>,
        id: u32,
        last: bool,
    ) -> Result<(), Errno> {
        if kx.invalid {
            if let Err(e) = self.flow_key_update(skb, kx) {
                if last {
                    self.drop_skb(skb, DropReason::ActionError);
                }
                return Err(e);
            }
        }
        self.clone_execute(skb, kx, Work::Recirc(id), last, true)
    }

    /// `sample`: runs the nested actions with probability
    /// `probability / u32::MAX` (`u32::MAX`: always, 0: never), marking the
    /// packet with the probability for `PSAMPLE`.
    fn sample(
        &mut self,
        skb: &mut Skb,
        kx: &mut KeyState<'_>,
        s: &Sample,
        last: bool,
    ) -> Result<(), Errno> {
        let p = s.probability;
        if p != u32::MAX && (p == 0 || self.env.random_u32() > p) {
            if last {
                self.drop_skb(skb, DropReason::LastAction);
            }
            return Ok(());
        }
        let init = skb.probability;
        skb.probability = p;
        let r = self.clone_execute(skb, kx, Work::Actions(&s.actions), last, !s.exec);
        if !last {
            skb.probability = init;
        }
        r
    }

    /// `execute_check_pkt_len`: the packet's length (MRU plus MAC header
    /// for a reassembled packet, else `skb->len`) against the threshold
    /// picks the branch.
    fn check_pkt_len(
        &mut self,
        skb: &mut Skb,
        kx: &mut KeyState<'_>,
        c: &CheckPktLen,
        last: bool,
    ) -> Result<(), Errno> {
        let p = &skb.pkt;
        let len = if p.mru != 0 {
            p.mru as usize + p.mac_len as usize
        } else {
            p.len()
        };
        let (list, exec) = if len <= c.pkt_len as usize {
            (&c.le, c.exec_le)
        } else {
            (&c.gt, c.exec_gt)
        };
        self.clone_execute(skb, kx, Work::Actions(list), last, !exec)
    }

    /// `dec_ttl_exception_handler`: the nested actions get the packet (on
    /// the same key), or it is dropped when there are none.
    fn dec_ttl_exception(
        &mut self,
        skb: &mut Skb,
        kx: &mut KeyState<'_>,
        list: &[Action],
    ) -> Result<(), Errno> {
        if !list.is_empty() {
            return self.clone_execute(skb, kx, Work::Actions(list), true, false);
        }
        self.drop_skb(skb, DropReason::IpTtl);
        Ok(())
    }

    /// `clone_execute`: runs `work` on the packet (itself when `last`, else
    /// a copy) with the same key, or with a copy of it when
    /// `clone_flow_key` — possible up to [`DEFERRED_ACTION_THRESHOLD`]
    /// levels; beyond, the work is deferred to the FIFO (and dropped when
    /// that is full: "deferred action limit reached").
    fn clone_execute(
        &mut self,
        skb: &mut Skb,
        kx: &mut KeyState<'_>,
        work: Work<'_>,
        last: bool,
        clone_flow_key: bool,
    ) -> Result<(), Errno> {
        if !clone_flow_key || level() <= DEFERRED_ACTION_THRESHOLD {
            let mut copy;
            let s = if last {
                skb
            } else {
                copy = skb.clone();
                &mut copy
            };
            return match work {
                Work::Actions(list) if clone_flow_key => {
                    let mut key = *kx.key;
                    let mut kx2 = KeyState {
                        key: &mut key,
                        invalid: kx.invalid,
                    };
                    let _guard = LevelGuard::enter();
                    self.do_execute_actions(s, &mut kx2, list)
                }
                Work::Actions(list) => self.do_execute_actions(s, kx, list),
                Work::Recirc(id) => {
                    let mut key = *kx.key;
                    key.recirc_id = id.to_ne_bytes();
                    let mut kx2 = KeyState {
                        key: &mut key,
                        invalid: kx.invalid,
                    };
                    self.process_packet(std::mem::take(s), &mut kx2);
                    Ok(())
                }
            };
        }
        let s = if last {
            std::mem::take(skb)
        } else {
            skb.clone()
        };
        let mut key = *kx.key;
        let actions = match work {
            Work::Actions(list) => Some(list.to_vec()),
            Work::Recirc(id) => {
                key.recirc_id = id.to_ne_bytes();
                None
            }
        };
        let da = Deferred {
            skb: s,
            key,
            invalid: kx.invalid,
            actions,
        };
        if let Some(da) = self.add_deferred(da) {
            self.drop_skb(&da.skb, DropReason::DeferredLimit);
        }
        Ok(())
    }
}

/// `ovs_ct_clear` for a packet without a conntrack entry: the key's
/// conntrack state as `ovs_ct_fill_key` leaves it (state, zone, mark and
/// labels 0, no original-direction tuple).
fn ct_clear(key: &mut FlowKey) {
    key.ct_state = 0;
    key.ct_zone = [0; 2];
    key.ct_mark = [0; 4];
    key.ct_labels = [0; 16];
    key.ct_orig_proto = 0;
}
