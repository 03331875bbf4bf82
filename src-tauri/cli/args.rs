//! The command line's grammar: what `worktogether ARGS…` asks for, or why it makes no sense.
//! Hand-written rather than clap: eight commands and four options are shorter to parse than
//! clap's English help and error texts are to replace with our catalogs' words.

use worktogether_core::app::{Action, TemplateChoice};

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
    Session(Action),
}

/// Wrong arguments: a catalog key and its placeholders, shown with the usage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageError {
    pub key: &'static str,
    pub args: Vec<(&'static str, String)>,
}

impl UsageError {
    fn new(key: &'static str, args: &[(&'static str, &str)]) -> Self {
        Self { key, args: args.iter().map(|(name, value)| (*name, (*value).to_owned())).collect() }
    }
}

/// Minutes added by `extend` without a number: the UI's "+5 min".
pub const DEFAULT_EXTEND_MINUTES: u32 = 5;

/// Parses the arguments after the program name.
pub fn parse(args: &[String]) -> Result<Invocation, UsageError> {
    let Some((command, rest)) = args.split_first() else { return Ok(Invocation::Open) };
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
        "pause" => Invocation::Session(Action::Pause { note: rest.value_of("--note")? }),
        "resume" => Invocation::Session(Action::Resume),
        "skip" => Invocation::Session(Action::Skip),
        "stop" => Invocation::Session(Action::Stop),
        "extend" => {
            let minutes = match rest.positional()? {
                None => DEFAULT_EXTEND_MINUTES,
                Some(text) => {
                    text.parse().map_err(|_| UsageError::new("cli.usage.minutes", &[("value", text.as_str())]))?
                }
            };
            Invocation::Session(Action::Extend { minutes })
        }
        "status" => {
            let (json, follow) = rest.flags("--json", "--follow")?;
            Invocation::Status { json, follow }
        }
        other if other.starts_with('-') => {
            return Err(UsageError::new("cli.usage.unknown_option", &[("option", other)]));
        }
        other => return Err(UsageError::new("cli.usage.unknown_command", &[("command", other)])),
    };
    rest.finish()?;
    Ok(invocation)
}

/// The arguments after a command, consumed by what the command accepts.
struct Options<'a> {
    command: &'a str,
    args: std::slice::Iter<'a, String>,
}

impl Options<'_> {
    /// `NAME VALUE` or `NAME=VALUE`, at most once; the only thing the command accepts.
    fn value_of(&mut self, name: &str) -> Result<Option<String>, UsageError> {
        let mut value = None;
        while let Some(arg) = self.args.next() {
            let given = if arg == name {
                Some(
                    self.args
                        .next()
                        .cloned()
                        .ok_or_else(|| UsageError::new("cli.usage.missing_value", &[("option", name)]))?,
                )
            } else {
                arg.strip_prefix(name).and_then(|v| v.strip_prefix('=')).map(str::to_owned)
            };
            let Some(given) = given else { return Err(self.unexpected(arg)) };
            if given.trim().is_empty() {
                return Err(UsageError::new("cli.usage.missing_value", &[("option", name)]));
            }
            if value.replace(given).is_some() {
                return Err(UsageError::new("cli.usage.repeated", &[("option", name)]));
            }
        }
        Ok(value)
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
            // A negative number is a wrong number of minutes, not an unknown option.
            Some(arg) if arg.starts_with('-') && arg[1..].parse::<f64>().is_err() => Err(self.unexpected(arg)),
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
        ];
        for (line, want) in cases {
            assert_eq!(parse_str(line), want, "`worktogether {line}`");
        }
        // A template name with a space stays one argument, as the shell passes it.
        let args = ["start", "--template", "Short block"].map(String::from);
        assert_eq!(parse(&args), session(named("Short block")));
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
    fn usage_errors_read_well_in_both_languages() {
        let err = parse_str("extend five").unwrap_err();
        let en = Catalog::new(Language::En).t(err.key, &err.args);
        let de = Catalog::new(Language::De).t(err.key, &err.args);
        assert!(en.contains("five") && en.contains("minutes"), "the English message names the value: {en}");
        assert!(de.contains("five") && de.contains("Minuten"), "the German message names the value: {de}");
        let err = parse_str("status --jsn").unwrap_err();
        for language in [Language::En, Language::De] {
            let text = Catalog::new(language).t(err.key, &err.args);
            assert!(text.contains("--jsn") && text.contains("status"), "{language:?} names option and command: {text}");
            assert!(!text.contains('{'), "every placeholder is filled: {text}");
        }
    }
}
