//! File primitives every reader and writer goes through: only regular files are read,
//! and never more than a stated number of bytes; files named by a scenario stay inside
//! its folder; saving is atomic, follows symlinks to their target and leaves no
//! temporary file behind, even after a kill.

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Component, Path, PathBuf};
use std::time::Duration;

/// Why a file could not be read. Messages name no temporary files and echo nothing
/// of the file's contents.
#[derive(Debug)]
pub enum ReadError {
    /// Not a regular file (a folder, a FIFO, a device, a socket).
    NotRegular(&'static str),
    /// Longer than the cap.
    TooLarge {
        /// The cap in bytes.
        cap: u64,
    },
    /// The operating system refused.
    Io(io::Error),
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::NotRegular(kind) => write!(f, "is {kind}, not a regular file"),
            ReadError::TooLarge { cap } => {
                write!(f, "is larger than {}, the most this kind of file may hold", bytes_text(*cap))
            }
            ReadError::Io(e) => write!(f, "cannot read: {}", io_text(e)),
        }
    }
}

impl std::error::Error for ReadError {}

/// `12 MiB`-style text for a byte count.
pub fn bytes_text(n: u64) -> String {
    const MIB: u64 = 1024 * 1024;
    if n >= MIB && n.is_multiple_of(MIB) { format!("{} MiB", n / MIB) } else { format!("{n} bytes") }
}

/// An I/O error's text without Rust's "(os error N)" suffix.
pub fn io_text(e: &io::Error) -> String {
    let s = e.to_string();
    match s.find(" (os error") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

fn kind_of(meta: &std::fs::Metadata) -> Option<&'static str> {
    let t = meta.file_type();
    if t.is_file() {
        return None;
    }
    if t.is_dir() {
        return Some("a folder");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return Some("a named pipe (FIFO)");
        }
        if t.is_char_device() || t.is_block_device() {
            return Some("a device");
        }
        if t.is_socket() {
            return Some("a socket");
        }
    }
    Some("not a regular file")
}

/// Opens `path` for reading if it is a regular file (symlinks followed). The type is
/// checked before opening, so a FIFO never blocks, and again on the open file.
pub fn open_regular(path: &Path) -> Result<File, ReadError> {
    let meta = std::fs::metadata(path).map_err(ReadError::Io)?;
    if let Some(kind) = kind_of(&meta) {
        return Err(ReadError::NotRegular(kind));
    }
    let mut opts = OpenOptions::new();
    opts.read(true);
    #[cfg(unix)]
    {
        // Had the path been swapped for a FIFO since the check, opening must not block.
        use std::os::unix::fs::OpenOptionsExt;
        opts.custom_flags(libc::O_NONBLOCK);
    }
    let file = opts.open(path).map_err(ReadError::Io)?;
    let meta = file.metadata().map_err(ReadError::Io)?;
    if let Some(kind) = kind_of(&meta) {
        return Err(ReadError::NotRegular(kind));
    }
    Ok(file)
}

/// A reader that fails once more than `cap` bytes have been read: the cap holds while
/// reading, whatever size the file claims.
pub struct Capped<R> {
    inner: R,
    left: u64,
    cap: u64,
}

/// The error a [`Capped`] reader returns past its cap (inside an `io::Error`).
#[derive(Debug)]
pub struct OverCap(pub u64);

impl std::fmt::Display for OverCap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", ReadError::TooLarge { cap: self.0 })
    }
}

impl std::error::Error for OverCap {}

impl<R: Read> Capped<R> {
    /// Wraps `inner`, allowing at most `cap` bytes.
    pub fn new(inner: R, cap: u64) -> Self {
        Self { inner, left: cap, cap }
    }
}

impl<R: Read> Read for Capped<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.left == 0 {
            // One more byte tells a file of exactly `cap` bytes from a longer one.
            let mut probe = [0u8; 1];
            return match self.inner.read(&mut probe)? {
                0 => Ok(0),
                _ => Err(io::Error::other(OverCap(self.cap))),
            };
        }
        let n = buf.len().min(usize::try_from(self.left).unwrap_or(usize::MAX));
        let got = self.inner.read(&mut buf[..n])?;
        self.left -= got as u64;
        Ok(got)
    }
}

/// The cap an error from a [`Capped`] reader reports, if it is one.
pub fn over_cap(e: &io::Error) -> Option<u64> {
    e.get_ref().and_then(|inner| inner.downcast_ref::<OverCap>()).map(|o| o.0)
}

/// Opens a regular file for reading through a [`Capped`] reader.
pub fn open_capped(path: &Path, cap: u64) -> Result<Capped<File>, ReadError> {
    Ok(Capped::new(open_regular(path)?, cap))
}

/// Reads a whole regular file of at most `cap` bytes.
pub fn read_capped(path: &Path, cap: u64) -> Result<Vec<u8>, ReadError> {
    let mut r = open_capped(path, cap)?;
    let mut out = Vec::new();
    match r.read_to_end(&mut out) {
        Ok(_) => Ok(out),
        Err(e) => Err(match over_cap(&e) {
            Some(cap) => ReadError::TooLarge { cap },
            None => ReadError::Io(e),
        }),
    }
}

