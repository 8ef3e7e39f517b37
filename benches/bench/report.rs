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
    /// The ratio the target is about, as text (e.g. `23% of raw`).
    pub ratio: String,
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
            ratio: String::new(),
            target: String::new(),
            met: None,
        }
    }
}

pub fn mb(bytes: u64) -> f64 {
    bytes as f64 / MB
}

impl Result {
    /// The row's cells after the case name and the rows: wall s, rows/s, MB/s, RSS, heap,
    /// ratio, target, and whether the target is met (`no` written as `missed`).
    fn cells(&self, missed: &str) -> [String; 8] {
        let opt = |v: Option<f64>| v.map_or("-".to_string(), |v| format!("{v:.1}"));
        [
            format!("{:.3}", self.wall_s),
            format!("{:.0}", self.rows_per_s),
            format!("{:.1}", self.mb_per_s),
            opt(self.peak_rss_mb),
            opt(self.peak_heap_mb),
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
        "{:<44} {:>9} {:>8} {:>11} {:>8} {:>9} {:>9}  {:<26} {:<30} {}\n",
        "case", "rows", "wall s", "rows/s", "MB/s", "RSS MB", "heap MB", "ratio", "target", "met"
    );
    for r in results {
        let [wall, rps, mbs, rss, heap, ratio, target, met] = r.cells("NO");
        out.push_str(&format!(
            "{:<44} {:>9} {wall:>8} {rps:>11} {mbs:>8} {rss:>9} {heap:>9}  {ratio:<26} {target:<30} {met}\n",
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
        "Run {date} on {nproc} processor(s), {cpu}; scale {scale}.\n\n| case | rows | wall s | rows/s | MB/s | peak RSS MB | peak heap MB | ratio | target | met |\n|---|---:|---:|---:|---:|---:|---:|---|---|---|\n"
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
