//! The generated data sets: made once per size under the bench directory, then reused.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use bench_data::Spec;

type Error = Box<dyn std::error::Error>;

/// Rows per recorded `findJobs` page (what the emulator pages by, too).
pub const PAGE: usize = 1000;
/// Bump when the generator's output changes, so cached data is made again.
const DATA_VERSION: u32 = 1;

/// One generated data set.
pub struct Data {
    pub spec: Spec,
    pub dir: PathBuf,
}

impl Data {
    /// Generates what is missing: the CSV export, the pages, and on request the seed and XLSX.
    pub fn make(
        root: &Path,
        spec: Spec,
        seed: bool,
        xlsx: bool,
    ) -> std::result::Result<Data, Error> {
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
    pub fn csv(&self) -> PathBuf {
        self.dir.join("export.csv")
    }
    pub fn xlsx(&self) -> PathBuf {
        self.dir.join("export.xlsx")
    }
    pub fn pages(&self) -> PathBuf {
        self.dir.join("pages")
    }
    pub fn seed(&self) -> PathBuf {
        self.dir.join("seed")
    }
    pub fn mapping(&self) -> PathBuf {
        self.dir.join("bench.toml")
    }
    pub fn page_count(&self) -> usize {
        std::fs::read(self.pages().join("index.json"))
            .ok()
            .and_then(|b| serde_json::from_slice::<Vec<Option<String>>>(&b).ok())
            .map_or(0, |v| v.len())
    }
}

/// The size of the file at `path` in bytes (0 when it cannot be read).
pub fn size(path: &Path) -> u64 {
    std::fs::metadata(path).map_or(0, |m| m.len())
}

/// `n` people at `scale` (at least 100).
pub fn scaled(n: usize, scale: f64) -> usize {
    ((n as f64 * scale).round() as usize).max(100)
}
