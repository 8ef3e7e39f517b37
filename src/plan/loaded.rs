//! A plan directory read back for `apply`: `plan.json` streamed and hashed (the hash is the
//! plan's identity), its change files checked against the hashes it records.

use std::path::{Path, PathBuf};

use super::{CHANGE_FILES, PLAN_FILE, PlanDoc, PlanError, SCHEMA_VERSION};

/// A plan read back for `apply`, with the hash that identifies it.
#[derive(Debug)]
pub struct LoadedPlan {
    pub dir: PathBuf,
    pub doc: PlanDoc,
    /// SHA-256 of `plan.json`: the plan's identity.
    pub hash: String,
}

impl LoadedPlan {
    /// Reads `plan.json` and checks that every change file still has the hash it was planned
    /// with. Fails with [`PlanError::Edited`] naming the first file that changed.
    pub fn load(dir: &Path) -> Result<LoadedPlan, PlanError> {
        let path = dir.join(PLAN_FILE);
        // Read as a stream and hashed on the way: a million-row plan is never held whole.
        let read_err = |e: &dyn std::fmt::Display| PlanError::Read {
            path: path.clone(),
            message: e.to_string(),
        };
        let file = std::fs::File::open(&path).map_err(|e| read_err(&e))?;
        let mut reader =
            std::io::BufReader::with_capacity(1 << 20, crate::fsutil::HashingReader::new(file));
        let doc: PlanDoc = serde_json::from_reader(&mut reader).map_err(|e| read_err(&e))?;
        std::io::copy(&mut reader, &mut std::io::sink()).map_err(|e| read_err(&e))?;
        let hash = reader.into_inner().finish();
        if doc.schema_version != SCHEMA_VERSION {
            return Err(PlanError::Read {
                path,
                message: format!(
                    "schema version {} is not {SCHEMA_VERSION}; make the plan again with this version",
                    doc.schema_version
                ),
            });
        }
        // The names come from the file: only the change files a plan writes, so an edited
        // plan.json cannot point `apply` at `../..`, an absolute path or a device.
        for f in doc.files.iter().chain(&doc.departures_file) {
            if !CHANGE_FILES.contains(&f.name.as_str()) {
                return Err(PlanError::Read {
                    path,
                    message: format!(
                        "it names the change file `{}`; a plan's change files are {} in its own directory",
                        f.name,
                        CHANGE_FILES.map(|n| format!("`{n}`")).join(", ")
                    ),
                });
            }
        }
        for f in &doc.files {
            let fpath = dir.join(&f.name);
            let hash = crate::fsutil::sha256_file(&fpath).map_err(|e| PlanError::Read {
                path: fpath.clone(),
                message: e.to_string(),
            })?;
            if hash != f.sha256 {
                return Err(PlanError::Edited { path: fpath });
            }
        }
        Ok(LoadedPlan {
            dir: dir.to_path_buf(),
            hash,
            doc,
        })
    }
}
