//! `scale`: many flows over a few masks. Install time and resident memory
//! per flow through ovsd's socket, full dump time through the socket, and
//! the packet path's lookup cost (`FlowTable::lookup_stats`) with the mask
//! cache warm and cold, on a table holding the same flows.

use crate::client::{drain_errors, read_dump, RECV_BUF};
use crate::latency::human;
use crate::machine::rss_kib;
use crate::report::print_table;
use crate::requests::{FlowSpec, UFID_TERSE};
use crate::server::{Server, ServerConfig};
use anyhow::{anyhow, bail, Result};
use flowtable::{Flow, FlowId, FlowKey, FlowTable, Ufid};
use genl::ovs::flow::OVS_FLOW_CMD_NEW;
use ovsd::client::NlSocket;
use serde::Serialize;
use serde_json::json;
use std::hint::black_box;
use std::path::Path;
use std::time::Instant;

/// Parameters of the scenario.
#[derive(Clone, Debug, Serialize)]
pub struct Params {
    /// Flows installed.
    pub flows: u32,
    /// Distinct masks (flow `id` uses mask `id % masks`).
    pub masks: u32,
    /// Installing threads (one socket each).
    pub threads: u32,
    /// Flow NEWs per datagram.
    pub batch: u32,
    /// Packets in the warm-cache working set.
    pub working_set: u32,
    /// Lookups timed per measurement.
    pub lookups: u32,
}

impl Params {
    /// The full run.
    pub fn full() -> Params {
        Params {
            flows: 1_000_000,
            masks: 10,
            threads: 2,
            batch: 64,
            working_set: 64,
            lookups: 5_000_000,
        }
    }

    /// `--quick`.
    pub fn quick() -> Params {
        Params {
            flows: 100_000,
            lookups: 1_000_000,
            ..Params::full()
        }
    }
}

/// Installs flows `ids` in batches through one socket; returns error replies.
fn install(path: &Path, spec: FlowSpec, ids: std::ops::Range<u32>, batch: u32) -> Result<u64> {
    let mut s = NlSocket::connect(path)?;
    let mut buf = vec![0u8; RECV_BUF];
    let mut errors = 0;
    let mut i = ids.start;
    while i < ids.end {
        let end = (i + batch).min(ids.end);
        s.send(&spec.batch(OVS_FLOW_CMD_NEW, i..end))?;
        i = end;
        errors += drain_errors(&mut s, &mut buf)?;
    }
    Ok(errors)
}

/// Times a full dump with `ufid_flags`: (seconds, records, bytes).
fn dump(path: &Path, spec: &FlowSpec, ufid_flags: u32) -> Result<(f64, u64, u64)> {
    let mut s = NlSocket::connect(path)?;
    let t = Instant::now();
    let (records, bytes) = read_dump(
        &mut s,
        &crate::requests::flow_dump(&spec.fam, spec.dp_ifindex, ufid_flags),
    )?;
    Ok((t.elapsed().as_secs_f64(), records, bytes))
}

/// What ovsd measured.
#[derive(Debug, Serialize)]
struct Through {
    install_s: f64,
    install_flows_per_sec: f64,
    install_errors: u64,
    rss_before_kib: u64,
    rss_after_kib: u64,
    rss_bytes_per_flow: f64,
    dump_full_s: f64,
    dump_full_records: u64,
    dump_full_bytes: u64,
    dump_terse_s: f64,
    dump_terse_records: u64,
}

/// Lookup costs.
#[derive(Debug, Serialize)]
struct Lookup {
    table_build_s: f64,
    /// Words (8 bytes) of the first mask's significant range: what each
    /// probe masks, hashes and compares.
    mask_range_words: usize,
    /// Working-set packets with their skb hash: the mask cache answers.
    warm_ns: f64,
    /// Fraction of warm lookups the cache answered.
    warm_cache_hit_ratio: f64,
    /// The same packets with skb_hash 0 (no cache): masks in order.
    cold_ns: f64,
    /// Masks probed per cold lookup.
    cold_masks_probed: f64,
    /// Random flows over the whole table, skb_hash 0.
    cold_random_ns: f64,
}

fn xorshift(s: &mut u64) -> u64 {
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    *s
}

