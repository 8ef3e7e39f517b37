//! The cases: data generated (once) per size, then each group measured, in table order. The
//! in-process groups are here; the whole-process ones (the real binary) are in `whole.rs`.
//!
//! Every target is a ratio to a baseline measured beside the case in the same run (see
//! `baseline.rs` and `runs.rs`), or a memory figure; wall times are shown but judge nothing.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use bench_data::Spec;

use crate::data::{Data, scaled, size};
use crate::measure;
use crate::report::{Result, mb};
use crate::runs::{TOKEN, in_process, paired};
use crate::{baseline, replay, stages, whole};

type Error = Box<dyn std::error::Error>;

/// read -> map -> write: its rate as a share of the ByteRecord read's, at least this.
const MAP_SHARE: f64 = 0.16;
/// Roster ingestion: its JSON rate as a share of a bare serde_json parse's, at least this.
const ROSTER_SHARE: f64 = 0.15;
/// Roster ingestion: live heap bytes per person, at most this.
const ROSTER_BYTES: f64 = 300.0;
/// Writing the plan: its share of the in-process dry run, at most this.
const WRITING_SHARE: f64 = 0.05;

/// What every group needs: the data sets, the scratch directory, the runs and a runtime.
pub struct Ctx {
    pub d100: Data,
    pub d1m: Data,
    pub d1m100: Data,
    pub dx: Data,
    pub out: PathBuf,
    pub runs: usize,
    pub rt: tokio::runtime::Runtime,
}

/// Every case, in table order; `only` (map, roster, dry, stages, xlsx, walk) runs one group.
///
/// Fails with the first error of data generation or of a case.
pub fn run_all(
    root: &Path,
    scale: f64,
    runs: usize,
    only: Option<&str>,
) -> std::result::Result<Vec<Result>, Error> {
    let want = |group: &str| only.is_none_or(|o| o == group);
    let n100 = scaled(100_000, scale);
    let n1m = scaled(1_000_000, scale);
    let one_to_hundred = Spec {
        rows: n1m,
        roster: n100,
    };
    let c = Ctx {
        d100: Data::make(root, Spec::same(n100), true, true)?,
        d1m: Data::make(root, Spec::same(n1m), false, false)?,
        d1m100: Data::make(root, one_to_hundred, false, false)?,
        dx: Data::make(root, Spec::same(scaled(1_048_575, scale)), false, true)?,
        out: root.join("out"),
        runs,
        rt: tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()?,
    };
    std::fs::create_dir_all(&c.out)?;
    let mut results = Vec::new();
    if want("map") {
        results.push(map(&c)?);
    }
    if want("roster") {
        results.push(roster(&c)?);
    }
    if want("dry") {
        results.extend(whole::dry(&c)?);
    }
    if want("stages") {
        results.extend(plan_stages(&c)?);
    }
    if want("xlsx") {
        results.extend(whole::xlsx(&c)?);
    }
    if want("walk") {
        results.extend(whole::walk(&c)?);
    }
    Ok(results)
}

/// read -> map -> write of the 100k CSV against the ByteRecord read of the same file.
fn map(c: &Ctx) -> std::result::Result<Result, Error> {
    let (csv, mapping, out) = (c.d100.csv(), c.d100.mapping(), c.out.join("mapped.csv"));
    let p = paired(
        c.runs,
        || baseline::csv_records(&csv),
        || in_process(|| stages::read_map_write(&csv, &mapping, &out)),
    )?;
    let mut r = Result::new(
        "read -> map -> write (CSV)",
        c.d100.spec.rows,
        p.wall,
        size(&csv),
    );
    r.peak_heap_mb = Some(mb(p.memory));
    let share = r.against("ByteRecord", p.base).share("ByteRecord rate");
    r.judge(
        &format!(">= {:.0}% of ByteRecord rate", MAP_SHARE * 100.0),
        share >= MAP_SHARE,
    );
    Ok(r)
}

/// Roster ingestion from the 100k set's recorded pages (in memory) against a bare serde_json
/// parse of the same pages.
fn roster(c: &Ctx) -> std::result::Result<Result, Error> {
    let pages: Vec<Vec<u8>> = (0..c.d100.page_count())
        .map(|n| std::fs::read(c.d100.pages().join(bench_data::page_file(n))))
        .collect::<std::io::Result<_>>()?;
    let json: u64 = pages.iter().map(|p| p.len() as u64).sum();
    let (mut per_person, mut people) = (0.0, 0);
    let p = paired(
        c.runs,
        || baseline::json_pages(&pages),
        || {
            let base = measure::reset_peak();
            let (took, n, bytes) = stages::ingest(&pages)?;
            (people, per_person) = (n, bytes);
            Ok((took, measure::peak().saturating_sub(base) as u64))
        },
    )?;
    let mut r = Result::new(
        "roster ingestion (parse pages + index)",
        people,
        p.wall,
        json,
    );
    r.peak_heap_mb = Some(mb(p.memory));
    let share = r.against("serde_json parse", p.base).share("parse rate");
    r.ratio.push_str(&format!("; {per_person:.0} B/person"));
    r.judge(
        &format!(
            ">= {:.0}% of parse rate, <= {ROSTER_BYTES:.0} B/person",
            ROSTER_SHARE * 100.0
        ),
        share >= ROSTER_SHARE && per_person <= ROSTER_BYTES,
    );
    Ok(r)
}

/// The library's plan in-process on the 100k set (one run): each stage's share of it.
fn plan_stages(c: &Ctx) -> std::result::Result<Vec<Result>, Error> {
    let d100 = &c.d100;
    let stages_out = c.out.join("plan-stages");
    let _ = std::fs::remove_dir_all(&stages_out);
    let pages = Arc::new(replay::Pages::load(&d100.pages())?);
    let (shares, total) = c.rt.block_on(async {
        let url = replay::serve(pages).await?;
        let env = [
            ("PAYROLL_SYNC_CHARTHOP_URL".to_string(), url),
            (
                "PAYROLL_SYNC_CHARTHOP_ORG".to_string(),
                bench_data::ORG.to_string(),
            ),
            ("PAYROLL_SYNC_CHARTHOP_TOKEN".to_string(), TOKEN.to_string()),
        ];
        let settings = payroll_sync::settings::Settings::load_from(None, env)?;
        let client = payroll_sync::pipeline::client(&settings)?;
        let req = payroll_sync::pipeline::PlanRequest {
            input: d100.csv(),
            mapping: d100.mapping(),
            out: stages_out.clone(),
            sheet: None,
            show_sensitive: false,
            compare_mapping: None,
        };
        let progress = stages::Stages::default();
        let t = Instant::now();
        payroll_sync::pipeline::plan(&settings, &client, &req, &progress).await?;
        let end = Instant::now();
        Ok::<_, Error>((progress.durations(end), end - t))
    })?;
    let mut results = Vec::new();
    for (stage, d) in &shares {
        let mut r = Result::new(
            &format!("  plan stage: {}", stage.label()),
            d100.spec.rows,
            *d,
            size(&d100.csv()),
        );
        r.against("plan in-process", total);
        let share = d.as_secs_f64() / total.as_secs_f64();
        r.ratio = format!("{:.1}% of the dry run", share * 100.0);
        r.ratio_value = Some(share);
        if *stage == payroll_sync::progress::Stage::Writing {
            r.judge(
                &format!("<= {:.0}% of the dry run", WRITING_SHARE * 100.0),
                share <= WRITING_SHARE,
            );
        }
        results.push(r);
    }
    Ok(results)
}
