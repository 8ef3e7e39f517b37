//! Saves and loads the org state as JSON, so a second run starts where the first stopped.
//!
//! Writes are atomic (a temp file in the same directory, then a rename) and private (mode 0600
//! on Unix). Does not decide when to save; the import runner calls [`save`] after applying.

use std::io::Write;
use std::path::Path;

use crate::error::Error;
use crate::state::OrgState;

/// Loads a state file written by [`save`]. Fails if it cannot be read or parsed.
pub fn load(file: &Path) -> Result<OrgState, Error> {
    let text = std::fs::read_to_string(file).map_err(|source| Error::Io {
        action: "reading",
        file: file.to_path_buf(),
        source,
    })?;
    let mut state: OrgState = serde_json::from_str(&text).map_err(|source| Error::Json {
        file: file.to_path_buf(),
        source,
    })?;
    state.reindex();
    Ok(state)
}

/// Writes `state` to `file` atomically with mode 0600. Fails if the directory is not writable.
pub fn save(file: &Path, state: &OrgState) -> Result<(), Error> {
    let io = |source| Error::Io {
        action: "writing",
        file: file.to_path_buf(),
        source,
    };
    let json = serde_json::to_vec_pretty(state).map_err(|e| io(std::io::Error::other(e)))?;
    let dir = file
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "state".into());
    let tmp = dir.join(format!(".{name}.{}.tmp", crate::ids::new_id()));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let result = options
        .open(&tmp)
        .and_then(|mut f| f.write_all(&json).and_then(|()| f.sync_all()))
        .and_then(|()| std::fs::rename(&tmp, file));
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map_err(io)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::Org;

    #[test]
    fn round_trips_with_private_mode() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let file = dir.path().join("state.json");
        let state = OrgState::new(Org {
            id: "1".repeat(24),
            slug: "s".into(),
            name: "S".into(),
        });
        save(&file, &state).unwrap_or_else(|e| panic!("{e}"));
        save(&file, &state).unwrap_or_else(|e| panic!("{e}"));
        let back = load(&file).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(back.org, state.org);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&file)
                .map(|m| m.permissions().mode() & 0o777)
                .unwrap_or(0);
            assert_eq!(mode, 0o600);
        }
        assert_eq!(
            std::fs::read_dir(dir.path())
                .map(|d| d.count())
                .unwrap_or(0),
            1,
            "no temp file left"
        );
    }
}
