//! Writing files that hold personal data (private modes, atomic replacement) and hashing them.

use std::io::Write;
use std::path::Path;

/// Creates `dir` (and missing parents) and makes `dir` itself private (0700 on Unix).
pub fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    }
    Ok(())
}

/// Writes `bytes` to `path` atomically: a private (0600) temporary file in the same directory,
/// flushed to disk, then renamed over `path`. A crash leaves the old file or the new one,
/// never half of either.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut file = AtomicFile::create(path)?;
    file.write_all(bytes)?;
    file.commit()
}

/// The hex SHA-256 of a file's bytes, read as a stream. Fails when the file cannot be read.
pub fn sha256_file(path: &Path) -> std::io::Result<String> {
    let mut reader = HashingReader::new(std::fs::File::open(path)?);
    std::io::copy(&mut reader, &mut std::io::sink())?;
    Ok(reader.finish())
}

/// A reader that hashes (SHA-256) the bytes read through it.
pub struct HashingReader<R: std::io::Read> {
    input: R,
    hash: sha2::Sha256,
}

impl<R: std::io::Read> HashingReader<R> {
    pub fn new(input: R) -> HashingReader<R> {
        use sha2::Digest;
        HashingReader {
            input,
            hash: sha2::Sha256::new(),
        }
    }

    /// The hex SHA-256 of everything read.
    pub fn finish(self) -> String {
        use sha2::Digest;
        hex(&self.hash.finalize())
    }
}

impl<R: std::io::Read> std::io::Read for HashingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        use sha2::Digest;
        let n = self.input.read(buf)?;
        self.hash.update(&buf[..n]);
        Ok(n)
    }
}

/// A writer that passes bytes on and hashes them (SHA-256) on the way.
pub struct HashingWriter<W: Write> {
    out: W,
    hash: sha2::Sha256,
}

impl<W: Write> HashingWriter<W> {
    pub fn new(out: W) -> HashingWriter<W> {
        use sha2::Digest;
        HashingWriter {
            out,
            hash: sha2::Sha256::new(),
        }
    }

    /// The hex SHA-256 of everything written.
    pub fn finish(self) -> String {
        self.into_parts().1
    }

    /// The inner writer, and the hex SHA-256 of everything written.
    pub fn into_parts(self) -> (W, String) {
        use sha2::Digest;
        (self.out, hex(&self.hash.finalize()))
    }
}

impl<W: Write> std::fmt::Debug for HashingWriter<W> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HashingWriter").finish_non_exhaustive()
    }
}

impl<W: Write> Write for HashingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        use sha2::Digest;
        let n = self.out.write(buf)?;
        self.hash.update(&buf[..n]);
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}

/// A private (0600) file written in pieces that appears at its final path only when
/// [`AtomicFile::commit`] is called; dropped uncommitted, it leaves nothing behind. For output
/// streamed page by page (`payroll-sync roster -o FILE`).
pub struct AtomicFile {
    tmp: std::path::PathBuf,
    path: std::path::PathBuf,
    file: Option<std::fs::File>,
}

impl AtomicFile {
    /// Creates the temporary file beside `path`. Fails when the directory is not writable.
    pub fn create(path: &Path) -> std::io::Result<AtomicFile> {
        let dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let name = path
            .file_name()
            .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::InvalidInput, "no file name"))?;
        let tmp = dir.join(format!(
            ".{}.tmp-{}",
            name.to_string_lossy(),
            std::process::id()
        ));
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let file = options.open(&tmp)?;
        Ok(AtomicFile {
            tmp,
            path: path.to_path_buf(),
            file: Some(file),
        })
    }

    /// Flushes to disk and renames over the final path; on failure the temporary file is
    /// removed and the final path left as it was.
    pub fn commit(mut self) -> std::io::Result<()> {
        let synced = match self.file.take() {
            Some(file) => file.sync_all(),
            None => Ok(()),
        };
        let result = synced.and_then(|()| std::fs::rename(&self.tmp, &self.path));
        if result.is_err() {
            let _ = std::fs::remove_file(&self.tmp);
        }
        result
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self.file.as_mut() {
            Some(f) => f.write(buf),
            None => Err(std::io::Error::other("file already committed")),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self.file.as_mut() {
            Some(f) => f.flush(),
            None => Ok(()),
        }
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if self.file.take().is_some() {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

/// Lower-case hex of bytes.
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_private_files_atomically() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path().join("plan");
        create_private_dir(&d).unwrap();
        let f = d.join("a.csv");
        write_atomic(&f, b"one").unwrap();
        write_atomic(&f, b"two").unwrap();
        assert_eq!(std::fs::read(&f).unwrap(), b"two");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                std::fs::metadata(&f).unwrap().permissions().mode() & 0o777,
                0o600
            );
            assert_eq!(
                std::fs::metadata(&d).unwrap().permissions().mode() & 0o777,
                0o700
            );
        }
        assert_eq!(
            std::fs::read_dir(&d).unwrap().count(),
            1,
            "no temporary file is left"
        );
    }

    #[test]
    fn atomic_file_appears_only_on_commit() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("roster.csv");
        let mut a = AtomicFile::create(&f).unwrap();
        a.write_all(b"part").unwrap();
        drop(a);
        assert!(!f.exists());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
        let mut a = AtomicFile::create(&f).unwrap();
        a.write_all(b"all").unwrap();
        a.commit().unwrap();
        assert_eq!(std::fs::read(&f).unwrap(), b"all");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&f).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
    }
}
