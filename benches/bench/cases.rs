//! The cases: data generated (once) per size, then each case measured.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bench_data::{self, Spec};
use charthop_emulator::{Config, Emulator, Fault, FaultRule};

use crate::measure::{self, median, median_u64};
use crate::report::{Result, mb};
use crate::{replay, stages};

type Error = Box<dyn std::error::Error>;

const TOKEN: &str = "bench-token";
const PAGE: usize = 1000;
/// Bump when the generator's output changes, so cached data is made again.
const DATA_VERSION: u32 = 1;

/// One generated data set.
struct Data {
    spec: Spec,
    dir: PathBuf,
}

impl Data {
    /// Generates what is missing: the CSV export, the pages, and on request the seed and XLSX.
    fn make(root: &Path, spec: Spec, seed: bool, xlsx: bool) -> std::result::Result<Data, Error> {
        let dir = root.join(format!(
            "data-v{DATA_VERSION}-{}-{}",
            spec.rows, spec.roster
        ));
        std::fs::create_dir_all(&dir)?;
        let d = Data { spec, dir };
        let t = Instant::now();
        let generated = !d.csv().exists()
            || !d.pages().join("index.json").exists()
            || (seed && !d.seed().join("jobs.csv").exists())
            || (xlsx && !d.xlsx().exists());
        if !d.csv().exists() {
            bench_data::write_csv(&d.tmp("export.csv"), &spec)?;
            std::fs::rename(d.tmp("export.csv"), d.csv())?;
        }
        if !d.pages().join("index.json").exists() {
            bench_data::write_pages(&d.pages(), &spec, PAGE)?;
        }
        if seed && !d.seed().join("jobs.csv").exists() {
            bench_data::write_seed(&d.tmp("seed"), &spec)?;
            std::fs::rename(d.tmp("seed"), d.seed())?;
        }
        if xlsx && !d.xlsx().exists() {
            bench_data::write_xlsx(&d.tmp("export.xlsx"), &spec)?;
            std::fs::rename(d.tmp("export.xlsx"), d.xlsx())?;
        }
        std::fs::write(d.mapping(), bench_data::MAPPING)?;
        if generated {
            // Gigabytes just written are still being flushed to disk; the cases would be
            // measured under that write-back (writers get throttled). Flush first.
            let _ = Command::new("sync").status();
        }
        eprintln!("data {}: ready in {:.1?}", d.dir.display(), t.elapsed());
        Ok(d)
    }
    fn tmp(&self, name: &str) -> PathBuf {
        self.dir.join(format!("{name}.tmp"))
    }
    fn csv(&self) -> PathBuf {
        self.dir.join("export.csv")
    }
    fn xlsx(&self) -> PathBuf {
        self.dir.join("export.xlsx")
    }
    fn pages(&self) -> PathBuf {
        self.dir.join("pages")
    }
    fn seed(&self) -> PathBuf {
        self.dir.join("seed")
    }
    fn mapping(&self) -> PathBuf {
        self.dir.join("bench.toml")
    }
    fn page_count(&self) -> usize {
        std::fs::read(self.pages().join("index.json"))
            .ok()
            .and_then(|b| serde_json::from_slice::<Vec<Option<String>>>(&b).ok())
            .map_or(0, |v| v.len())
    }
}

fn size(path: &Path) -> u64 {
    std::fs::metadata(path).map_or(0, |m| m.len())
}

/// `payroll-sync` with settings for `url`, nothing from the caller's environment.
fn binary(url: &str, dir: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_payroll-sync"));
    for (k, _) in std::env::vars() {
        if k.starts_with("PAYROLL_SYNC_") || k == "RUST_LOG" {
            c.env_remove(k);
        }
    }
    c.current_dir(dir)
        .env("PAYROLL_SYNC_CHARTHOP_URL", url)
        .env("PAYROLL_SYNC_CHARTHOP_ORG", bench_data::ORG)
        .env("PAYROLL_SYNC_CHARTHOP_TOKEN", TOKEN)
        .env("NO_COLOR", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    c
}

/// Runs `payroll-sync plan` `runs` times; median wall and RSS. Exit 0, or 4 when a guard
/// trips (the plan is still written).
fn plan_runs(
    url: &str,
    data: &Data,
    input: &Path,
    out: &Path,
    runs: usize,
) -> std::result::Result<(Duration, u64), Error> {
    let (mut walls, mut rss) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        let _ = std::fs::remove_dir_all(out);
        let mut c = binary(url, &data.dir);
        c.stderr(Stdio::null())
            .args(["plan", "--input"])
            .arg(input)
            .arg("--mapping")
            .arg(data.mapping())
            .arg("--out")
            .arg(out);
        let r = measure::run(&mut c)?;
        if r.code != 0 && r.code != 4 {
            return Err(format!("plan exited with {} on {}", r.code, input.display()).into());
        }
        walls.push(r.wall);
        rss.push(r.max_rss);
    }
    Ok((median(walls), median_u64(rss)))
}

