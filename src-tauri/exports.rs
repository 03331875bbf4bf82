//! Writing an export of the history, the same way from the command line (`cli/export.rs`) and from
//! the app (`data_commands.rs`): which part of the history (a report is of this week unless days
//! or a tag say otherwise), the core's writer for the format (`worktogether_core::export`), and
//! a file written whole or not at all.
//!
//! A file is written into a temporary file beside it (readable by the person only: it holds
//! their notes), flushed to disk and only then put in place, so a failure half-way leaves no
//! half-written file: renamed over the target ([`write_whole`], the command line's FILE), or
//! linked under the first free name ([`write_new`], the app's exports, which never replace a file).

use chrono::NaiveDate;
use chrono_tz::Tz;
use std::fs::{File, OpenOptions};
use std::io::{BufWriter, ErrorKind, Write};
use std::path::{Path, PathBuf};
use worktogether_core::export::{CsvKind, CsvStyle, ExportError, Selection, Translate, week_of};
use worktogether_core::stats::{RangeError, local_day};
use worktogether_core::{Store, Timestamp};

/// What an export holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv(CsvKind),
    Json,
    Markdown,
}

impl Format {
    /// The generated file name's part for the format, and its extension.
    fn name_and_extension(self) -> (&'static str, &'static str) {
        match self {
            Self::Csv(kind) => (kind.as_str(), "csv"),
            Self::Json => ("backup", "json"),
            Self::Markdown => ("report", "md"),
        }
    }
}

/// What an export wrote, for the line saying so.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    /// CSV rows below the header.
    Rows(u64),
    /// Sessions in the JSON backup.
    Backup(u64),
    Report,
}

impl Written {
    /// The rows or sessions written; nothing for a report.
    pub fn count(self) -> Option<u64> {
        match self {
            Self::Rows(n) | Self::Backup(n) => Some(n),
            Self::Report => None,
        }
    }
}

/// The part of the history an export of `format` holds: the days `from` to `to` and the `tag`
/// given; a report without any of them is of the week `now` falls in, in `zone`.
pub fn selection(
    format: Format,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    tag: Option<String>,
    zone: Tz,
    now: Timestamp,
) -> Result<Selection, RangeError> {
    let blank = tag.as_deref().is_none_or(|t| t.trim().is_empty());
    let (from, to) = match (format, from, to) {
        (Format::Markdown, None, None) if blank => {
            let (monday, sunday) = week_of(local_day(zone, now));
            (Some(monday), Some(sunday))
        }
        _ => (from, to),
    };
    Selection::new(from, to, tag)
}

/// How an export is written, besides what it holds.
pub struct Style<'a> {
    pub zone: Tz,
    /// When the backup says it was exported.
    pub now: Timestamp,
    /// CSV only: a decimal comma and `;`, as German Excel expects.
    pub german_numbers: bool,
    /// The headers' and the report's words, in the person's language.
    pub words: Translate<'a>,
}

/// Writes the export of `selection` in `format` from `store` to `out`.
pub fn write(
    store: &Store,
    format: Format,
    selection: &Selection,
    style: &Style,
    out: &mut dyn Write,
) -> Result<Written, ExportError> {
    let Style { zone, now, german_numbers, words } = *style;
    match format {
        Format::Csv(kind) => {
            store.export_csv(kind, selection, zone, CsvStyle { german_numbers }, words, out).map(Written::Rows)
        }
        Format::Json => store.export_backup(selection, zone, now, out).map(|c| Written::Backup(c.sessions)),
        Format::Markdown => store.export_report(selection, zone, words, out).map(|()| Written::Report),
    }
}

/// The name an export of `format` made on `day` gets: `worktogether-commitments-2026-12-03.csv`.
pub fn file_name(format: Format, day: NaiveDate) -> String {
    let (what, extension) = format.name_and_extension();
    format!("worktogether-{what}-{day}.{extension}")
}

/// Runs `write` into a temporary file beside `target` and renames it over `target` once all of
/// it is on disk; on any failure the temporary file goes and `target` is untouched.
pub fn write_whole<T>(
    target: &Path,
    write: impl FnOnce(&mut dyn Write) -> Result<T, ExportError>,
) -> Result<T, ExportError> {
    let name = target.file_name().ok_or_else(|| std::io::Error::new(ErrorKind::InvalidInput, "no file name"))?;
    let folder = match target.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let (temp, value) = write_temp(folder, &name.to_string_lossy(), write)?;
    std::fs::rename(&temp, target).inspect_err(|_| {
        let _ = std::fs::remove_file(&temp);
    })?;
    Ok(value)
}

/// Runs `write` into a new file in `folder` named `name`, or, when that exists, `name (2)`,
/// `name (3)` … before its extension: an existing file is never replaced. Returns where it went.
pub fn write_new<T>(
    folder: &Path,
    name: &str,
    write: impl FnOnce(&mut dyn Write) -> Result<T, ExportError>,
) -> Result<(PathBuf, T), ExportError> {
    let (temp, value) = write_temp(folder, name, write)?;
    let placed = place_new(&temp, folder, name);
    let _ = std::fs::remove_file(&temp);
    Ok((placed?, value))
}

