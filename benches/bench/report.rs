//! The results: one row per case, printed as a table and written as JSON and Markdown.

use std::path::Path;

/// One measured case.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Result {
    pub case: String,
    pub rows: usize,
    /// Median wall time, seconds.
    pub wall_s: f64,
    pub rows_per_s: f64,
    /// Input megabytes (10^6) per second.
    pub mb_per_s: f64,
    /// Peak RSS of the process (whole-process cases), MB.
    pub peak_rss_mb: Option<f64>,
    /// Peak live heap (in-process cases), MB.
    pub peak_heap_mb: Option<f64>,
    /// What the case is judged against, as text (e.g. `ByteRecord 0.231 s`); empty when
    /// the case has no baseline.
    pub baseline: String,
    /// The baseline's median time in the same run, seconds.
    pub baseline_s: Option<f64>,
    /// The ratio the target is about, as text (e.g. `4.4% of ByteRecord rate`).
    pub ratio: String,
    /// The same ratio as a number (a share for `%`, a factor for `x`).
    pub ratio_value: Option<f64>,
    pub target: String,
    /// Whether the target is met (`None`: no target).
    pub met: Option<bool>,
}

const MB: f64 = 1e6;

impl Result {
    pub fn new(case: &str, rows: usize, wall: std::time::Duration, bytes: u64) -> Result {
        let s = wall.as_secs_f64().max(1e-9);
        Result {
            case: case.to_string(),
            rows,
            wall_s: s,
            rows_per_s: rows as f64 / s,
            mb_per_s: bytes as f64 / MB / s,
            peak_rss_mb: None,
            peak_heap_mb: None,
            baseline: String::new(),
            baseline_s: None,
            ratio: String::new(),
            ratio_value: None,
            target: String::new(),
            met: None,
        }
    }
}

impl Result {
    /// Records the baseline `label` and its time `base` (from the same run).
    pub fn against(&mut self, label: &str, base: std::time::Duration) -> &mut Result {
        let s = base.as_secs_f64();
        self.baseline = format!("{label} {s:.3} s");
        self.baseline_s = Some(s);
        self
    }

    /// The case's rate as a share of the baseline's (the same data, so baseline time / wall
    /// time), shown as a percentage "of `what`"; returns the share.
    pub fn share(&mut self, what: &str) -> f64 {
        let share = self.baseline_s.unwrap_or(0.0) / self.wall_s;
        self.ratio = format!("{:.1}% of {what}", share * 100.0);
        self.ratio_value = Some(share);
        share
    }

    /// The case's time as a multiple of the baseline's, shown as "`N`x `what`"; returns the
    /// factor.
    pub fn times(&mut self, what: &str) -> f64 {
        let factor = self.wall_s / self.baseline_s.unwrap_or(0.0).max(1e-9);
        self.ratio = format!("{factor:.2}x {what}");
        self.ratio_value = Some(factor);
        factor
    }

    /// Sets the target's text and whether it is met.
    pub fn judge(&mut self, target: &str, met: bool) {
        self.target = target.to_string();
        self.met = Some(met);
    }
}

/// Megabytes (10^6) in `bytes`.
pub fn mb(bytes: u64) -> f64 {
    bytes as f64 / MB
}

impl Result {
    /// The row's cells after the case name and the rows: wall s, rows/s, MB/s, RSS, heap,
    /// baseline, ratio, target, and whether the target is met (`no` written as `missed`).
    fn cells(&self, missed: &str) -> [String; 9] {
        let opt = |v: Option<f64>| v.map_or("-".to_string(), |v| format!("{v:.1}"));
        [
            format!("{:.3}", self.wall_s),
            format!("{:.0}", self.rows_per_s),
            format!("{:.1}", self.mb_per_s),
            opt(self.peak_rss_mb),
            opt(self.peak_heap_mb),
            self.baseline.clone(),
            self.ratio.clone(),
            self.target.clone(),
            match self.met {
                Some(true) => "yes",
                Some(false) => missed,
                None => "-",
            }
            .to_string(),
        ]
    }
}

/// The table, fixed width.
pub fn table(results: &[Result]) -> String {
    let mut out = format!(
        "{:<44} {:>9} {:>8} {:>11} {:>8} {:>8} {:>8}  {:<26} {:<44} {:<44} {}\n",
        "case",
        "rows",
        "wall s",
        "rows/s",
        "MB/s",
        "RSS MB",
        "heap MB",
        "baseline (same run)",
        "ratio",
        "target",
        "met"
    );
    for r in results {
        let [wall, rps, mbs, rss, heap, base, ratio, target, met] = r.cells("NO");
        out.push_str(&format!(
            "{:<44} {:>9} {wall:>8} {rps:>11} {mbs:>8} {rss:>8} {heap:>8}  {base:<26} {ratio:<44} {target:<44} {met}\n",
            r.case, r.rows,
        ));
    }
    out
}

/// The machine: processors and CPU model.
fn machine() -> (usize, String) {
    let nproc = std::thread::available_parallelism().map_or(1, |n| n.get());
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|t| {
            t.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_string())
        })
        .unwrap_or_else(|| "unknown".into());
    (nproc, cpu)
}

/// Writes `results.json` and `results.md` into `root`.
pub fn write(root: &Path, results: &[Result], scale: f64) -> std::io::Result<()> {
    let (nproc, cpu) = machine();
    let date = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let doc = serde_json::json!({
        "date": date,
        "machine": { "nproc": nproc, "cpu": cpu },
        "scale": scale,
        "cases": results,
    });
    std::fs::create_dir_all(root)?;
    std::fs::write(root.join("results.json"), serde_json::to_vec_pretty(&doc)?)?;
    let mut md = format!(
        "Run {date} on {nproc} processor(s), {cpu}; scale {scale}.\n\n| case | rows | wall s | rows/s | MB/s | peak RSS MB | peak heap MB | baseline (same run) | ratio | target | met |\n|---|---:|---:|---:|---:|---:|---:|---|---|---|---|\n"
    );
    for r in results {
        md.push_str(&format!(
            "| {} | {} | {} |\n",
            r.case,
            r.rows,
            r.cells("**no**").join(" | ")
        ));
    }
    std::fs::write(root.join("results.md"), md)
}
