//! The command line's grammar: what `worktogether ARGS…` asks for, or why it makes no sense.
//! Hand-written rather than clap: a dozen commands and their options are shorter to parse than
//! clap's English help and error texts are to replace with our catalogs' words.

use chrono::{Datelike, NaiveDate};
use std::collections::BTreeSet;
use worktogether_core::app::{Action, TemplateChoice};
use worktogether_core::export::CsvKind;
use worktogether_core::{CommitmentDraft, Outcome};

/// What the arguments ask for.
#[derive(Debug, Clone, PartialEq)]
pub enum Invocation {
    /// No command: open the app (or bring the open one to the front).
    Open,
    Help,
    Version,
    Status {
        json: bool,
        follow: bool,
    },
    /// The session's commitments, numbered (read from the database).
    Commitments,
    /// The templates' names (read from the database).
    Templates,
    /// Close the closing round: the numbers become commitment IDs once the session is read.
    Close(Closing),
    /// The rooms this person is in, as last seen (read from the database).
    Rooms {
        json: bool,
    },
    /// Open an invite link in the app (as the desktop does when the link is clicked).
    Join {
        link: String,
    },
    /// Write the history as CSV, the JSON backup or the Markdown report (read from the database).
    Export(Export),
    /// Today's and the next work blocks, the day's budget and the routines due (read from the
    /// database).
    Schedule {
        json: bool,
    },
    /// The work blocks as an iCalendar file: to `file`, or to standard output without one.
    ScheduleExport {
        file: Option<String>,
        force: bool,
    },
    /// Read a JSON backup into the database: from `file`, or from standard input without one.
    Import {
        file: Option<String>,
    },
    Session(Action),
}

/// `export`'s arguments as given: the days are checked, the file is not yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Export {
    pub format: ExportFormat,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub tag: Option<String>,
    /// CSV only: a decimal comma and `;`, as German Excel expects.
    pub german_numbers: bool,
    /// Replace `file` if it exists.
    pub force: bool,
    /// Where to write; standard output without one.
    pub file: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Csv(CsvKind),
    Json,
    Markdown,
}

/// `close`'s arguments as given: outcomes by the numbers `commitments` shows.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Closing {
    /// A number (from 1) and the outcome it was given, each number at most once.
    pub outcomes: Vec<(usize, Outcome)>,
    pub note: Option<String>,
    pub rating: Option<u8>,
}

/// Wrong arguments: a catalog key and its placeholders, shown with the usage (`synopsis`, the
/// catalog key of the command's usage line).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageError {
    pub key: &'static str,
    pub args: Vec<(&'static str, String)>,
    pub synopsis: &'static str,
}

impl UsageError {
    fn new(key: &'static str, args: &[(&'static str, &str)]) -> Self {
        let args = args.iter().map(|(name, value)| (*name, (*value).to_owned())).collect();
        Self { key, args, synopsis: "cli.usage.synopsis" }
    }

    /// Shown with `export`'s own usage line (the general one would be too long with it).
    fn of_export(self) -> Self {
        Self { synopsis: "cli.export.synopsis", ..self }
    }

    /// Shown with `schedule`'s own usage line.
    fn of_schedule(self) -> Self {
        Self { synopsis: "cli.schedule.synopsis", ..self }
    }

    /// Shown with `import`'s own usage line.
    fn of_import(self) -> Self {
        Self { synopsis: "cli.import.synopsis", ..self }
    }
}

/// Minutes added by `extend` without a number: the UI's "+5 min".
pub const DEFAULT_EXTEND_MINUTES: u32 = 5;

/// `close`'s outcome options, as `--done 1 3` or `--done=1,3`.
const OUTCOME_OPTIONS: [(&str, Outcome); 3] =
    [("--done", Outcome::Done), ("--partly", Outcome::Partly), ("--not-done", Outcome::NotDone)];