/// Resolves `rel`, a file named inside a scenario, against the scenario's folder
/// `dir`, or says why it is not allowed: it must be a non-empty relative path that
/// stays inside `dir` (subfolders allowed), also after following symlinks.
pub fn inside(dir: &Path, rel: &str) -> Result<PathBuf, String> {
    const RULE: &str = "name a file in the scenario's own folder or a subfolder of it, e.g. \"products.csv\" or \
                        \"catalog/products.csv\"";
    if rel.trim().is_empty() {
        return Err(format!("the file name is empty; {RULE}"));
    }
    if rel.chars().any(char::is_control) {
        return Err(format!("the file name contains control characters; {RULE}"));
    }
    let p = Path::new(rel);
    for c in p.components() {
        match c {
            Component::Prefix(_) | Component::RootDir => {
                return Err(format!("`{rel}` is an absolute path; {RULE}"));
            }
            Component::ParentDir => {
                return Err(format!("`{rel}` leads out of the scenario's folder (`..`); {RULE}"));
            }
            Component::CurDir | Component::Normal(_) => {}
        }
    }
    let joined = dir.join(p);
    // Symlinks may still lead out: compare where the deepest existing part resolves.
    let base = std::fs::canonicalize(if dir.as_os_str().is_empty() { Path::new(".") } else { dir })
        .map_err(|e| format!("the scenario's folder cannot be read: {}", io_text(&e)))?;
    let mut probe = joined.as_path();
    loop {
        if std::fs::symlink_metadata(probe).is_ok() {
            if let Ok(real) = std::fs::canonicalize(probe)
                && !real.starts_with(&base)
            {
                return Err(format!("`{rel}` is a link to a file outside the scenario's folder; {RULE}"));
            }
            break;
        }
        match probe.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => probe = parent,
            _ => break,
        }
    }
    Ok(joined)
}

/// How old a leftover temporary file must be before a save treats it as abandoned
/// (left by a save that was killed) rather than in progress.
const STALE_TEMPORARY: Duration = Duration::from_secs(120);

/// The file a write to `path` should replace: `path` itself, or for a symlink the file
/// it finally points at (so the link stays a link).
fn write_target(path: &Path) -> PathBuf {
    let mut target = path.to_path_buf();
    for _ in 0..40 {
        match std::fs::read_link(&target) {
            Ok(next) => {
                target = match target.parent() {
                    Some(dir) if next.is_relative() => dir.join(next),
                    _ => next,
                };
            }
            Err(_) => return target,
        }
    }
    target
}

