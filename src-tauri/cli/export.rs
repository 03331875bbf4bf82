//! `worktogether export csv|json|markdown [--kind …] [--from …] [--to …] [--tag …]
//! [--german-numbers] [--force] [FILE]`: the history as a CSV table, the JSON backup or the
//! Markdown report, written by the core (`worktogether_core::export`) from the database opened
//! read-only, so it works while the app runs. The selection and the writing are shared with the
//! app's exports (`crate::exports`).
//!
//! Without FILE it goes to standard output. A FILE is written whole or not at all: into a
//! temporary file beside it (readable by the person only: it holds their notes), flushed to
//! disk and then renamed over FILE, so a failure half-way leaves no half-written file and an
//! existing FILE as it was. An existing FILE is replaced only with `--force`.

use super::args::{Export, ExportFormat};
use super::{Cli, OK, REFUSED};
use crate::exports::{self, Format, Style, Written, write_whole};
use crate::state;
use std::io::{BufWriter, ErrorKind, Write};
use std::path::{Path, PathBuf};
use worktogether_core::export::ExportError;
use worktogether_core::{CoreError, Store};

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
        let format = match export.format {
            ExportFormat::Csv(kind) => Format::Csv(kind),
            ExportFormat::Json => Format::Json,
            ExportFormat::Markdown => Format::Markdown,
        };
        let selection = exports::selection(format, export.from, export.to, export.tag.clone(), zone, now)
            .map_err(|e| self.core(&CoreError::from(e)).message)?;
        let words = |key: &str, args: &[(&str, String)]| self.catalog.t(key, args);
        let style = Style { zone, now, german_numbers: export.german_numbers, words: &words };
        let write = |out: &mut dyn Write| exports::write(&store, format, &selection, &style, out);
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
    pub(super) fn target(&self, file: &Path, database: &Path, force: bool) -> Result<PathBuf, String> {
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