/// Builds the same flows into a bare [`FlowTable`] and times lookups.
fn lookups(p: &Params, spec: &FlowSpec) -> Result<Lookup> {
    let t0 = Instant::now();
    let table: FlowTable<()> = FlowTable::new();
    let keys = |id: u32| -> Result<(FlowKey, FlowKey)> {
        let m = flowtable::matching::parse_match(
            &spec.match_attrs(id, false),
            Some(&spec.match_attrs(id, true)),
        )
        .map_err(|e| anyhow!("flow {id}: errno {}", e.0))?;
        Ok((m.key, m.mask))
    };
    {
        let g = table.lock();
        for id in 0..p.flows {
            let (key, mask) = keys(id)?;
            let mut u = [0u8; 16];
            u[..4].copy_from_slice(&id.to_ne_bytes());
            table.insert(&g, mask, |e| {
                let masked = e.mask.apply(&key);
                let id = FlowId::Ufid(Ufid::new(&u).expect("16-byte UFID"));
                Flow::new(masked, e, id, arc_swap::ArcSwap::from_pointee(()))
            });
        }
    }
    let table_build_s = t0.elapsed().as_secs_f64();
    let m0 = flowtable::Mask::new(keys(0)?.1);
    let mut rng = 0x9e37_79b9_7f4a_7c15u64;
    let ws: Vec<(FlowKey, u32)> = (0..p.working_set.max(1))
        .map(|_| {
            let id = (xorshift(&mut rng) % u64::from(p.flows)) as u32;
            // a random non-zero skb hash per packet, as RSS would give
            let h = (xorshift(&mut rng) >> 32) as u32;
            Ok((keys(id)?.0, h.max(1)))
        })
        .collect::<Result<_>>()?;
    let n = p.lookups.max(1);
    // prime the cache, then time
    for (k, h) in &ws {
        table.lookup_stats(k, *h);
    }
    let (mut hits, mut probed, mut found) = (0u64, 0u64, 0u64);
    let t = Instant::now();
    for i in 0..n {
        let (k, h) = &ws[i as usize % ws.len()];
        let st = table.lookup_stats(black_box(k), *h);
        hits += u64::from(st.n_cache_hit);
        found += u64::from(st.flow.is_some());
    }
    let warm_ns = t.elapsed().as_nanos() as f64 / f64::from(n);
    let t = Instant::now();
    for i in 0..n {
        let (k, _) = &ws[i as usize % ws.len()];
        let st = table.lookup_stats(black_box(k), 0);
        probed += u64::from(st.n_mask_hit);
        found += u64::from(st.flow.is_some());
    }
    let cold_ns = t.elapsed().as_nanos() as f64 / f64::from(n);
    let random: Vec<FlowKey> = (0..4096)
        .map(|_| Ok(keys((xorshift(&mut rng) % u64::from(p.flows)) as u32)?.0))
        .collect::<Result<_>>()?;
    let t = Instant::now();
    for i in 0..n {
        let st = table.lookup_stats(black_box(&random[i as usize % random.len()]), 0);
        found += u64::from(st.flow.is_some());
    }
    let cold_random_ns = t.elapsed().as_nanos() as f64 / f64::from(n);
    if found != 3 * u64::from(n) {
        bail!("lookups missed: {} of {}", 3 * u64::from(n) - found, 3 * n);
    }
    Ok(Lookup {
        table_build_s,
        mask_range_words: m0.end - m0.start,
        warm_ns,
        warm_cache_hit_ratio: hits as f64 / f64::from(n),
        cold_ns,
        cold_masks_probed: probed as f64 / f64::from(n),
        cold_random_ns,
    })
}

/// Runs the scenario.
pub fn run(p: &Params) -> Result<serde_json::Value> {
    if p.masks == 0 || p.masks > crate::requests::MAX_MASKS {
        bail!("--masks must be 1..={}", crate::requests::MAX_MASKS);
    }
    let server = Server::start(&ServerConfig::default())?;
    let (fam, dp_ifindex) = super::datapath(&server, "bench0")?;
    let spec = FlowSpec {
        fam,
        dp_ifindex,
        tag: 0,
        masks: p.masks,
    };
    let rss_before = rss_kib();
    let t = Instant::now();
    let per = p.flows.div_ceil(p.threads.max(1));
    let handles: Vec<_> = (0..p.threads.max(1))
        .map(|i| {
            let path = server.path().to_path_buf();
            let ids = (i * per).min(p.flows)..((i + 1) * per).min(p.flows);
            let batch = p.batch.max(1);
            std::thread::spawn(move || install(&path, spec, ids, batch))
        })
        .collect();
    let mut install_errors = 0;
    for h in handles {
        install_errors += h.join().map_err(|_| anyhow!("install thread panicked"))??;
    }
    let install_s = t.elapsed().as_secs_f64();
    let rss_after = rss_kib();
    let (dump_full_s, dump_full_records, dump_full_bytes) = dump(server.path(), &spec, 0)?;
    let (dump_terse_s, dump_terse_records, _) = dump(server.path(), &spec, UFID_TERSE)?;
    let through = Through {
        install_s,
        install_flows_per_sec: f64::from(p.flows) / install_s,
        install_errors,
        rss_before_kib: rss_before,
        rss_after_kib: rss_after,
        rss_bytes_per_flow: rss_after.saturating_sub(rss_before) as f64 * 1024.0
            / f64::from(p.flows.max(1)),
        dump_full_s,
        dump_full_records,
        dump_full_bytes,
        dump_terse_s,
        dump_terse_records,
    };
    drop(server);
    let lookup = lookups(p, &spec)?;
    println!(
        "scale: {} flows over {} masks, installed by {} threads in batches of {}",
        p.flows, p.masks, p.threads, p.batch
    );
    print_table(
        &["measure", "value"],
        &[
            vec![
                "install".into(),
                format!(
                    "{:.2}s ({:.0} flows/s, {} errors)",
                    install_s, through.install_flows_per_sec, install_errors
                ),
            ],
            vec![
                "resident per flow".into(),
                format!("{:.0} B", through.rss_bytes_per_flow),
            ],
            vec![
                "full dump".into(),
                format!(
                    "{:.2}s ({} flows, {} MiB)",
                    dump_full_s,
                    dump_full_records,
                    dump_full_bytes >> 20
                ),
            ],
            vec![
                "terse dump".into(),
                format!("{:.2}s ({} flows)", dump_terse_s, dump_terse_records),
            ],
            vec![
                "lookup, warm cache".into(),
                format!(
                    "{} ({:.0}% cache hits)",
                    human(lookup.warm_ns),
                    lookup.warm_cache_hit_ratio * 100.0
                ),
            ],
            vec![
                "lookup, no cache".into(),
                format!(
                    "{} ({:.1} masks probed)",
                    human(lookup.cold_ns),
                    lookup.cold_masks_probed
                ),
            ],
            vec![
                "mask range".into(),
                format!("{} words", lookup.mask_range_words),
            ],
            vec![
                "lookup, no cache, random flows".into(),
                human(lookup.cold_random_ns),
            ],
        ],
    );
    Ok(json!({ "params": p, "ovsd": through, "lookup": lookup }))
}
