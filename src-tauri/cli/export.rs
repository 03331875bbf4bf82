//! `worktogether export csv|json|markdown [--kind …] [--from …] [--to …] [--tag …]
//! [--german-numbers] [--force] [FILE]`: the history as a CSV table, the JSON backup or the
//! Markdown report, written by the core (`worktogether_core::export`) from the database opened
//! read-only, so it works while the app runs.
//!
//! Without FILE it goes to standard output. A FILE is written whole or not at all: into a
//! temporary file beside it (readable by the person only: it holds their notes), flushed to
//! disk and then renamed over FILE, so a failure half-way leaves no half-written file and an
//! existing FILE as it was. An existing FILE is replaced only with `--force`.

use super::args::{Export, ExportFormat};
use super::{Cli, OK, REFUSED};
use crate::state;
use std::fs::{File, OpenOptions};
use std::io::{BufWriter, ErrorKind, Write};
use std::path::{Path, PathBuf};
use worktogether_core::export::{CsvStyle, ExportError, Selection, week_of};
use worktogether_core::stats::local_day;
use worktogether_core::{CoreError, Store};

/// What an export wrote, for the line saying so.
enum Written {
    Rows(u64),
    Backup(u64),
    Report,
}

impl Cli<'_> {
    pub(super) fn export(&self, export: &Export) -> i32 {
        match self.try_export(export) {
            Ok(Some(message)) => self.print(&message),
            Ok(None) => OK,
            Err(message) => self.fail(&message, REFUSED),
        }
    }

    /// Exports, and says where to when it went to a file; `Err` holds why it did not.
    fn try_export(&self, export: &Export) -> Result<Option<String>, String> {
        let database = self.database().map_err(|e| e.message)?;
        // Checked before anything is read: a refusal costs nothing.
        let target = match &export.file {
            Some(file) => Some(self.target(Path::new(file), &database, export.force)?),
            None => None,
        };
        let store = if database.exists() {
            Store::open_read_only(&database)
        } else {
            // Nothing was ever saved here: an empty history, and nothing created for asking.
            Store::open_in_memory()
        }
        .map_err(|e| self.core(&e).message)?;
        let zone = crate::zone::person_zone();
        let now = state::now();
        let (from, to) = match (export.format, export.from, export.to, &export.tag) {
            // A report is of this week, unless days or a tag say otherwise.
            (ExportFormat::Markdown, None, None, None) => {
                let (monday, sunday) = week_of(local_day(zone, now));
                (Some(monday), Some(sunday))
            }
            _ => (export.from, export.to),
        };
        let selection =
            Selection::new(from, to, export.tag.clone()).map_err(|e| self.core(&CoreError::from(e)).message)?;
        let words = |key: &str, args: &[(&str, String)]| self.catalog.t(key, args);
        let write = |out: &mut dyn Write| -> Result<Written, ExportError> {
            match export.format {
                ExportFormat::Csv(kind) => {
                    let style = CsvStyle { german_numbers: export.german_numbers };
                    store.export_csv(kind, &selection, zone, style, &words, out).map(Written::Rows)
                }
                ExportFormat::Json => {
                    store.export_backup(&selection, zone, now, out).map(|c| Written::Backup(c.sessions))
                }
                ExportFormat::Markdown => store.export_report(&selection, zone, &words, out).map(|()| Written::Report),
            }
        };
        let Some(target) = target else {
            let mut out = BufWriter::new(std::io::stdout().lock());
            return match write(&mut out).and_then(|_| out.flush().map_err(ExportError::from)) {
                Ok(()) => Ok(None),
                // The reader went away (`| head`): not an error.
                Err(ExportError::Write(e)) if e.kind() == ErrorKind::BrokenPipe => Ok(None),
                Err(ExportError::Write(e)) => Err(self.catalog.t("cli.export.failed", &[("detail", e.to_string())])),
                Err(ExportError::Core(e)) => Err(self.core(&e).message),
            };
        };
        let path = target.display().to_string();
        let written = write_whole(&target, write).map_err(|e| match e {
            ExportError::Core(e) => self.core(&e).message,
            ExportError::Write(e) => {
                self.catalog.t("cli.export.cannot_write", &[("path", path.clone()), ("detail", e.to_string())])
            }
        })?;
        let plural = |count: u64| if count == 1 { "one" } else { "other" };
        let args = |count: u64| [("path", path.clone()), ("count", count.to_string())];
        Ok(Some(match written {
            Written::Rows(n) => self.catalog.t(&format!("cli.export.written.rows.{}", plural(n)), &args(n)),
            Written::Backup(n) => self.catalog.t(&format!("cli.export.written.backup.{}", plural(n)), &args(n)),
            Written::Report => self.catalog.t("cli.export.written.report", &args(0)),
        }))
    }

    /// Where `file` is written, or why not there: a folder, the database itself, or a file
    /// that exists without `--force`.
    fn target(&self, file: &Path, database: &Path, force: bool) -> Result<PathBuf, String> {
        let args = [("path", file.display().to_string())];
        match std::fs::metadata(file) {
            Ok(meta) if meta.is_dir() => Err(self.catalog.t("cli.export.is_folder", &args)),
            Ok(_) if same_file(file, database) => Err(self.catalog.t("cli.export.is_database", &args)),
            Ok(_) if !force => Err(self.catalog.t("cli.export.exists", &args)),
            _ => Ok(file.to_path_buf()),
        }
    }
}

fn same_file(a: &Path, b: &Path) -> bool {
    matches!((a.canonicalize(), b.canonicalize()), (Ok(a), Ok(b)) if a == b)
}

/// Runs `write` into a temporary file beside `target` and renames it over `target` once all of
/// it is on disk; on any failure the temporary file goes and `target` is untouched.
fn write_whole<T>(
    target: &Path,
    write: impl FnOnce(&mut dyn Write) -> Result<T, ExportError>,
) -> Result<T, ExportError> {
    let name = target.file_name().ok_or_else(|| std::io::Error::new(ErrorKind::InvalidInput, "no file name"))?;
    let folder = match target.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let (temp, file) = create_temp(folder, &name.to_string_lossy())?;
    let written = (|| {
        let mut out = BufWriter::with_capacity(1 << 16, file);
        let value = write(&mut out)?;
        let file = out.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()?;
        drop(file);
        std::fs::rename(&temp, target)?;
        Ok(value)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    written
}

/// A new file `.NAME.PID.N.part` in `folder`, readable and writable by the person only.
fn create_temp(folder: &Path, name: &str) -> std::io::Result<(PathBuf, File)> {
    let mut attempt = 0;
    loop {
        let path = folder.join(format!(".{name}.{}.{attempt}.part", std::process::id()));
        let mut options = OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        match options.open(&path) {
            Ok(file) => return Ok((path, file)),
            Err(e) if e.kind() == ErrorKind::AlreadyExists && attempt < 100 => attempt += 1,
            Err(e) => return Err(e),
        }
    }
}