/// Runs `payroll-sync check MAPPING --input FILE` (read and map, streamed) `runs` times.
fn check_runs(
    data: &Data,
    input: &Path,
    runs: usize,
) -> std::result::Result<(Duration, u64), Error> {
    let (mut walls, mut rss) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        let mut c = binary("http://127.0.0.1:9", &data.dir);
        c.stderr(Stdio::null())
            .arg("check")
            .arg(data.mapping())
            .arg("--input")
            .arg(input);
        let r = measure::run(&mut c)?;
        if r.code != 0 {
            return Err(format!("check exited with {} on {}", r.code, input.display()).into());
        }
        walls.push(r.wall);
        rss.push(r.max_rss);
    }
    Ok((median(walls), median_u64(rss)))
}

fn timed<T>(
    runs: usize,
    mut f: impl FnMut() -> std::result::Result<T, Error>,
) -> std::result::Result<(Duration, f64), Error> {
    let mut walls = Vec::new();
    let mut peak = 0;
    for _ in 0..runs {
        let base = measure::reset_peak();
        let t = Instant::now();
        f()?;
        walls.push(t.elapsed());
        peak = peak.max(measure::peak().saturating_sub(base));
    }
    Ok((median(walls), mb(peak as u64)))
}

fn scaled(n: usize, scale: f64) -> usize {
    ((n as f64 * scale).round() as usize).max(100)
}

