//! `worktogether import FILE|-`: the JSON backup (`worktogether export json`) read and checked
//! whole by the core (`worktogether_core::import`), then written into the database in one
//! transaction (`Store::import_backup`): everything the history lacks, or nothing.
//!
//! Only while the app is closed. The running app would not learn of rows written behind its
//! back (its history, templates and settings on screen, a session in progress), and its
//! ticker's writes would wait on a long import. With the app closed, the store is made for
//! another process (WAL, a busy timeout, an immediate transaction). The database is created
//! when there is none (a new computer), but only once the file was found good. The running app
//! imports from its settings instead (`data_commands.rs`, which words both).

use super::{Cli, REFUSED};
use crate::control::{self, Request, SendError};
use crate::data_commands::{import_error, import_summary};
use std::fs::File;
use std::path::Path;
use worktogether_core::Store;
use worktogether_core::export::Backup;
use worktogether_core::import::{ImportError, ImportSummary, read_backup, validate};

impl Cli<'_> {
    /// Imports the backup in `file` (standard input without one).
    pub(super) fn import(&self, file: Option<&str>) -> i32 {
        match self.try_import(file) {
            Ok(lines) => self.print(&lines.join("\n")),
            Err(message) => self.fail(&message, REFUSED),
        }
    }

    /// The lines saying what was imported; `Err` holds why nothing was.
    fn try_import(&self, file: Option<&str>) -> Result<Vec<String>, String> {
        let database = self.database().map_err(|e| e.message)?;
        if app_running(self.data_dir) {
            return Err(self.catalog.t("cli.import.app_running", &[]));
        }
        let backup = validate(self.read_backup_file(file)?).map_err(|e| self.import_message(&e))?;
        // Again: reading a large file (or standard input) takes a while, and the app may have
        // been started meanwhile.
        if app_running(self.data_dir) {
            return Err(self.catalog.t("cli.import.app_running", &[]));
        }
        let mut store = Store::open(&database).map_err(|e| self.core(&e).message)?;
        let summary = store.import_backup(&backup).map_err(|e| self.import_message(&e))?;
        Ok(self.import_summary(&summary))
    }

    fn read_backup_file(&self, file: Option<&str>) -> Result<Backup, String> {
        let Some(path) = file else {
            return read_backup(std::io::stdin().lock()).map_err(|e| self.import_message(&e));
        };
        let shown = || [("path", path.to_owned())];
        // A folder opens on some systems and fails only when read: say what it is.
        if Path::new(path).is_dir() {
            return Err(self.catalog.t("cli.import.is_folder", &shown()));
        }
        let file = File::open(path).map_err(|e| {
            let [path] = shown();
            self.catalog.t("cli.import.cannot_open", &[path, ("detail", e.to_string())])
        })?;
        read_backup(file).map_err(|e| self.import_message(&e))
    }

    /// Worded as the app words it (`data_commands.rs`).
    fn import_message(&self, e: &ImportError) -> String {
        import_error(&self.catalog, e).message
    }

    fn import_summary(&self, s: &ImportSummary) -> Vec<String> {
        import_summary(&self.catalog, s)
    }
}

/// Whether an app listens on the control channel of `data_dir`. Asked with a request that
/// changes nothing: move a test clock by no time (an app on the system clock refuses it).
fn app_running(data_dir: &Path) -> bool {
    !matches!(control::send(data_dir, &Request::AdvanceClock { advance_clock_ms: 0 }), Err(SendError::NotRunning))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{Catalog, Language};
    use worktogether_core::import::Counted;

    #[test]
    fn the_summary_counts_in_words() {
        let dir = std::path::PathBuf::from("/nonexistent");
        let cli = Cli { catalog: Catalog::new(Language::En), data_dir: &dir };
        let summary = ImportSummary {
            sessions: Counted { added: 12, present: 3 },
            commitments: Counted { added: 40, present: 9 },
            templates: Counted { added: 1, present: 3 },
            settings_differing: 2,
            renamed_templates: vec![("Deep".into(), "Deep (2)".into())],
            ..ImportSummary::default()
        };
        assert_eq!(
            cli.import_summary(&summary),
            [
                "Imported 12 sessions, 40 commitments and 1 template; 3 sessions were already there.",
                "The template “Deep” is called “Deep (2)” now: your history has a different template of that name.",
                "2 settings differ in the backup; yours were kept.",
            ]
        );
        let cli = Cli { catalog: Catalog::new(Language::De), data_dir: &dir };
        let one = ImportSummary { sessions: Counted { added: 1, present: 1 }, ..ImportSummary::default() };
        assert_eq!(
            cli.import_summary(&one),
            ["Importiert: 1 Session, 0 Commitments und 0 Vorlagen; 1 Session war schon da."]
        );
    }
}