/// Parses the arguments after the program name.
pub fn parse(args: &[String]) -> Result<Invocation, UsageError> {
    let Some((command, rest)) = args.split_first() else { return Ok(Invocation::Open) };
    // A clicked invite link: the desktop starts the app with the link alone (the deep-link
    // plugin reads it there, or hands it to the app already open).
    if rest.is_empty() && command.starts_with(&format!("{}:", crate::rooms::link::SCHEME)) {
        return Ok(Invocation::Open);
    }
    // `--help` anywhere asks for the help, as people expect from `worktogether start --help`.
    if args.iter().any(|a| a == "--help" || a == "-h") {
        return Ok(Invocation::Help);
    }
    let mut rest = Options { command, args: rest.iter() };
    let invocation = match command.as_str() {
        "help" => Invocation::Help,
        "--version" | "-V" => Invocation::Version,
        // The start-at-login entry opens the app in the tray (see `autostart`).
        crate::autostart::HIDDEN_ARG => Invocation::Open,
        "start" => {
            let name = rest.value_of("--template")?;
            let template = name.map_or(TemplateChoice::Default, TemplateChoice::Name);
            Invocation::Session(Action::Start { template })
        }
        "commit" => Invocation::Session(Action::Commit { draft: commitment(&mut rest)? }),
        "commitments" => Invocation::Commitments,
        "pause" => Invocation::Session(Action::Pause { note: rest.value_of("--note")? }),
        "resume" => Invocation::Session(Action::Resume),
        "skip" => Invocation::Session(Action::Skip),
        "stop" => Invocation::Session(Action::Stop),
        "extend" => {
            let minutes = match rest.positional()? {
                None => DEFAULT_EXTEND_MINUTES,
                Some(text) => minutes(&text)?,
            };
            Invocation::Session(Action::Extend { minutes })
        }
        "close" => Invocation::Close(closing(&mut rest)?),
        "abandon" => Invocation::Session(Action::Abandon),
        "templates" => Invocation::Templates,
        "rooms" => Invocation::Rooms { json: rest.flag("--json")? },
        "join" => match rest.positional()? {
            Some(link) => Invocation::Join { link },
            None => return Err(UsageError::new("cli.usage.missing_link", &[])),
        },
        "status" => {
            let (json, follow) = rest.flags("--json", "--follow")?;
            Invocation::Status { json, follow }
        }
        "export" => Invocation::Export(export(&mut rest).map_err(UsageError::of_export)?),
        "import" => Invocation::Import { file: import(&mut rest).map_err(UsageError::of_import)? },
        "schedule" => schedule(&mut rest).map_err(UsageError::of_schedule)?,
        other if other.starts_with('-') => {
            return Err(UsageError::new("cli.usage.unknown_option", &[("option", other)]));
        }
        other => return Err(UsageError::new("cli.usage.unknown_command", &[("command", other)])),
    };
    rest.finish()?;
    Ok(invocation)
}

fn minutes(text: &str) -> Result<u32, UsageError> {
    text.parse().map_err(|_| UsageError::new("cli.usage.minutes", &[("value", text)]))
}

/// `commit TEXT [--tag TAG] [--estimate MINUTES]`, in any order. The text is checked by the
/// core (an empty one is refused there, in the UI's words); it only has to be there, once.
fn commitment(rest: &mut Options) -> Result<CommitmentDraft, UsageError> {
    let mut given = rest.read(&["--tag", "--estimate"], &[], true)?;
    let text = match given.plain.as_slice() {
        [] => return Err(UsageError::new("cli.usage.missing_text", &[])),
        [text] => text.clone(),
        // `worktogether commit Write the offer`: the shell split it into words.
        words => return Err(UsageError::new("cli.usage.one_text", &[("text", &words.join(" "))])),
    };
    let estimate_minutes = given.value("--estimate").map(|m| minutes(&m)).transpose()?;
    Ok(CommitmentDraft { text, tag: given.value("--tag"), estimate_minutes })
}

/// `close [--done N…] [--partly N…] [--not-done N…] [--note TEXT] [--rating RATING]`.
fn closing(rest: &mut Options) -> Result<Closing, UsageError> {
    let mut given = rest.read(&["--note", "--rating"], &OUTCOME_OPTIONS.map(|(name, _)| name), false)?;
    let mut seen = BTreeSet::new();
    let mut outcomes = Vec::new();
    for (name, values) in &given.lists {
        let outcome = OUTCOME_OPTIONS.iter().find(|(n, _)| n == name).map(|(_, o)| *o).expect("one of ours");
        for value in values {
            let number = value
                .parse::<usize>()
                .ok()
                .filter(|n| *n >= 1)
                .ok_or_else(|| UsageError::new("cli.usage.number", &[("value", value)]))?;
            if !seen.insert(number) {
                return Err(UsageError::new("cli.usage.number_twice", &[("number", &number.to_string())]));
            }
            outcomes.push((number, outcome));
        }
    }
    let rating = given
        .value("--rating")
        .map(|r| {
            r.parse::<u8>()
                .ok()
                .filter(|r| (1..=5).contains(r))
                .ok_or_else(|| UsageError::new("cli.usage.rating", &[("value", &r)]))
        })
        .transpose()?;
    Ok(Closing { outcomes, note: given.value("--note"), rating })
}