/// Writes `bytes` to `path` atomically: a temporary file beside the target
/// (`.NAME.aovlab-save.tmp`) is written, flushed to disk and renamed over it, so a
/// crash leaves the old file or the new one, whole. A symlink is followed and its
/// target replaced. The temporary file is removed on failure, and one left by a save
/// that was killed is replaced by the next save of the same file. The file keeps the
/// permissions of the one it replaces (a new file gets rw-r--r--).
///
/// A path that exists and is neither a regular file nor a folder (`/dev/null`,
/// `/dev/stdout`, a named pipe, a shell's `>(...)`) is written into as it is: renaming
/// a file over it would replace the device or the pipe with a regular file (as root,
/// `--json /dev/null` replaced the system's `/dev/null`), or fail.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    if let Ok(meta) = std::fs::metadata(path)
        && !meta.is_file()
        && !meta.is_dir()
    {
        return OpenOptions::new().write(true).open(path)?.write_all(bytes);
    }
    let target = write_target(path);
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = target.file_name().ok_or_else(|| io::Error::other("the path names no file"))?;
    if let Ok(meta) = std::fs::metadata(&target)
        && meta.is_dir()
    {
        return Err(io::Error::other("it is a folder"));
    }
    let tmp = dir.join(format!(".{}.aovlab-save.tmp", name.to_string_lossy()));
    let mut file = match create_new(&tmp) {
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
            let age = std::fs::metadata(&tmp).and_then(|m| m.modified()).ok().and_then(|t| t.elapsed().ok());
            if age.is_some_and(|a| a < STALE_TEMPORARY) {
                return Err(io::Error::other("another save of this file is in progress; try again in a moment"));
            }
            std::fs::remove_file(&tmp)?;
            create_new(&tmp)?
        }
        other => other?,
    };
    let written = (|| {
        file.write_all(bytes)?;
        match std::fs::metadata(&target) {
            Ok(m) => file.set_permissions(m.permissions())?,
            Err(_) => {
                #[cfg(unix)]
                {
                    use std::os::unix::fs::PermissionsExt;
                    file.set_permissions(std::fs::Permissions::from_mode(0o644))?;
                }
            }
        }
        file.sync_all()?;
        drop(file);
        std::fs::rename(&tmp, &target)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}

fn create_new(path: &Path) -> io::Result<File> {
    let mut opts = OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    opts.open(path)
}

/// Checks, before any work is done, that `path` can be written: its folder exists
/// and accepts new files, and it is not a folder itself. `-` (standard output), a
/// device and a pipe pass.
pub fn check_writable(path: &Path) -> Result<(), String> {
    if path.as_os_str() == "-" {
        return Ok(());
    }
    // A device or a pipe is written into as it is ([`write_atomic`]): its folder need
    // not accept new files (`/dev` does not, for a user).
    if let Ok(meta) = std::fs::metadata(path)
        && !meta.is_file()
        && !meta.is_dir()
    {
        return Ok(());
    }
    let target = write_target(path);
    if target.is_dir() {
        return Err("is a folder; name a file".into());
    }
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    match std::fs::metadata(&dir) {
        Ok(m) if m.is_dir() => {}
        Ok(_) => return Err(format!("{} is not a folder", dir.display())),
        Err(_) => return Err(format!("the folder {} does not exist", dir.display())),
    }
    // Try what saving does: create a file beside the target.
    let probe = dir.join(format!(".{}.aovlab-check.tmp", std::process::id()));
    match create_new(&probe) {
        Ok(_) => {
            let _ = std::fs::remove_file(&probe);
            Ok(())
        }
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(format!("the folder {} does not accept new files: {}", dir.display(), io_text(&e))),
    }
}

/// Whether two paths name the same existing file (after following symlinks).
pub fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capped_reader_allows_exactly_the_cap() {
        let mut out = Vec::new();
        Capped::new(&b"abcd"[..], 4).read_to_end(&mut out).unwrap();
        assert_eq!(out, b"abcd");
        let e = Capped::new(&b"abcde"[..], 4).read_to_end(&mut Vec::new()).unwrap_err();
        assert_eq!(over_cap(&e), Some(4));
    }

    #[test]
    fn paths_must_stay_inside_the_folder() {
        let dir = tempfile::tempdir().unwrap();
        assert!(inside(dir.path(), "products.csv").is_ok());
        assert!(inside(dir.path(), "sub/products.csv").is_ok());
        assert!(inside(dir.path(), "./products.csv").is_ok());
        for bad in ["", "  ", "/etc/passwd", "../x.csv", "sub/../../x.csv", "a\u{1b}b"] {
            assert!(inside(dir.path(), bad).is_err(), "{bad:?}");
        }
        #[cfg(unix)]
        {
            let outside = tempfile::tempdir().unwrap();
            std::os::unix::fs::symlink(outside.path(), dir.path().join("link")).unwrap();
            let e = inside(dir.path(), "link/x.csv").unwrap_err();
            assert!(e.contains("outside"), "{e}");
        }
    }

    #[test]
    fn atomic_write_follows_symlinks_and_cleans_up() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.json");
        std::fs::write(&real, "old").unwrap();
        #[cfg(unix)]
        {
            let link = dir.path().join("link.json");
            std::os::unix::fs::symlink(&real, &link).unwrap();
            write_atomic(&link, b"new").unwrap();
            assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
            assert_eq!(std::fs::read_to_string(&real).unwrap(), "new");
        }
        // A temporary file left by a killed save is replaced by the next save.
        let tmp = dir.path().join(".real.json.aovlab-save.tmp");
        std::fs::write(&tmp, "half").unwrap();
        let old = std::time::SystemTime::now() - Duration::from_secs(3600);
        File::options().write(true).open(&tmp).unwrap().set_modified(old).unwrap();
        write_atomic(&real, b"newer").unwrap();
        assert_eq!(std::fs::read_to_string(&real).unwrap(), "newer");
        assert!(!tmp.exists());
        let left: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
            .collect();
        assert!(left.is_empty(), "{left:?}");
    }

    /// A named pipe (or a device, or `/dev/stdout`) is written into, not replaced by a
    /// regular file; through a symlink too (as `/dev/stdout` is one).
    #[cfg(unix)]
    #[test]
    fn atomic_write_into_a_pipe_writes_through_it() {
        use std::os::unix::fs::FileTypeExt;
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("out.json");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status().map(|s| s.success()).unwrap_or(false);
        if !made {
            eprintln!("skipped: no mkfifo here");
            return;
        }
        let link = dir.path().join("link.json");
        std::os::unix::fs::symlink(&fifo, &link).unwrap();
        for path in [&fifo, &link] {
            check_writable(path).unwrap();
            let reader = {
                let fifo = fifo.clone();
                std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
            };
            write_atomic(path, b"{\"ok\": true}").unwrap();
            // Checked before joining: a pipe replaced by a file never gets a writer, and
            // its reader would wait for ever.
            assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo(), "still a pipe");
            assert_eq!(reader.join().unwrap(), "{\"ok\": true}");
        }
        assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
    }

    #[cfg(unix)]
    #[test]
    fn fifos_and_devices_are_refused_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe.toml");
        // std has no mkfifo: use the system's command.
        let ok = std::process::Command::new("mkfifo").arg(&fifo).status().map(|s| s.success()).unwrap_or(false);
        if ok {
            assert!(matches!(read_capped(&fifo, 10), Err(ReadError::NotRegular(_))));
        }
        assert!(matches!(read_capped(Path::new("/dev/zero"), 10), Err(ReadError::NotRegular(_))));
        assert!(matches!(read_capped(dir.path(), 10), Err(ReadError::NotRegular(_))));
    }
}
