//! Synthetic benchmark data: a payroll export (CSV and XLSX) and the matching ChartHop roster
//! (an emulator seed and recorded `findJobs` pages) at any size, from a fixed seed.
//!
//! Every person is a pure function of the seed and their index, so any size is generated as a
//! stream without holding the population, and the same size always gives the same bytes. About
//! 2% of the people the roster holds differ from the export: a changed title, department or
//! location (1%), a new hire (0.5%) or a departure (0.5%, status `Terminated` in the export).
//! Changes touch only people who manage nobody, so no change ripples into a manager reference.
//! [`expected`] lists exactly those changes, for the test that the dry run finds them.
//!
//! This crate knows nothing about timing; the bench (`benches/bench/`) measures with it. All
//! names, e-mails (`bench.example`) and ids are invented.

mod export;
mod people;
mod roster;
mod xlsx;

pub use export::{HEADER, write_csv};
pub use people::{Change, Person, person};
pub use roster::{ORG, PAGE_FIELDS, catalogue_page, page_file, write_pages, write_seed};
pub use xlsx::write_xlsx;

/// The generator's fixed seed.
pub const SEED: u64 = 0x5eed_2026_0009;

/// The bench mapping (`mappings/bench.toml`), which maps [`HEADER`] onto ChartHop fields.
pub const MAPPING: &str = include_str!("../../../mappings/bench.toml");

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spec {
    /// Rows in the export (people `0..rows`).
    pub rows: usize,
    /// People `0..roster` are in ChartHop (less the new hires among them); people from
    /// `roster` to `rows` are all new hires. At most `rows`.
    pub roster: usize,
}

impl Spec {
    /// An export and a roster of the same people.
    pub fn same(people: usize) -> Spec {
        Spec {
            rows: people,
            roster: people,
        }
    }

    /// Person `i` of this spec.
    pub fn person(&self, i: usize) -> Person {
        person(SEED, i, self)
    }
}

/// The changes the generator made, by payroll id (`Employee ID`), in export order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Expected {
    /// People in the export and not in ChartHop.
    pub new_hires: Vec<String>,
    /// People whose export row differs from ChartHop: payroll id and the ChartHop field.
    pub updates: Vec<(String, &'static str)>,
    /// People in ChartHop whose export status is `Terminated`.
    pub departures: Vec<String>,
    /// People in both with nothing to change.
    pub unchanged: usize,
    /// People in the roster (filled jobs).
    pub roster: usize,
}

/// Exactly the changes in the data of `spec`.
pub fn expected(spec: &Spec) -> Expected {
    let mut e = Expected::default();
    for i in 0..spec.rows {
        let p = spec.person(i);
        let id = p.employee_id.to_string();
        match p.change {
            Change::None => e.unchanged += 1,
            Change::Hired => e.new_hires.push(id),
            Change::Departed => e.departures.push(id),
            Change::Title => e.updates.push((id, "title")),
            Change::Department => e.updates.push((id, "department")),
            Change::Location => e.updates.push((id, "location")),
        }
        if p.in_roster() {
            e.roster += 1;
        }
    }
    e
}

/// Writes everything for `spec` into `dir`: `export.csv`, `export.xlsx` (when `xlsx`),
/// `seed/` (the emulator seed), `pages/` (recorded `findJobs` pages of `page_size` rows) and
/// `bench.toml` (the mapping). Returns the files' paths.
///
/// Fails with the I/O error of the first file that cannot be written.
pub fn write_all(
    dir: &std::path::Path,
    spec: &Spec,
    xlsx: bool,
    page_size: usize,
) -> std::io::Result<Files> {
    std::fs::create_dir_all(dir)?;
    let files = Files {
        csv: dir.join("export.csv"),
        xlsx: dir.join("export.xlsx"),
        seed: dir.join("seed"),
        pages: dir.join("pages"),
        mapping: dir.join("bench.toml"),
    };
    write_csv(&files.csv, spec)?;
    if xlsx {
        write_xlsx(&files.xlsx, spec)?;
    }
    write_seed(&files.seed, spec)?;
    write_pages(&files.pages, spec, page_size)?;
    std::fs::write(&files.mapping, MAPPING)?;
    Ok(files)
}

/// Where [`write_all`] put things.
#[derive(Debug, Clone)]
pub struct Files {
    pub csv: std::path::PathBuf,
    pub xlsx: std::path::PathBuf,
    pub seed: std::path::PathBuf,
    pub pages: std::path::PathBuf,
    pub mapping: std::path::PathBuf,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn about_two_percent_change_and_only_leaves_do() {
        let spec = Spec::same(20_000);
        let e = expected(&spec);
        let changed = e.new_hires.len() + e.updates.len() + e.departures.len();
        assert!((300..=500).contains(&changed), "{changed} changes");
        for i in 0..spec.rows {
            let p = spec.person(i);
            if p.change != Change::None {
                assert!(10 * i + 1 >= spec.rows, "person {i} manages someone");
            }
        }
        assert_eq!(e.roster, spec.rows - e.new_hires.len());
    }

    #[test]
    fn people_past_the_roster_are_hires() {
        let spec = Spec {
            rows: 1000,
            roster: 100,
        };
        assert_eq!(spec.person(500).change, Change::Hired);
        assert!(expected(&spec).new_hires.len() >= 900);
    }
}