/// `export csv|json|markdown [--kind KIND] [--from DAY] [--to DAY] [--tag TAG]
/// [--german-numbers] [--force] [FILE]`, options in any order.
fn export(rest: &mut Options) -> Result<Export, UsageError> {
    let mut given =
        rest.read_with_flags(&["--kind", "--from", "--to", "--tag"], &[], &["--german-numbers", "--force"], true)?;
    let (format, file) = match given.plain.as_slice() {
        [] => return Err(UsageError::new("cli.export.missing_format", &[])),
        [format] => (format.clone(), None),
        [format, file] => (format.clone(), Some(file.clone())),
        [_, _, extra, ..] => {
            return Err(UsageError::new("cli.usage.extra", &[("argument", extra), ("command", "export")]));
        }
    };
    let kind = given.value("--kind");
    let german_numbers = given.flag("--german-numbers");
    let format = match format.as_str() {
        "csv" => ExportFormat::Csv(match &kind {
            None => CsvKind::Commitments,
            Some(kind) => {
                CsvKind::parse(kind).ok_or_else(|| UsageError::new("cli.export.unknown_kind", &[("kind", kind)]))?
            }
        }),
        "json" => ExportFormat::Json,
        "markdown" => ExportFormat::Markdown,
        other => return Err(UsageError::new("cli.export.unknown_format", &[("format", other)])),
    };
    if !matches!(format, ExportFormat::Csv(_)) {
        let option = [("--kind", kind.is_some()), ("--german-numbers", german_numbers)].into_iter().find(|(_, g)| *g);
        if let Some((option, _)) = option {
            return Err(UsageError::new("cli.export.csv_only", &[("option", option)]));
        }
    }
    let from = given.value("--from").map(|d| day("--from", &d)).transpose()?;
    let to = given.value("--to").map(|d| day("--to", &d)).transpose()?;
    if let (Some(from), Some(to)) = (from, to)
        && to < from
    {
        let (from, to) = (from.to_string(), to.to_string());
        return Err(UsageError::new("cli.export.reversed", &[("from", &from), ("to", &to)]));
    }
    Ok(Export { format, from, to, tag: given.value("--tag"), german_numbers, force: given.flag("--force"), file })
}

/// `schedule [--json]`, or `schedule export [--force] [FILE]`.
fn schedule(rest: &mut Options) -> Result<Invocation, UsageError> {
    let given = rest.read_with_flags(&[], &[], &["--json", "--force"], true)?;
    let (json, force) = (given.flag("--json"), given.flag("--force"));
    match given.plain.as_slice() {
        [] if force => Err(UsageError::new("cli.schedule.export_only", &[("option", "--force")])),
        [] => Ok(Invocation::Schedule { json }),
        [what, ..] if what != "export" => {
            Err(UsageError::new("cli.usage.extra", &[("argument", what), ("command", "schedule")]))
        }
        [_, _, extra, ..] => {
            Err(UsageError::new("cli.usage.extra", &[("argument", extra), ("command", "schedule export")]))
        }
        _ if json => Err(UsageError::new("cli.schedule.list_only", &[("option", "--json")])),
        [_] => Ok(Invocation::ScheduleExport { file: None, force }),
        [_, file] => Ok(Invocation::ScheduleExport { file: Some(file.clone()), force }),
    }
}

/// `import FILE`, or `import -` for standard input (`--` before a file whose name starts with a
/// dash, or is `-`).
fn import(rest: &mut Options) -> Result<Option<String>, UsageError> {
    if rest.args.as_slice().first().is_some_and(|a| a == "-") {
        rest.args.next();
        return rest.finish().map(|()| None);
    }
    match rest.read(&[], &[], true)?.plain.as_slice() {
        [] => Err(UsageError::new("cli.import.missing_file", &[])),
        [file] => Ok(Some(file.clone())),
        [_, extra, ..] => Err(UsageError::new("cli.usage.extra", &[("argument", extra), ("command", "import")])),
    }
}

/// A day as `YYYY-MM-DD`, in the years 1 to 9999.
fn day(option: &str, text: &str) -> Result<NaiveDate, UsageError> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .filter(|d| (1..=9999).contains(&d.year()))
        .ok_or_else(|| UsageError::new("cli.export.date", &[("option", option), ("value", text)]))
}

/// Whether an argument is an option: a dash and not a (negative) number, which is a wrong
/// value rather than an unknown option.
fn is_option(arg: &str) -> bool {
    arg.starts_with('-') && arg[1..].parse::<f64>().is_err()
}