/// Links `temp` under the first free name in `folder` (see [`write_new`]): linking fails when
/// the name is taken, so a file that appears meanwhile is not replaced either.
fn place_new(temp: &Path, folder: &Path, name: &str) -> std::io::Result<PathBuf> {
    let (stem, extension) = match name.rsplit_once('.') {
        Some((stem, extension)) if !stem.is_empty() => (stem, format!(".{extension}")),
        _ => (name, String::new()),
    };
    for n in 1..=999 {
        let candidate = match n {
            1 => folder.join(name),
            n => folder.join(format!("{stem} ({n}){extension}")),
        };
        match std::fs::hard_link(temp, &candidate) {
            Ok(()) => return Ok(candidate),
            Err(e) if e.kind() == ErrorKind::AlreadyExists => continue,
            // A file system without links (FAT): the name is checked first, then copied to.
            Err(_) if !candidate.exists() => {
                std::fs::copy(temp, &candidate)?;
                return Ok(candidate);
            }
            Err(e) => return Err(e),
        }
    }
    Err(std::io::Error::new(ErrorKind::AlreadyExists, format!("999 files named like {name}")))
}

/// Writes a temporary file in `folder` with `write`, flushed and synced; removed again on failure.
fn write_temp<T>(
    folder: &Path,
    name: &str,
    write: impl FnOnce(&mut dyn Write) -> Result<T, ExportError>,
) -> Result<(PathBuf, T), ExportError> {
    let (temp, file) = create_temp(folder, name)?;
    let written = (|| {
        let mut out = BufWriter::with_capacity(1 << 16, file);
        let value = write(&mut out)?;
        let file = out.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()?;
        Ok(value)
    })();
    match written {
        Ok(value) => Ok((temp, value)),
        Err(e) => {
            let _ = std::fs::remove_file(&temp);
            Err(e)
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn names_say_what_and_when() {
        let on = day(2026, 12, 3);
        assert_eq!(file_name(Format::Csv(CsvKind::Commitments), on), "worktogether-commitments-2026-12-03.csv");
        assert_eq!(file_name(Format::Csv(CsvKind::Invoices), on), "worktogether-invoices-2026-12-03.csv");
        assert_eq!(file_name(Format::Json, on), "worktogether-backup-2026-12-03.json");
        assert_eq!(file_name(Format::Markdown, on), "worktogether-report-2026-12-03.md");
    }

    #[test]
    fn a_new_export_never_replaces_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let name = "worktogether-sessions-2026-12-03.csv";
        std::fs::write(dir.path().join(name), "mine").unwrap();
        let text = |s: &'static str| move |out: &mut dyn Write| out.write_all(s.as_bytes()).map_err(ExportError::from);
        let (second, ()) = write_new(dir.path(), name, text("b")).unwrap();
        let (third, ()) = write_new(dir.path(), name, text("c")).unwrap();
        assert_eq!(second, dir.path().join("worktogether-sessions-2026-12-03 (2).csv"));
        assert_eq!(third, dir.path().join("worktogether-sessions-2026-12-03 (3).csv"));
        assert_eq!(std::fs::read_to_string(dir.path().join(name)).unwrap(), "mine", "the first is untouched");
        assert_eq!(std::fs::read_to_string(&third).unwrap(), "c");
        // A failed export leaves nothing behind, not even its temporary file.
        let failed = write_new(dir.path(), name, |_| -> Result<(), ExportError> {
            Err(std::io::Error::other("disk full").into())
        });
        assert!(failed.is_err());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 3, "only the three exports");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&second).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "an export holds the person's notes: theirs to read only");
        }
    }

    #[test]
    fn a_report_without_days_or_tag_is_of_this_week() {
        let zone = Tz::Europe__Berlin;
        // Thursday 3 December 2026, 23:30 UTC: already Friday the 4th in Berlin.
        let now = chrono::Utc.with_ymd_and_hms(2026, 12, 3, 23, 30, 0).unwrap();
        let week = selection(Format::Markdown, None, None, None, zone, now).unwrap();
        assert_eq!((week.from(), week.to()), (Some(day(2026, 11, 30)), Some(day(2026, 12, 6))));
        let tagged = selection(Format::Markdown, None, None, Some("ACME".into()), zone, now).unwrap();
        assert_eq!((tagged.from(), tagged.to()), (None, None), "a tag's report covers all its days");
        let csv = selection(Format::Csv(CsvKind::Sessions), None, None, Some("  ".into()), zone, now).unwrap();
        assert_eq!((csv.from(), csv.to(), csv.tag()), (None, None, None), "a table is of everything");
        assert_eq!(
            selection(Format::Json, Some(day(2026, 12, 3)), Some(day(2026, 12, 1)), None, zone, now),
            Err(RangeError::Reversed)
        );
    }
}