/// Every case, in table order.
pub fn run_all(
    root: &Path,
    scale: f64,
    runs: usize,
    only: Option<&str>,
) -> std::result::Result<Vec<Result>, Error> {
    // `--only GROUP` (map, roster, dry, stages, xlsx, walk) runs one group, for development.
    let want = |group: &str| only.is_none_or(|o| o == group);
    let n100 = scaled(100_000, scale);
    let n1m = scaled(1_000_000, scale);
    let d100 = Data::make(root, Spec::same(n100), true, true)?;
    let d1m = Data::make(root, Spec::same(n1m), false, false)?;
    let d1m100 = Data::make(
        root,
        Spec {
            rows: n1m,
            roster: n100,
        },
        false,
        false,
    )?;
    let dx = Data::make(root, Spec::same(scaled(1_048_575, scale)), false, true)?;
    let out = root.join("out");
    std::fs::create_dir_all(&out)?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()?;
    let mut results = Vec::new();

    let csv_bytes = size(&d100.csv());
    if want("map") {
        // Raw baseline and read -> map -> write, on the same file in the same run.
        let (raw, heap) = timed(runs, || stages::raw_csv(&d100.csv()).map(|_| ()))?;
        let mut r = Result::new("csv ByteRecord read (baseline)", n100, raw, csv_bytes);
        r.peak_heap_mb = Some(heap);
        let raw_mbs = r.mb_per_s;
        results.push(r);
        let (rmw, heap) = timed(runs, || {
            stages::read_map_write(&d100.csv(), &d100.mapping(), &out.join("mapped.csv"))
                .map(|_| ())
        })?;
        let mut r = Result::new("read -> map -> write (CSV)", n100, rmw, csv_bytes);
        r.peak_heap_mb = Some(heap);
        let share = r.mb_per_s / raw_mbs;
        r.ratio = format!("{:.1}% of raw MB/s", share * 100.0);
        r.target = ">= 15% of raw MB/s".into();
        r.met = Some(share >= 0.15);
        results.push(r);
    }

    if want("roster") {
        // Roster ingestion from recorded pages already in memory.
        let pages: Vec<Vec<u8>> = (0..d100.page_count())
            .map(|n| std::fs::read(d100.pages().join(bench_data::page_file(n))))
            .collect::<std::io::Result<_>>()?;
        let json: u64 = pages.iter().map(|p| p.len() as u64).sum();
        let mut per_person = 0.0;
        let mut people = 0;
        let (took, heap) = timed(runs, || {
            let (t, p, b) = stages::ingest(&pages)?;
            per_person = b;
            people = p;
            Ok(t)
        })?;
        let mut r = Result::new("roster ingestion (parse pages + index)", people, took, json);
        r.peak_heap_mb = Some(heap);
        r.ratio = format!("{per_person:.0} B/person");
        r.target = ">= 100 MB/s JSON, <= 300 B/person".into();
        r.met = Some(r.mb_per_s >= 100.0 && per_person <= 300.0);
        results.push(r);
        drop(pages);
    }

    if want("dry") {
        // Whole-process dry runs, the roster from recorded pages.
        let dry = |d: &Data,
                   input: &Path,
                   name: &str,
                   runs: usize|
         -> std::result::Result<(Duration, u64), Error> {
            let pages = Arc::new(replay::Pages::load(&d.pages())?);
            let url = rt.block_on(replay::serve(pages))?;
            plan_runs(&url, d, input, &out.join(name), runs)
        };
        let (w, rss) = dry(&d100, &d100.csv(), "plan-100k", runs)?;
        let mut r = Result::new(
            "dry run, CSV vs roster (recorded pages)",
            n100,
            w,
            csv_bytes,
        );
        r.peak_rss_mb = Some(mb(rss));
        r.target = "<= 1.0 s, <= 64 MB (100k)".into();
        r.met = Some(w.as_secs_f64() <= 1.0 && mb(rss) <= 64.0);
        let rss100 = rss;
        results.push(r);
        let (w, rss) = dry(&d1m, &d1m.csv(), "plan-1m", runs)?;
        let mut r = Result::new(
            "dry run, CSV vs roster (recorded pages)",
            n1m,
            w,
            size(&d1m.csv()),
        );
        r.peak_rss_mb = Some(mb(rss));
        r.target = "<= 8 s, <= 400 MB (1M)".into();
        r.met = Some(w.as_secs_f64() <= 8.0 && mb(rss) <= 400.0);
        results.push(r);
        let (w, rss) = dry(&d1m100, &d1m100.csv(), "plan-1m-100k", runs)?;
        let mut r = Result::new(
            &format!("dry run, {n1m}-row CSV vs {n100} roster"),
            n1m,
            w,
            size(&d1m100.csv()),
        );
        r.peak_rss_mb = Some(mb(rss));
        let ratio = rss as f64 / rss100.max(1) as f64;
        r.ratio = format!("{ratio:.2}x RSS of 100k/100k");
        r.target = "<= 1.1x RSS (export streams)".into();
        r.met = Some(ratio <= 1.1);
        results.push(r);
    }

    if want("stages") {
        // The library's plan in-process: how long writing the change files and reports takes.
        let stages_out = out.join("plan-stages");
        let _ = std::fs::remove_dir_all(&stages_out);
        let pages = Arc::new(replay::Pages::load(&d100.pages())?);
        let (shares, total) = rt.block_on(async {
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
        for (stage, d) in &shares {
            let mut r = Result::new(
                &format!("  plan stage: {}", stage.label()),
                n100,
                *d,
                csv_bytes,
            );
            let share = d.as_secs_f64() / total.as_secs_f64();
            r.ratio = format!("{:.1}% of the dry run", share * 100.0);
            if *stage == payroll_sync::progress::Stage::Writing {
                r.target = "<= 5% of the dry run".into();
                r.met = Some(share <= 0.05);
            }
            results.push(r);
        }
    }

    if want("xlsx") {
        // XLSX read + map (streamed `check --input`).
        let (w, rss) = check_runs(&d100, &d100.xlsx(), runs)?;
        let mut r = Result::new("XLSX read + map", n100, w, size(&d100.xlsx()));
        r.peak_rss_mb = Some(mb(rss));
        r.target = "<= 2.5 s, <= 160 MB (100k)".into();
        r.met = Some(w.as_secs_f64() <= 2.5 && mb(rss) <= 160.0);
        results.push(r);
        let (w, rss) = check_runs(&dx, &dx.xlsx(), runs.min(2))?;
        let mut r = Result::new(
            "XLSX read + map (Excel's row limit)",
            dx.spec.rows,
            w,
            size(&dx.xlsx()),
        );
        r.peak_rss_mb = Some(mb(rss));
        r.target = "<= 20 s, <= 200 MB (1,048,575)".into();
        r.met = Some(w.as_secs_f64() <= 20.0 && mb(rss) <= 200.0);
        results.push(r);
    }

    if want("walk") {
        // The API walk against the emulator, 100 ms added to every page.
        let mut config = Config::new(d100.seed(), TOKEN);
        config.import_step_delay = Duration::from_millis(1);
        let emu = Emulator::start(config)?;
        emu.add_fault(FaultRule::always("findJobs", Fault::Slow { delay_ms: 100 }))?;
        let walk_out = out.join("plan-walk");
        let (w, rss) = plan_runs(&emu.base_url(), &d100, &d100.csv(), &walk_out, 1)?;
        let pages = d100.page_count();
        let bound = 1.1 * pages as f64 * 0.1 + 1.0;
        let mut r = Result::new(
            &format!("API walk, emulator +100 ms/page, {pages} pages"),
            n100,
            w,
            csv_bytes,
        );
        r.peak_rss_mb = Some(mb(rss));
        r.ratio = format!(
            "{:.2}x of pages x 100 ms",
            w.as_secs_f64() / (pages as f64 * 0.1)
        );
        r.target = format!("<= {bound:.1} s");
        r.met = Some(w.as_secs_f64() <= bound);
        results.push(r);
        let same = ["new_hires.csv", "updates.csv"].iter().all(|f| {
            let a = std::fs::read(walk_out.join(f)).ok();
            a.is_some() && a == std::fs::read(out.join("plan-100k").join(f)).ok()
        });
        let mut r = Result::new(
            "  same change files: recorded pages vs emulator",
            n100,
            w,
            0,
        );
        r.ratio = if same {
            "identical".into()
        } else {
            "DIFFERENT".into()
        };
        r.target = "identical".into();
        r.met = Some(same);
        results.push(r);
    }
    Ok(results)
}