/// What a command was given: the values of its options and its plain arguments.
#[derive(Debug, Default)]
struct Given {
    values: Vec<(&'static str, String)>,
    /// The on/off flags given (each at most once).
    flags: Vec<&'static str>,
    /// Each list option as often as it was given, its values split at commas.
    lists: Vec<(&'static str, Vec<String>)>,
    plain: Vec<String>,
}

impl Given {
    fn value(&mut self, name: &str) -> Option<String> {
        let at = self.values.iter().position(|(n, _)| *n == name)?;
        Some(self.values.remove(at).1)
    }

    fn flag(&self, name: &str) -> bool {
        self.flags.contains(&name)
    }
}

/// The arguments after a command, consumed by what the command accepts.
struct Options<'a> {
    command: &'a str,
    args: std::slice::Iter<'a, String>,
}

impl Options<'_> {
    /// `NAME VALUE` or `NAME=VALUE`, at most once; the only thing the command accepts.
    fn value_of(&mut self, name: &'static str) -> Result<Option<String>, UsageError> {
        Ok(self.read(&[name], &[], false)?.value(name))
    }

    /// Reads the rest: for each of `single`, `NAME VALUE` or `NAME=VALUE` at most once; for
    /// each of `lists`, `NAME V1 V2…` or `NAME=V1,V2`, as often as wanted; and plain values
    /// when `plain` allows them (after `--`, everything is one, e.g. a text starting with a dash).
    fn read(&mut self, single: &[&'static str], lists: &[&'static str], plain: bool) -> Result<Given, UsageError> {
        self.read_with_flags(single, lists, &[], plain)
    }

    /// [`Options::read`], and each of `flags` on its own (at most once).
    fn read_with_flags(
        &mut self,
        single: &[&'static str],
        lists: &[&'static str],
        flags: &[&'static str],
        plain: bool,
    ) -> Result<Given, UsageError> {
        let mut given = Given::default();
        let mut options_ended = false;
        while let Some(arg) = self.args.next() {
            if plain && !options_ended && arg == "--" {
                options_ended = true;
                continue;
            }
            if options_ended || !is_option(arg) {
                if !plain {
                    return Err(self.unexpected(arg));
                }
                given.plain.push(arg.clone());
                continue;
            }
            let (name, inline) = match arg.split_once('=') {
                Some((name, value)) => (name, Some(value.to_owned())),
                None => (arg.as_str(), None),
            };
            let missing = || UsageError::new("cli.usage.missing_value", &[("option", name)]);
            if let Some(flag) = flags.iter().find(|f| **f == name) {
                if inline.is_some() {
                    return Err(self.unexpected(arg));
                }
                if given.flags.contains(flag) {
                    return Err(UsageError::new("cli.usage.repeated", &[("option", flag)]));
                }
                given.flags.push(flag);
            } else if let Some(name) = single.iter().find(|s| **s == name) {
                let value = match inline {
                    Some(value) => value,
                    None => self.args.next().cloned().ok_or_else(missing)?,
                };
                if value.trim().is_empty() {
                    return Err(missing());
                }
                if given.values.iter().any(|(n, _)| n == name) {
                    return Err(UsageError::new("cli.usage.repeated", &[("option", name)]));
                }
                given.values.push((name, value));
            } else if let Some(name) = lists.iter().find(|l| **l == name) {
                let mut values: Vec<String> = inline.into_iter().collect();
                if values.is_empty() {
                    while let Some(next) = self.args.as_slice().first().filter(|a| !is_option(a)) {
                        values.push(next.clone());
                        self.args.next();
                    }
                }
                let values: Vec<String> = values
                    .iter()
                    .flat_map(|v| v.split(','))
                    .map(str::trim)
                    .filter(|v| !v.is_empty())
                    .map(str::to_owned)
                    .collect();
                if values.is_empty() {
                    return Err(missing());
                }
                given.lists.push((name, values));
            } else {
                return Err(self.unexpected(arg));
            }
        }
        Ok(given)
    }

    /// One on/off flag, at most once.
    fn flag(&mut self, name: &str) -> Result<bool, UsageError> {
        let mut seen = false;
        for arg in self.args.by_ref() {
            if arg != name {
                return Err(Self::unexpected_in(self.command, arg));
            }
            if std::mem::replace(&mut seen, true) {
                return Err(UsageError::new("cli.usage.repeated", &[("option", arg)]));
            }
        }
        Ok(seen)
    }

    /// Two on/off flags, each at most once, in any order.
    fn flags(&mut self, first: &str, second: &str) -> Result<(bool, bool), UsageError> {
        let (mut a, mut b) = (false, false);
        for arg in self.args.by_ref() {
            let seen = if arg == first {
                &mut a
            } else if arg == second {
                &mut b
            } else {
                return Err(Self::unexpected_in(self.command, arg));
            };
            if std::mem::replace(seen, true) {
                return Err(UsageError::new("cli.usage.repeated", &[("option", arg)]));
            }
        }
        Ok((a, b))
    }

    /// One optional plain value (not an option).
    fn positional(&mut self) -> Result<Option<String>, UsageError> {
        match self.args.next() {
            None => Ok(None),
            Some(arg) if is_option(arg) => Err(self.unexpected(arg)),
            Some(arg) => Ok(Some(arg.clone())),
        }
    }

    fn finish(&mut self) -> Result<(), UsageError> {
        match self.args.next() {
            Some(arg) => Err(self.unexpected(arg)),
            None => Ok(()),
        }
    }

    fn unexpected(&self, arg: &str) -> UsageError {
        Self::unexpected_in(self.command, arg)
    }

    fn unexpected_in(command: &str, arg: &str) -> UsageError {
        if arg.starts_with('-') {
            UsageError::new("cli.usage.option_of", &[("option", arg), ("command", command)])
        } else {
            UsageError::new("cli.usage.extra", &[("argument", arg), ("command", command)])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{Catalog, Language};

    fn parse_str(line: &str) -> Result<Invocation, UsageError> {
        parse(&line.split_whitespace().map(str::to_owned).collect::<Vec<_>>())
    }

    fn session(action: Action) -> Result<Invocation, UsageError> {
        Ok(Invocation::Session(action))
    }

    fn commit(text: &str, tag: Option<&str>, estimate_minutes: Option<u32>) -> Action {
        Action::Commit { draft: CommitmentDraft { text: text.into(), tag: tag.map(Into::into), estimate_minutes } }
    }

    fn closing(
        outcomes: &[(usize, Outcome)],
        note: Option<&str>,
        rating: Option<u8>,
    ) -> Result<Invocation, UsageError> {
        Ok(Invocation::Close(Closing { outcomes: outcomes.to_vec(), note: note.map(Into::into), rating }))
    }

    #[test]
    fn every_command_parses() {
        let named = |n: &str| Action::Start { template: TemplateChoice::Name(n.into()) };
        let cases = [
            ("", Ok(Invocation::Open)),
            ("--hidden", Ok(Invocation::Open)),
            ("help", Ok(Invocation::Help)),
            ("--help", Ok(Invocation::Help)),
            ("-h", Ok(Invocation::Help)),
            ("start --help", Ok(Invocation::Help)),
            ("--version", Ok(Invocation::Version)),
            ("-V", Ok(Invocation::Version)),
            ("start", session(Action::Start { template: TemplateChoice::Default })),
            ("start --template Pomodoro", session(named("Pomodoro"))),
            ("start --template=Pomodoro", session(named("Pomodoro"))),
            ("pause", session(Action::Pause { note: None })),
            ("pause --note child", session(Action::Pause { note: Some("child".into()) })),
            ("resume", session(Action::Resume)),
            ("skip", session(Action::Skip)),
            ("stop", session(Action::Stop)),
            ("extend", session(Action::Extend { minutes: DEFAULT_EXTEND_MINUTES })),
            ("extend 15", session(Action::Extend { minutes: 15 })),
            // The core says which numbers of minutes are allowed (0 is refused there).
            ("extend 0", session(Action::Extend { minutes: 0 })),
            ("status", Ok(Invocation::Status { json: false, follow: false })),
            ("status --json", Ok(Invocation::Status { json: true, follow: false })),
            ("status --follow --json", Ok(Invocation::Status { json: true, follow: true })),
            ("commit Taxes", session(commit("Taxes", None, None))),
            ("commit Taxes --tag Home --estimate 30", session(commit("Taxes", Some("Home"), Some(30)))),
            ("commit --estimate=30 --tag=Home Taxes", session(commit("Taxes", Some("Home"), Some(30)))),
            // The core says which estimates are allowed (0 is refused there, as in the UI).
            ("commit Taxes --estimate 0", session(commit("Taxes", None, Some(0)))),
            // After `--` a text may start with a dash.
            ("commit -- -5%", session(commit("-5%", None, None))),
            ("commitments", Ok(Invocation::Commitments)),
            ("close", Ok(Invocation::Close(Closing::default()))),
            ("close --done 1", closing(&[(1, Outcome::Done)], None, None)),
            (
                "close --done 1 3 --partly 2 --not-done=4,5",
                closing(
                    &[
                        (1, Outcome::Done),
                        (3, Outcome::Done),
                        (2, Outcome::Partly),
                        (4, Outcome::NotDone),
                        (5, Outcome::NotDone),
                    ],
                    None,
                    None,
                ),
            ),
            ("close --done 1,3", closing(&[(1, Outcome::Done), (3, Outcome::Done)], None, None)),
            ("close --done 1, --done 2", closing(&[(1, Outcome::Done), (2, Outcome::Done)], None, None)),
            ("close --partly 2 --note good --rating 4", closing(&[(2, Outcome::Partly)], Some("good"), Some(4))),
            ("close --rating=1", closing(&[], None, Some(1))),
            ("abandon", session(Action::Abandon)),
            ("templates", Ok(Invocation::Templates)),
            ("rooms", Ok(Invocation::Rooms { json: false })),
            ("rooms --json", Ok(Invocation::Rooms { json: true })),
            (
                "join worktogether://join/h/ABCDE-FGHJK",
                Ok(Invocation::Join { link: "worktogether://join/h/ABCDE-FGHJK".into() }),
            ),
            // Checked when it is used, with the link's own message.
            ("join ABCDE", Ok(Invocation::Join { link: "ABCDE".into() })),
            // The desktop opens a clicked link with the link alone.
            ("worktogether://join/h/ABCDE-FGHJK", Ok(Invocation::Open)),
        ];
        for (line, want) in cases {
            assert_eq!(parse_str(line), want, "`worktogether {line}`");
        }
        // A template name with a space stays one argument, as the shell passes it.
        let args = ["start", "--template", "Short block"].map(String::from);
        assert_eq!(parse(&args), session(named("Short block")));
        let args = ["commit", "Write the offer", "--tag", "Acme GmbH"].map(String::from);
        assert_eq!(parse(&args), session(commit("Write the offer", Some("Acme GmbH"), None)));
        // A blank text is the core's to refuse, in the words the UI uses.
        let args = ["commit", "   "].map(String::from);
        assert_eq!(parse(&args), session(commit("   ", None, None)));
        let args = ["close", "--note", "a long day", "--done", "1"].map(String::from);
        assert_eq!(parse(&args), closing(&[(1, Outcome::Done)], Some("a long day"), None));
    }

    #[test]
    fn wrong_arguments_say_what_is_wrong() {
        let cases = [
            ("begin", "cli.usage.unknown_command"),
            ("--verbose", "cli.usage.unknown_option"),
            ("start --template", "cli.usage.missing_value"),
            ("start --template=", "cli.usage.missing_value"),
            ("start --template A --template B", "cli.usage.repeated"),
            ("start Pomodoro", "cli.usage.extra"),
            ("start --json", "cli.usage.option_of"),
            ("pause --note", "cli.usage.missing_value"),
            ("resume now", "cli.usage.extra"),
            ("skip 2", "cli.usage.extra"),
            ("join", "cli.usage.missing_link"),
            ("join a b", "cli.usage.extra"),
            ("rooms --json --json", "cli.usage.repeated"),
            ("worktogether://join/h/ABCDE-FGHJK now", "cli.usage.unknown_command"),
            ("stop --force", "cli.usage.option_of"),
            ("extend five", "cli.usage.minutes"),
            ("extend -5", "cli.usage.minutes"),
            ("extend 2.5", "cli.usage.minutes"),
            ("extend 99999999999", "cli.usage.minutes"),
            ("extend 5 10", "cli.usage.extra"),
            ("extend --by", "cli.usage.option_of"),
            ("status --jsn", "cli.usage.option_of"),
            ("status --json --json", "cli.usage.repeated"),
            ("status now", "cli.usage.extra"),
            ("help me", "cli.usage.extra"),
            ("--version 2", "cli.usage.extra"),
            ("commit", "cli.usage.missing_text"),
            ("commit --tag Home", "cli.usage.missing_text"),
            ("commit Write the offer", "cli.usage.one_text"),
            ("commit Taxes --tag", "cli.usage.missing_value"),
            ("commit Taxes --tag=", "cli.usage.missing_value"),
            ("commit Taxes --tag A --tag B", "cli.usage.repeated"),
            ("commit Taxes --estimate", "cli.usage.missing_value"),
            ("commit Taxes --estimate abc", "cli.usage.minutes"),
            ("commit Taxes --estimate -5", "cli.usage.minutes"),
            ("commit Taxes --estimate 1.5", "cli.usage.minutes"),
            ("commit Taxes --soon", "cli.usage.option_of"),
            ("commit -x", "cli.usage.option_of"),
            ("commitments 1", "cli.usage.extra"),
            ("commitments --json", "cli.usage.option_of"),
            ("close --done", "cli.usage.missing_value"),
            ("close --done=", "cli.usage.missing_value"),
            ("close --done , --partly 1", "cli.usage.missing_value"),
            ("close --done --partly 1", "cli.usage.missing_value"),
            ("close --done 0", "cli.usage.number"),
            ("close --done x", "cli.usage.number"),
            ("close --done -1", "cli.usage.number"),
            ("close --not-done 1,two", "cli.usage.number"),
            ("close --done 1 --partly 1", "cli.usage.number_twice"),
            ("close --done 2,2", "cli.usage.number_twice"),
            ("close --rating 9", "cli.usage.rating"),
            ("close --rating 0", "cli.usage.rating"),
            ("close --rating good", "cli.usage.rating"),
            ("close --rating", "cli.usage.missing_value"),
            ("close --rating 4 --rating 5", "cli.usage.repeated"),
            ("close --note", "cli.usage.missing_value"),
            ("close --note a --note b", "cli.usage.repeated"),
            ("close 1", "cli.usage.extra"),
            ("close --finished 1", "cli.usage.option_of"),
            ("close -- 1", "cli.usage.option_of"),
            ("abandon now", "cli.usage.extra"),
            ("abandon --force", "cli.usage.option_of"),
            ("templates --all", "cli.usage.option_of"),
        ];
        let catalogs = [Catalog::new(Language::En), Catalog::new(Language::De)];
        for (line, key) in cases {
            match parse_str(line) {
                Err(e) => {
                    assert_eq!(e.key, key, "`worktogether {line}`: {e:?}");
                    for catalog in &catalogs {
                        let text = catalog.t(e.key, &e.args);
                        assert!(text != e.key && !text.contains('{'), "{:?}: {text}", catalog.language());
                    }
                }
                Ok(i) => panic!("`worktogether {line}` should be refused, it parsed as {i:?}"),
            }
        }
    }

    #[test]
    fn export_parses_and_says_what_is_wrong_with_its_own_usage() {
        let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
        let plain = Export {
            format: ExportFormat::Csv(CsvKind::Commitments),
            from: None,
            to: None,
            tag: None,
            german_numbers: false,
            force: false,
            file: None,
        };
        let cases = [
            ("export csv", plain.clone()),
            ("export json", Export { format: ExportFormat::Json, ..plain.clone() }),
            (
                "export markdown out.md",
                Export { format: ExportFormat::Markdown, file: Some("out.md".into()), ..plain.clone() },
            ),
            (
                "export --kind=invoices csv --german-numbers --from 2026-05-04 --to=2026-05-10 --tag Acme --force x.csv",
                Export {
                    format: ExportFormat::Csv(CsvKind::Invoices),
                    from: Some(d(5, 4)),
                    to: Some(d(5, 10)),
                    tag: Some("Acme".into()),
                    german_numbers: true,
                    force: true,
                    file: Some("x.csv".into()),
                },
            ),
            (
                "export csv --kind sessions -- -x.csv",
                Export { format: ExportFormat::Csv(CsvKind::Sessions), file: Some("-x.csv".into()), ..plain.clone() },
            ),
            (
                "export markdown --from 2026-05-04 --to 2026-05-04",
                Export { format: ExportFormat::Markdown, from: Some(d(5, 4)), to: Some(d(5, 4)), ..plain.clone() },
            ),
        ];
        for (line, want) in cases {
            assert_eq!(parse_str(line), Ok(Invocation::Export(want)), "`worktogether {line}`");
        }
        let wrong = [
            ("export", "cli.export.missing_format"),
            ("export pdf", "cli.export.unknown_format"),
            ("export CSV", "cli.export.unknown_format"),
            ("export csv --kind weekly", "cli.export.unknown_kind"),
            ("export json --kind sessions", "cli.export.csv_only"),
            ("export markdown --german-numbers", "cli.export.csv_only"),
            ("export csv --from 2026-5-4x", "cli.export.date"),
            ("export csv --from 04.05.2026", "cli.export.date"),
            ("export csv --to 2026-02-30", "cli.export.date"),
            ("export csv --from 2026-05-10 --to 2026-05-04", "cli.export.reversed"),
            ("export csv a b", "cli.usage.extra"),
            ("export csv --from", "cli.usage.missing_value"),
            ("export csv --force --force", "cli.usage.repeated"),
            ("export csv --force=yes", "cli.usage.option_of"),
            ("export csv --json", "cli.usage.option_of"),
            ("export csv --tag A --tag B", "cli.usage.repeated"),
        ];
        let catalogs = [Catalog::new(Language::En), Catalog::new(Language::De)];
        for (line, key) in wrong {
            let e = parse_str(line).expect_err(line);
            assert_eq!((e.key, e.synopsis), (key, "cli.export.synopsis"), "`worktogether {line}`");
            for catalog in &catalogs {
                let text = catalog.t(e.key, &e.args);
                assert!(text != e.key && !text.contains('{'), "{:?}: {text}", catalog.language());
            }
        }
        assert_eq!(parse_str("begin").unwrap_err().synopsis, "cli.usage.synopsis", "other commands keep theirs");
    }

    #[test]
    fn import_parses_and_says_what_is_wrong_with_its_own_usage() {
        let file = |f: &str| Ok(Invocation::Import { file: Some(f.into()) });
        let cases = [
            ("import backup.json", file("backup.json")),
            ("import -", Ok(Invocation::Import { file: None })),
            ("import -- -", file("-")),
            ("import -- -backup.json", file("-backup.json")),
        ];
        for (line, want) in cases {
            assert_eq!(parse_str(line), want, "`worktogether {line}`");
        }
        let wrong = [
            ("import", "cli.import.missing_file"),
            ("import a.json b.json", "cli.usage.extra"),
            ("import - b.json", "cli.usage.extra"),
            ("import --force a.json", "cli.usage.option_of"),
        ];
        let catalogs = [Catalog::new(Language::En), Catalog::new(Language::De)];
        for (line, key) in wrong {
            let e = parse_str(line).expect_err(line);
            assert_eq!((e.key, e.synopsis), (key, "cli.import.synopsis"), "`worktogether {line}`");
            for catalog in &catalogs {
                let text = catalog.t(e.key, &e.args);
                assert!(text != e.key && !text.contains('{'), "{:?}: {text}", catalog.language());
            }
        }
    }

    #[test]
    fn schedule_lists_or_exports_and_says_what_does_not_fit() {
        let export =
            |file: Option<&str>, force| Ok(Invocation::ScheduleExport { file: file.map(str::to_owned), force });
        let cases = [
            ("schedule", Ok(Invocation::Schedule { json: false })),
            ("schedule --json", Ok(Invocation::Schedule { json: true })),
            ("schedule export", export(None, false)),
            ("schedule export family.ics", export(Some("family.ics"), false)),
            ("schedule export --force family.ics", export(Some("family.ics"), true)),
            ("schedule export family.ics --force", export(Some("family.ics"), true)),
        ];
        for (line, want) in cases {
            assert_eq!(parse_str(line), want, "`worktogether {line}`");
        }
        let wrong = [
            ("schedule --force", "cli.schedule.export_only"),
            ("schedule export --json", "cli.schedule.list_only"),
            ("schedule week", "cli.usage.extra"),
            ("schedule export a.ics b.ics", "cli.usage.extra"),
            ("schedule --json --json", "cli.usage.repeated"),
            ("schedule --days 3", "cli.usage.option_of"),
        ];
        let catalogs = [Catalog::new(Language::En), Catalog::new(Language::De)];
        for (line, key) in wrong {
            let e = parse_str(line).expect_err(line);
            assert_eq!((e.key, e.synopsis), (key, "cli.schedule.synopsis"), "`worktogether {line}`");
            for catalog in &catalogs {
                let text = catalog.t(e.key, &e.args);
                assert!(text != e.key && !text.contains('{'), "{:?}: {text}", catalog.language());
            }
        }
    }

    #[test]
    fn usage_errors_read_well_in_both_languages() {
        let err = parse_str("extend five").unwrap_err();
        let en = Catalog::new(Language::En).t(err.key, &err.args);
        let de = Catalog::new(Language::De).t(err.key, &err.args);
        assert!(en.contains("five") && en.contains("minutes"), "the English message names the value: {en}");
        assert!(de.contains("five") && de.contains("Minuten"), "the German message names the value: {de}");
        let cases = [
            ("close --done 7,x", "“x”", "„x“"),
            ("close --rating 9", "“9”", "„9“"),
            ("close --done 3 --partly 3", "Commitment 3 ", "Commitment 3 "),
        ];
        for (line, en, de) in cases {
            let err = parse_str(line).unwrap_err();
            for (language, value) in [(Language::En, en), (Language::De, de)] {
                let text = Catalog::new(language).t(err.key, &err.args);
                assert!(text.contains(value), "`{line}`: the {language:?} message names {value}: {text}");
            }
        }
        let err = parse_str("commit Write the offer").unwrap_err();
        let en = Catalog::new(Language::En).t(err.key, &err.args);
        assert!(en.contains("worktogether commit \"Write the offer\""), "shows how to quote it: {en}");
        let err = parse_str("status --jsn").unwrap_err();
        for language in [Language::En, Language::De] {
            let text = Catalog::new(language).t(err.key, &err.args);
            assert!(text.contains("--jsn") && text.contains("status"), "{language:?} names option and command: {text}");
            assert!(!text.contains('{'), "every placeholder is filled: {text}");
        }
    }
}
