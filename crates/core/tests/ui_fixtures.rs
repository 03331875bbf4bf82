//! Fixtures for the UI, written from the core's real rules and a real store, so that what the
//! UI mirrors or shows of Rust cannot drift from it:
//!
//! - `ui/src/fixtures/rules.json`: Rust's verdict — accepted, or the catalog key of the refusal —
//!   on template names (with the store's uniqueness, SQLite's ASCII-only `NOCASE`), template
//!   phases, commitment drafts and notes. `ui/src/lib/rules.test.ts` runs the UI's instant checks
//!   over the same cases and expects the same verdicts.
//! - `ui/src/fixtures/sessions-{en,de}.json`: sessions driven through a real store at fixed
//!   times, every step's snapshot as the UI receives it. The browser mock (`ui/src/mock/`) serves
//!   these snapshots instead of running a session engine of its own.
//!
//! Like the IPC contract (`ui/src/bindings`), `cargo test` rewrites them; the checked-in copies must match.

use chrono::{Duration, TimeZone, Utc};
use serde::Serialize;
use serde_json::{Map, Value, json};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use uuid::Uuid;
use worktogether_core::app::{Action, Applied, BuiltinNames, Change, Context, TemplateChoice, apply};
use worktogether_core::limits::{
    COMMITMENT_MAX_CHARS, ESTIMATE_MAX_MINUTES, NOTE_MAX_CHARS, PHASE_MAX_SECS, TAG_MAX_CHARS, TEMPLATE_MAX_PHASES,
    TEMPLATE_NAME_MAX_CHARS,
};
use worktogether_core::templates::Builtin;
use worktogether_core::validate::{clean_note, validate_draft};
use worktogether_core::{
    ClosingReport, CommitmentDraft, CoreError, LanguageChoice, Outcome, OutcomeEntry, PhaseKind, PlannedPhase,
    SessionView, Store, TemplateDraft, Timestamp,
};

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/fixtures")
}

fn write_fixture(name: &str, value: &Value, compact_from_depth: usize) {
    let dir = fixtures_dir();
    std::fs::create_dir_all(&dir).expect("the fixtures folder can be created");
    let mut text = String::new();
    layout(value, 0, compact_from_depth, &mut text);
    text.push('\n');
    std::fs::write(dir.join(name), visible(&text)).expect("the fixture can be written");
}

/// JSON with one line per value from `compact_from_depth` on, so a fixture reads (and diffs)
/// as one line per case or per step.
fn layout(value: &Value, depth: usize, compact_from_depth: usize, out: &mut String) {
    let indent = |d: usize| "  ".repeat(d);
    match value {
        Value::Object(map) if depth < compact_from_depth && !map.is_empty() => {
            out.push_str("{\n");
            for (i, (key, v)) in map.iter().enumerate() {
                out.push_str(&format!("{}{}: ", indent(depth + 1), Value::String(key.clone())));
                layout(v, depth + 1, compact_from_depth, out);
                out.push_str(if i + 1 < map.len() { ",\n" } else { "\n" });
            }
            out.push_str(&format!("{}}}", indent(depth)));
        }
        Value::Array(items) if depth < compact_from_depth && !items.is_empty() => {
            out.push_str("[\n");
            for (i, v) in items.iter().enumerate() {
                out.push_str(&indent(depth + 1));
                layout(v, depth + 1, compact_from_depth, out);
                out.push_str(if i + 1 < items.len() { ",\n" } else { "\n" });
            }
            out.push_str(&format!("{}]", indent(depth)));
        }
        _ => out.push_str(&value.to_string()),
    }
}

/// Characters one cannot see (format and space characters, combining marks) written as `\uXXXX`
/// escapes, so a reader of the fixture sees which one a case is about. They only occur inside
/// JSON strings, where the escape means the same character.
fn visible(text: &str) -> String {
    let hidden = |c: char| {
        matches!(c as u32,
            0x80..=0xA0 | 0xAD | 0x300..=0x36F | 0x61C | 0x1680 | 0x180E | 0x2000..=0x200F
            | 0x2028..=0x202F | 0x205F..=0x206F | 0x3000 | 0xFE00..=0xFE0F | 0xFEFF)
    };
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if hidden(c) {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

fn to_json(value: &impl Serialize) -> Value {
    serde_json::to_value(value).expect("the core's types serialize")
}

/// "ok", or the refusal's catalog key, with the phase's position where the refusal names one.
fn verdict<T>(result: &Result<T, CoreError>) -> Map<String, Value> {
    let mut out = Map::new();
    match result {
        Ok(_) => {
            out.insert("verdict".into(), "ok".into());
        }
        Err(e) => {
            let (key, params) = e.message_key();
            out.insert("verdict".into(), key.into());
            if let Some((_, position)) = params.iter().find(|(name, _)| *name == "position") {
                out.insert("position".into(), position.parse::<u32>().expect("a position is a number").into());
            }
        }
    }
    out
}

/// A long input as runs of one character, `[["x", 2000], ["\u0085", 1]]`, so the fixture
/// stays short; shorter ones as they are.
fn runs(text: &str) -> Value {
    if text.chars().count() <= 64 {
        return text.into();
    }
    let mut runs: Vec<(char, usize)> = Vec::new();
    for c in text.chars() {
        match runs.last_mut() {
            Some((last, n)) if *last == c => *n += 1,
            _ => runs.push((c, 1)),
        }
    }
    runs.into_iter().map(|(c, n)| json!([c.to_string(), n])).collect()
}

fn case(why: &str, input: Value, result: Map<String, Value>) -> Value {
    let mut out = Map::new();
    out.insert("why".into(), why.into());
    if let Value::Object(input) = input {
        for (key, value) in input {
            let value = match value {
                Value::String(text) => runs(&text),
                other => other,
            };
            out.insert(key, value);
        }
    }
    out.extend(result);
    Value::Object(out)
}

/// The built-in templates' names from the catalogs the app ships (`locales/`), as the shell
/// gives them.
struct Catalogs {
    en: Value,
    de: Value,
}

impl Catalogs {
    fn load() -> Self {
        let read = |lang: &str| -> Value {
            let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../../locales/{lang}.json"));
            serde_json::from_str(&std::fs::read_to_string(path).expect("the catalog is there"))
                .expect("the catalog is JSON")
        };
        Self { en: read("en"), de: read("de") }
    }

    fn builtin(&self, lang: &str, builtin: Builtin) -> String {
        let catalog = if lang == "de" { &self.de } else { &self.en };
        catalog[format!("builtin.{}", builtin.key())].as_str().expect("every built-in has a name").to_owned()
    }
}

/// The names of one language (the store's language stays "system").
struct Names<'a> {
    catalogs: &'a Catalogs,
    lang: &'static str,
}

impl BuiltinNames for Names<'_> {
    fn name(&self, choice: LanguageChoice, builtin: Builtin) -> String {
        let lang = match choice {
            LanguageChoice::De => "de",
            LanguageChoice::En => "en",
            LanguageChoice::System => self.lang,
        };
        self.catalogs.builtin(lang, builtin)
    }

    fn is_builtin_name(&self, builtin: Builtin, name: &str) -> bool {
        ["de", "en"].into_iter().any(|lang| self.catalogs.builtin(lang, builtin) == name)
    }
}

fn phases(list: &[(PhaseKind, u32)]) -> Vec<PlannedPhase> {
    list.iter().map(|&(kind, duration_secs)| PlannedPhase { kind, duration_secs }).collect()
}

fn minutes(list: &[(PhaseKind, u32)]) -> Vec<PlannedPhase> {
    list.iter().map(|&(kind, m)| PlannedPhase { kind, duration_secs: m * 60 }).collect()
}

/// The day the fixtures happen on (UTC).
fn day(days: i64, hour: u32, minute: u32) -> Timestamp {
    Utc.with_ymd_and_hms(2026, 11, 25, hour, minute, 0).unwrap() + Duration::days(days)
}

// ---- rules ---------------------------------------------------------------------------------

/// A store with the built-ins (English names) and the person's own templates the name cases
/// collide with.
fn store_with_templates(catalogs: &Catalogs) -> Store {
    use PhaseKind::*;
    let mut store = Store::open_in_memory().unwrap();
    store.ensure_builtin_templates(|b| catalogs.builtin("en", b), day(0, 8, 0)).unwrap();
    for name in ["Deep work", "Ärger", "Straße"] {
        let draft = TemplateDraft {
            id: None,
            name: name.into(),
            phases: minutes(&[(Commitment, 5), (Focus, 90), (Closing, 5)]),
        };
        store.save_template(draft, day(0, 8, 1)).unwrap();
    }
    store
}

fn template_name_cases(catalogs: &Catalogs) -> (Vec<String>, Vec<Value>) {
    use PhaseKind::*;
    let x = |n: usize| "x".repeat(n);
    let max = TEMPLATE_NAME_MAX_CHARS;
    let cases: Vec<(&str, String, Option<&str>)> = vec![
        ("a new name", "Morning".into(), None),
        ("the same name as a built-in", "Pomodoro".into(), None),
        ("NOCASE folds ASCII letters", "POMODORO".into(), None),
        ("NOCASE folds ASCII letters", "pomodoro".into(), None),
        ("the name is trimmed first", "  Pomodoro\t".into(), None),
        ("a longer name is another name", "Pomodoro 2".into(), None),
        ("NOCASE does not fold Ä: another name", "ärger".into(), None),
        ("NOCASE folds the ASCII letters around Ä", "ÄRGER".into(), None),
        ("NOCASE folds the ASCII letters around ß", "STRAßE".into(), None),
        ("ß is not SS", "STRASSE".into(), None),
        ("ẞ (capital sharp s) is not ß", "Straẞe".into(), None),
        ("Ä as A and a combining diaeresis is another name (no normalisation)", "A\u{308}rger".into(), None),
        ("an own template's name in another ASCII case", "Deep Work".into(), None),
        ("a template keeps its own name in another case", "DEEP WORK".into(), Some("Deep work")),
        ("a template cannot take another one's name", "pomodoro".into(), Some("Deep work")),
        ("empty", String::new(), None),
        ("only spaces", "   ".into(), None),
        ("only tabs and line breaks", "\t\r\n".into(), None),
        ("a no-break space is whitespace", "\u{a0}".into(), None),
        ("an ideographic space is whitespace", "\u{3000}".into(), None),
        ("a line separator is whitespace", "\u{2028}".into(), None),
        ("NEL (U+0085) is whitespace to Rust", "\u{85}".into(), None),
        ("a zero-width no-break space (BOM) alone shows nothing", "\u{feff}".into(), None),
        ("a zero-width space alone shows nothing", "\u{200b}".into(), None),
        ("a soft hyphen alone shows nothing", "\u{ad}".into(), None),
        ("blank braille shows nothing", "\u{2800}".into(), None),
        ("an emoji joined by a zero-width joiner shows something", "\u{1f469}\u{200d}\u{1f4bb}".into(), None),
        ("NEL around a taken name is trimmed", "\u{85}Pomodoro\u{85}".into(), None),
        ("a BOM before a taken name is part of the name", "\u{feff}Pomodoro".into(), None),
        ("a zero-width space makes another name", "Pomo\u{200b}doro".into(), None),
        ("exactly the longest name", x(max), None),
        ("one character too long", x(max + 1), None),
        ("trimmed to the longest name", format!("  {}  ", x(max)), None),
        ("NEL is trimmed before counting", format!("\u{85}{}\u{85}", x(max)), None),
        ("a BOM counts as a character", format!("\u{feff}{}", x(max)), None),
        ("characters, not UTF-16 units: emoji", "🙂".repeat(max), None),
        ("characters, not UTF-16 units: one emoji too many", "🙂".repeat(max + 1), None),
        ("umlauts count once", "ä".repeat(max), None),
        ("a combining mark counts as a character", "a\u{308}".repeat(max / 2 + 1), None),
    ];
    let existing: Vec<String> =
        store_with_templates(catalogs).list_templates().unwrap().into_iter().map(|t| t.name).collect();
    let out = cases
        .into_iter()
        .map(|(why, name, editing)| {
            let mut store = store_with_templates(catalogs);
            let id = editing.map(|e| store.template_named(e).unwrap().id);
            let draft = TemplateDraft {
                id,
                name: name.clone(),
                phases: minutes(&[(Commitment, 10), (Focus, 50), (Closing, 10)]),
            };
            let result = store.save_template(draft, day(0, 9, 0));
            case(why, json!({ "name": name, "editing": editing }), verdict(&result))
        })
        .collect();
    (existing, out)
}

fn template_phase_cases(catalogs: &Catalogs) -> Vec<Value> {
    use PhaseKind::*;
    let many = |focus_blocks: usize| {
        let mut list = vec![(Commitment, 10)];
        list.extend(std::iter::repeat_n((Focus, 25), focus_blocks));
        list.push((Closing, 10));
        minutes(&list)
    };
    let max_minutes = PHASE_MAX_SECS / 60;
    let cases: Vec<(&str, Vec<PlannedPhase>)> = vec![
        ("the ritual", minutes(&[(Commitment, 10), (Focus, 50), (Break, 10), (Focus, 50), (Closing, 10)])),
        ("the shortest ritual", minutes(&[(Commitment, 1), (Focus, 1), (Closing, 1)])),
        ("breaks around a focus block", minutes(&[(Commitment, 5), (Break, 5), (Focus, 25), (Break, 5), (Closing, 5)])),
        ("no phases", vec![]),
        ("no focus block", minutes(&[(Commitment, 10), (Closing, 10)])),
        ("only a break between", minutes(&[(Commitment, 10), (Break, 10), (Closing, 10)])),
        ("no commitment round first", minutes(&[(Focus, 25), (Focus, 25), (Closing, 10)])),
        ("no closing round last", minutes(&[(Commitment, 10), (Focus, 25), (Break, 5)])),
        ("a closing round in the middle", minutes(&[(Commitment, 10), (Closing, 5), (Focus, 25), (Closing, 5)])),
        ("two commitment rounds", minutes(&[(Commitment, 10), (Commitment, 5), (Focus, 25), (Closing, 5)])),
        ("a focus block of 0 minutes", minutes(&[(Commitment, 10), (Focus, 0), (Closing, 10)])),
        ("a commitment round of 0 minutes", minutes(&[(Commitment, 0), (Focus, 25), (Closing, 10)])),
        ("the first phase that is wrong is named", minutes(&[(Commitment, 10), (Focus, 0), (Closing, 0)])),
        ("exactly 8 hours", minutes(&[(Commitment, 10), (Focus, max_minutes), (Closing, 10)])),
        ("a minute more than 8 hours", minutes(&[(Commitment, 10), (Focus, max_minutes + 1), (Closing, 10)])),
        ("a closing round longer than 8 hours", minutes(&[(Commitment, 10), (Focus, 25), (Closing, 1800)])),
        ("the shape is checked before the durations", minutes(&[(Focus, 0), (Closing, 10)])),
        ("as many phases as allowed", many(TEMPLATE_MAX_PHASES - 2)),
        ("one phase too many", many(TEMPLATE_MAX_PHASES - 1)),
        ("the number of phases is checked before the shape", {
            let mut list = many(TEMPLATE_MAX_PHASES - 1);
            list.reverse();
            list
        }),
        (
            "seconds-long phases (tests make them)",
            phases(&[(Commitment, 3), (Focus, 5), (Break, 90), (Focus, 5), (Closing, 3)]),
        ),
        ("one second", phases(&[(Commitment, 1), (Focus, 1), (Closing, 1)])),
        ("0 seconds", phases(&[(Commitment, 3), (Focus, 0), (Closing, 3)])),
        ("a second more than 8 hours", phases(&[(Commitment, 3), (Focus, PHASE_MAX_SECS + 1), (Closing, 3)])),
    ];
    cases
        .into_iter()
        .map(|(why, phases)| {
            let mut store = store_with_templates(catalogs);
            let draft = TemplateDraft { id: None, name: "Morning".into(), phases: phases.clone() };
            let result = store.save_template(draft, day(0, 9, 0));
            case(why, json!({ "phases": phases }), verdict(&result))
        })
        .collect()
}

fn commitment_cases() -> Vec<Value> {
    let x = |n: usize| "x".repeat(n);
    let draft = |text: &str, tag: Option<&str>, estimate: Option<u32>| CommitmentDraft {
        text: text.into(),
        tag: tag.map(Into::into),
        estimate_minutes: estimate,
    };
    let text = "Write the newsletter draft";
    let cases: Vec<(&str, CommitmentDraft)> = vec![
        ("a commitment", draft(text, Some("Website"), Some(45))),
        ("an umlaut and ß", draft("Buchhaltung für Oktober abschließen", Some("Büro"), None)),
        ("empty", draft("", None, None)),
        ("only spaces", draft("   ", None, None)),
        ("NEL (U+0085) is whitespace to Rust", draft("\u{85}", None, None)),
        ("a BOM alone shows nothing", draft("\u{feff}", None, None)),
        ("a zero-width space alone shows nothing", draft("\u{200b}", None, None)),
        ("a tag of zero-width spaces is no tag", draft("Invoices", Some(&"\u{200b}".repeat(TAG_MAX_CHARS + 1)), None)),
        ("an ideographic space is whitespace", draft("\u{3000}", None, None)),
        ("exactly the longest text", draft(&x(COMMITMENT_MAX_CHARS), None, None)),
        ("one character too long", draft(&x(COMMITMENT_MAX_CHARS + 1), None, None)),
        ("trimmed to the longest text", draft(&format!(" {} \n", x(COMMITMENT_MAX_CHARS)), None, None)),
        ("NEL is trimmed before counting", draft(&format!("{}\u{85}", x(COMMITMENT_MAX_CHARS)), None, None)),
        ("a BOM counts as a character", draft(&format!("\u{feff}{}", x(COMMITMENT_MAX_CHARS)), None, None)),
        ("emoji count as one character each", draft(&"🙂".repeat(COMMITMENT_MAX_CHARS), None, None)),
        ("one emoji too many", draft(&"🙂".repeat(COMMITMENT_MAX_CHARS + 1), None, None)),
        ("an empty tag is no tag", draft(text, Some("  "), None)),
        ("exactly the longest tag", draft(text, Some(&x(TAG_MAX_CHARS)), None)),
        ("a tag one character too long", draft(text, Some(&x(TAG_MAX_CHARS + 1)), None)),
        ("a tag is trimmed (NEL too) before counting", draft(text, Some(&format!("\u{85}{}", x(TAG_MAX_CHARS))), None)),
        ("a tag of umlauts", draft(text, Some(&"ü".repeat(TAG_MAX_CHARS)), None)),
        ("the shortest estimate", draft(text, None, Some(1))),
        ("the longest estimate", draft(text, None, Some(ESTIMATE_MAX_MINUTES))),
        ("an estimate of 0", draft(text, None, Some(0))),
        ("an estimate one minute too long", draft(text, None, Some(ESTIMATE_MAX_MINUTES + 1))),
        ("the largest number", draft(text, None, Some(u32::MAX))),
        ("the text is checked before the tag", draft(" ", Some(&x(TAG_MAX_CHARS + 1)), None)),
        ("the tag is checked before the estimate", draft(text, Some(&x(TAG_MAX_CHARS + 1)), Some(0))),
    ];
    cases.into_iter().map(|(why, draft)| case(why, to_json(&draft), verdict(&validate_draft(draft)))).collect()
}

fn note_cases() -> Vec<Value> {
    let x = |n: usize| "x".repeat(n);
    let cases: Vec<(&str, Option<String>)> = vec![
        ("no note", None),
        ("an empty note is no note", Some(String::new())),
        ("a note", Some("Halfway through the September receipts".into())),
        ("exactly the longest note", Some(x(NOTE_MAX_CHARS))),
        ("one character too long", Some(x(NOTE_MAX_CHARS + 1))),
        ("spaces are trimmed", Some(" ".repeat(NOTE_MAX_CHARS + 1))),
        ("line breaks are trimmed", Some(format!("\n{}\n", x(NOTE_MAX_CHARS)))),
        ("NEL (U+0085) is trimmed", Some(format!("\u{85}{}\u{85}", x(NOTE_MAX_CHARS)))),
        ("BOMs alone are no note", Some("\u{feff}".repeat(NOTE_MAX_CHARS + 1))),
        ("zero-width spaces alone are no note", Some("\u{200b}".repeat(NOTE_MAX_CHARS + 1))),
        ("zero-width spaces count beside a letter", Some(format!("a{}", "\u{200b}".repeat(NOTE_MAX_CHARS)))),
        ("emoji count as one character each", Some("🙂".repeat(NOTE_MAX_CHARS))),
        ("one emoji too many", Some("🙂".repeat(NOTE_MAX_CHARS + 1))),
    ];
    cases.into_iter().map(|(why, note)| case(why, json!({ "note": note }), verdict(&clean_note(note)))).collect()
}

/// Rust's verdicts on the inputs the UI checks before it sends them.
#[test]
fn rules_for_the_ui() {
    let catalogs = Catalogs::load();
    let (existing, names) = template_name_cases(&catalogs);
    let fixture = json!({
        "about": "Written by crates/core/tests/ui_fixtures.rs from the core's real rules (cargo test); do not edit. \
                  verdict: \"ok\" or the catalog key of Rust's refusal. A long text is given as runs of one \
                  character: [[\"x\", 2000]].",
        "existingTemplates": existing,
        "templateNames": names,
        "templatePhases": template_phase_cases(&catalogs),
        "commitments": commitment_cases(),
        "notes": note_cases(),
    });
    // Spot checks that the table says what its cases are about.
    let names = &fixture["templateNames"];
    let verdict_of = |name: &str| {
        names.as_array().unwrap().iter().find(|c| c["name"] == name).map(|c| c["verdict"].clone()).unwrap()
    };
    assert_eq!(verdict_of("ärger"), "ok", "SQLite's NOCASE folds ASCII letters only, so ä ≠ Ä");
    assert_eq!(verdict_of("ÄRGER"), "error.template_name_taken", "the ASCII letters of ÄRGER fold to Ärger");
    assert_eq!(verdict_of("\u{feff}"), "error.template_name_empty", "a BOM alone shows nothing");
    assert_eq!(verdict_of("\u{feff}Pomodoro"), "ok", "str::trim trims White_Space, which U+FEFF is not");
    assert_eq!(verdict_of("\u{85}"), "error.template_name_empty", "U+0085 is White_Space");
    write_fixture("rules.json", &fixture, 2);
}

// ---- sessions --------------------------------------------------------------------------------

/// What the browser mock shows, per language.
struct Texts {
    lang: &'static str,
    /// commitments of the sessions
    c: [&'static str; 3],
    tags: [&'static str; 3],
    /// commitments left unfinished in earlier sessions
    s: [&'static str; 3],
    note: &'static str,
    left_off: &'static str,
    overall: &'static str,
}

const EN: Texts = Texts {
    lang: "en",
    c: ["Finish the October bookkeeping", "Write the newsletter draft", "Update the website’s price page"],
    tags: ["Bookkeeping", "Social Media", "Website"],
    s: ["Reply to the tax adviser", "Plan next week’s Instagram posts", "Sort receipts for Q3"],
    note: "Got through all receipts except two.",
    left_off: "Halfway through the September receipts, the fuel bills are next",
    overall: "Good flow after a slow start. The break helped.",
};

const DE: Texts = Texts {
    lang: "de",
    c: ["Buchhaltung für Oktober abschließen", "Newsletter-Entwurf schreiben", "Preisseite der Website aktualisieren"],
    tags: ["Buchhaltung", "Social Media", "Website"],
    s: ["Steuerberaterin antworten", "Instagram-Posts für nächste Woche planen", "Belege für Q3 sortieren"],
    note: "Alle Belege bis auf zwei erledigt.",
    left_off: "Mitten in den Belegen für September, als Nächstes die Tankquittungen",
    overall: "Nach zähem Start guter Flow. Die Pause hat geholfen.",
};

/// A session story: a real store, and each step's snapshot as the UI would receive it.
struct Story<'a> {
    store: Store,
    names: Names<'a>,
    steps: Vec<Value>,
    /// the lists last written into a step (a step carries a list only where it changed)
    lists: HashMap<&'static str, Value>,
}

impl<'a> Story<'a> {
    fn new(catalogs: &'a Catalogs, texts: &Texts, own: &[(&str, Vec<PlannedPhase>)]) -> Self {
        let names = Names { catalogs, lang: texts.lang };
        let mut store = Store::open_in_memory().unwrap();
        store.ensure_builtin_templates(|b| names.name(LanguageChoice::System, b), day(-30, 8, 0)).unwrap();
        for (name, phases) in own {
            let draft = TemplateDraft { id: None, name: (*name).into(), phases: phases.clone() };
            store.save_template(draft, day(-30, 8, 1)).unwrap();
        }
        Self { store, names, steps: Vec::new(), lists: HashMap::new() }
    }

    fn apply(&mut self, action: Action, now: Timestamp) -> Applied {
        let described = format!("{action:?} at {now}");
        apply(&mut self.store, action, &Context { now, zone: chrono_tz::UTC, names: &self.names })
            .unwrap_or_else(|e| panic!("{described} was refused: {e}"))
    }

    fn template(&self, name: &str) -> Uuid {
        self.store.template_named(name).unwrap().id
    }

    fn session(&self, now: Timestamp) -> SessionView {
        self.store.current_session(now).unwrap().expect("a session is in progress")
    }

    /// The id of the commitment with this text in the session in progress.
    fn commitment(&self, text: &str, now: Timestamp) -> Uuid {
        self.session(now).commitments.iter().find(|c| c.text == text).expect("the commitment is there").id
    }

    /// Lets the phases run out one after the other until the closing round.
    fn run_to_closing(&mut self, mut now: Timestamp) -> Timestamp {
        loop {
            let phase = self.session(now).phase.expect("a session in progress has a phase");
            if phase.kind == PhaseKind::Closing {
                return now;
            }
            now = phase.deadline;
            self.apply(Action::Tick { slept_from: None }, now);
        }
    }

    fn close(
        &mut self,
        outcomes: &[(&str, Outcome, Option<&str>, bool)],
        rating: u8,
        overall: Option<&str>,
        now: Timestamp,
    ) {
        let outcomes = outcomes
            .iter()
            .map(|&(text, outcome, note, feedback_wanted)| OutcomeEntry {
                commitment_id: self.commitment(text, now),
                outcome,
                note: note.map(Into::into),
                feedback_wanted,
            })
            .collect();
        let report = ClosingReport { outcomes, overall_note: overall.map(Into::into), focus_rating: Some(rating) };
        self.apply(Action::Close { report }, now);
    }

    /// Records a step: `by` is the command the UI sends for it, "time" when the ticker moved the
    /// session on, or null for a look at the session (a state the mock can start in).
    fn record(&mut self, by: Option<&str>, state: Option<&str>, at: Timestamp, applied: Option<&Applied>) {
        let mut step = Map::new();
        step.insert("by".into(), by.into());
        if let Some(state) = state {
            step.insert("state".into(), state.into());
        }
        step.insert("at".into(), to_json(&at));
        step.insert("session".into(), to_json(&self.store.current_session(at).unwrap()));
        if let Some(applied) = applied {
            // The events the shell sends the UI for these changes (src-tauri/effects.rs).
            let mut events = Vec::new();
            for change in &applied.changes {
                match change {
                    Change::Session(view) => {
                        assert_eq!(view.as_deref(), self.store.current_session(at).unwrap().as_ref());
                        events.push("session");
                    }
                    Change::Phase { change, .. } => {
                        events.push("phase-changed");
                        step.insert("phaseChange".into(), to_json(change));
                    }
                    Change::Schedule => events.push("schedule-changed"),
                    Change::SessionOver | Change::Templates | Change::Settings(_) | Change::RoomWrites(_) => {}
                }
            }
            step.insert("events".into(), to_json(&events));
            if let worktogether_core::app::Answer::Summary(summary) = &applied.answer {
                step.insert("summary".into(), to_json(summary));
            }
        }
        let history = self.store.list_sessions(None, 100).unwrap();
        // Each past session's full record, as history opens it.
        let records: Vec<_> = history.iter().map(|s| self.store.session_record(s.id, at).unwrap()).collect();
        let lists = [
            ("today", to_json(&self.store.list_sessions(Some(day(0, 0, 0)), 50).unwrap())),
            ("history", to_json(&history)),
            ("records", to_json(&records)),
            ("suggestions", to_json(&self.store.carry_over_suggestions().unwrap())),
        ];
        for (name, list) in lists {
            if self.lists.get(name) != Some(&list) {
                self.lists.insert(name, list.clone());
                step.insert(name.into(), list);
            }
        }
        self.steps.push(Value::Object(step));
    }

    fn act(&mut self, command: &str, action: Action, at: Timestamp) {
        let applied = self.apply(action, at);
        self.record(Some(command), None, at, Some(&applied));
    }

    fn time(&mut self, at: Timestamp) {
        let applied = self.apply(Action::Tick { slept_from: None }, at);
        assert!(
            applied.changes.iter().any(|c| matches!(c, Change::Phase { .. })),
            "a time step is recorded where a phase ends"
        );
        self.record(Some("time"), None, at, Some(&applied));
    }

    fn look(&mut self, state: &str, at: Timestamp) {
        self.record(None, Some(state), at, None);
    }

    fn finish(self) -> Value {
        json!({
            "templates": self.store.list_templates().unwrap(),
            "settings": self.store.settings().unwrap(),
            "steps": self.steps,
        })
    }
}

/// A person commits to `text`.
fn commit(text: &str, tag: Option<&str>, estimate: Option<u32>) -> Action {
    Action::Commit {
        draft: CommitmentDraft { text: text.into(), tag: tag.map(Into::into), estimate_minutes: estimate },
    }
}

fn own_templates() -> Vec<(&'static str, Vec<PlannedPhase>)> {
    use PhaseKind::*;
    vec![("Deep work", minutes(&[(Commitment, 5), (Focus, 90), (Break, 15), (Focus, 60), (Closing, 5)]))]
}

/// Earlier sessions: finished, paused once, abandoned, and one earlier today; three
/// commitments are left to carry over.
fn history(story: &mut Story, t: &Texts, catalogs: &Catalogs) {
    let [c0, c1, c2] = t.c;
    let [s0, s1, s2] = t.s;
    let [bookkeeping, social, website] = t.tags;
    let worktogether = story.template(&catalogs.builtin(t.lang, Builtin::Worktogether));
    let pomodoro = story.template(&catalogs.builtin(t.lang, Builtin::Pomodoro));
    let short = story.template(&catalogs.builtin(t.lang, Builtin::ShortBlock));

    let start = day(-6, 9, 0);
    story.apply(Action::Start { template: TemplateChoice::Id(worktogether) }, start);
    for (i, (text, tag)) in [(c0, Some(bookkeeping)), (s0, None), (s1, Some(social))].into_iter().enumerate() {
        story.apply(commit(text, tag, None), start + Duration::minutes(1 + i as i64));
    }
    let closing = story.run_to_closing(start + Duration::minutes(4));
    let outcomes = [
        (c0, Outcome::Done, Some(t.note), true),
        (s0, Outcome::NotDone, None, false),
        (s1, Outcome::Partly, None, false),
    ];
    story.close(&outcomes, 4, Some(t.overall), closing + Duration::minutes(6));

    let start = day(-3, 10, 0);
    story.apply(Action::Start { template: TemplateChoice::Id(pomodoro) }, start);
    let carried = story.store.carry_over_suggestions().unwrap().into_iter().find(|s| s.commitment.text == s0).unwrap();
    story.apply(Action::CarryOver { ids: vec![carried.commitment.id] }, start + Duration::minutes(1));
    story.apply(commit(s2, Some(bookkeeping), Some(60)), start + Duration::minutes(2));
    story.apply(commit(c2, Some(website), None), start + Duration::minutes(3));
    story.apply(Action::Tick { slept_from: None }, start + Duration::minutes(5));
    story.apply(Action::Pause { note: Some(t.left_off.into()) }, start + Duration::minutes(17));
    story.apply(Action::Resume, start + Duration::minutes(27));
    let closing = story.run_to_closing(start + Duration::minutes(27));
    let outcomes =
        [(s0, Outcome::NotDone, None, false), (s2, Outcome::Partly, None, false), (c2, Outcome::Done, None, false)];
    story.close(&outcomes, 3, None, closing + Duration::minutes(4));

    let start = day(-1, 14, 0);
    story.apply(Action::Start { template: TemplateChoice::Id(short) }, start);
    story.apply(commit(c1, Some(social), None), start + Duration::minutes(1));
    story.apply(Action::Tick { slept_from: None }, start + Duration::minutes(3));
    story.apply(Action::Abandon, start + Duration::minutes(28));

    let start = day(0, 6, 30);
    story.apply(Action::Start { template: TemplateChoice::Id(short) }, start);
    let carried = story.store.carry_over_suggestions().unwrap().into_iter().find(|s| s.commitment.text == c1).unwrap();
    story.apply(Action::CarryOver { ids: vec![carried.commitment.id] }, start + Duration::minutes(1));
    let closing = story.run_to_closing(start + Duration::minutes(2));
    story.close(&[(c1, Outcome::Done, None, false)], 5, Some(t.overall), closing + Duration::minutes(1));
}

/// The morning's session from the start to its summary, with the states the mock starts in.
fn main_story(catalogs: &Catalogs, t: &Texts) -> Value {
    let mut story = Story::new(catalogs, t, &own_templates());
    history(&mut story, t, catalogs);
    let [c0, _, c2] = t.c;
    let [s0, _, _] = t.s;
    let [bookkeeping, _, website] = t.tags;
    let at = |h: u32, m: u32| day(0, h, m);
    let worktogether = story.template(&catalogs.builtin(t.lang, Builtin::Worktogether));

    story.look("home", at(8, 55));
    story.act("start_session", Action::Start { template: TemplateChoice::Id(worktogether) }, at(9, 0));
    story.act("add_commitment", commit(c0, Some(bookkeeping), Some(45)), at(9, 1));
    story.act("add_commitment", commit(c2, Some(website), None), at(9, 2));
    let carried = story.store.carry_over_suggestions().unwrap().into_iter().find(|s| s.commitment.text == s0).unwrap();
    story.act("carry_over", Action::CarryOver { ids: vec![carried.commitment.id] }, at(9, 3));
    story.look("commitment", at(9, 4));
    story.time(at(9, 10));
    let id = story.commitment(c0, at(9, 25));
    story.act("tick_commitment", Action::TickCommitment { id, done: true }, at(9, 25));
    story.look("focus", at(9, 32));
    story.act("pause_session", Action::Pause { note: Some(t.left_off.into()) }, at(9, 41));
    story.look("paused", at(9, 45));
    story.act("resume_session", Action::Resume, at(9, 46));
    story.time(at(10, 5));
    story.look("break", at(10, 8));
    story.act("skip_phase", Action::Skip, at(10, 10));
    story.act("extend_phase", Action::Extend { minutes: 5 }, at(10, 40));
    story.time(at(11, 5));
    story.look("closing", at(11, 17));
    let outcomes = [
        (c0, Outcome::Done, Some(t.note), true),
        (c2, Outcome::Partly, None, false),
        (s0, Outcome::NotDone, None, false),
    ];
    for (i, &(text, outcome, note, feedback_wanted)) in outcomes.iter().enumerate() {
        let commitment_id = story.commitment(text, at(11, 18));
        let entry = OutcomeEntry { commitment_id, outcome, note: note.map(Into::into), feedback_wanted };
        story.act("draft_outcome", Action::DraftOutcome { entry }, at(11, 18) + Duration::seconds(20 * i as i64));
    }
    let notes = Action::DraftClosingNotes { overall_note: Some(t.overall.into()), focus_rating: Some(4) };
    story.act("draft_closing_notes", notes, at(11, 20));
    let report = ClosingReport {
        outcomes: outcomes
            .iter()
            .map(|&(text, outcome, note, feedback_wanted)| OutcomeEntry {
                commitment_id: story.commitment(text, at(11, 21)),
                outcome,
                note: note.map(Into::into),
                feedback_wanted,
            })
            .collect(),
        overall_note: Some(t.overall.into()),
        focus_rating: Some(4),
    };
    story.act("close_session", Action::Close { report }, at(11, 21));
    story.finish()
}

/// A template of seconds-long phases: the phase changes arrive as events within seconds.
fn fast_story(catalogs: &Catalogs, t: &Texts) -> Value {
    use PhaseKind::*;
    let mut own = own_templates();
    own.push(("Fast", phases(&[(Commitment, 3), (Focus, 3), (Break, 2), (Focus, 2), (Closing, 3)])));
    let mut story = Story::new(catalogs, t, &own);
    let start = day(0, 9, 0);
    let secs = |s: i64| start + Duration::seconds(s);
    story.look("home", secs(-60));
    let fast = story.template("Fast");
    story.act("start_session", Action::Start { template: TemplateChoice::Id(fast) }, start);
    for s in [3, 6, 8, 10] {
        story.time(secs(s));
    }
    let report = ClosingReport { outcomes: vec![], overall_note: None, focus_rating: None };
    story.act("close_session", Action::Close { report }, secs(14));
    story.finish()
}

/// Nothing done yet: no history, nothing to carry over.
fn empty_story(catalogs: &Catalogs, t: &Texts) -> Value {
    let mut story = Story::new(catalogs, t, &own_templates());
    story.look("home", day(0, 8, 55));
    let worktogether = story.template(&catalogs.builtin(t.lang, Builtin::Worktogether));
    story.act("start_session", Action::Start { template: TemplateChoice::Id(worktogether) }, day(0, 9, 0));
    story.finish()
}

/// Replaces every UUID by a fixed one (in order of first appearance), so the fixture is the
/// same on every run; the same ID stays the same everywhere in it.
fn fixed_ids(value: &mut Value, ids: &mut HashMap<Uuid, Uuid>) {
    match value {
        Value::String(s) => {
            if let Ok(id) = Uuid::parse_str(s) {
                let next = ids.len() as u128 + 1;
                let fixed =
                    *ids.entry(id).or_insert_with(|| Uuid::from_u128(0x0000_0000_0000_7000_8000_0000_0000_0000 | next));
                *s = fixed.to_string();
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| fixed_ids(v, ids)),
        Value::Object(map) => map.values_mut().for_each(|v| fixed_ids(v, ids)),
        _ => {}
    }
}

/// The snapshots the browser mock serves, one file per language.
#[test]
fn sessions_for_the_ui_mock() {
    let catalogs = Catalogs::load();
    for texts in [EN, DE] {
        let mut fixture = json!({
            "about": "Written by crates/core/tests/ui_fixtures.rs from a real store (cargo test); do not edit. \
                      A step is reached by the command in `by`, by time (\"time\"), or is a state to start in \
                      (`by` null); `session` is the snapshot after it, `events` what the UI is sent; a list \
                      (today, history, suggestions) is given where it changed.",
            "language": texts.lang,
            "stories": {
                "main": main_story(&catalogs, &texts),
                "fast": fast_story(&catalogs, &texts),
                "empty": empty_story(&catalogs, &texts),
            },
        });
        let main = &fixture["stories"]["main"]["steps"];
        let state = |name: &str| main.as_array().unwrap().iter().find(|s| s["state"] == name).unwrap().clone();
        assert_eq!(
            state("focus")["session"]["phase"]["remainingSecs"],
            28 * 60,
            "22 minutes into a 50-minute focus block"
        );
        assert_eq!(state("paused")["session"]["status"], "paused");
        assert_eq!(
            state("closing")["session"]["phase"]["remainingSecs"],
            -2 * 60,
            "two minutes over the closing round"
        );
        let suggestions =
            main.as_array().unwrap().iter().rev().find(|s| s["by"] == "carry_over").unwrap()["suggestions"].clone();
        assert_eq!(suggestions.as_array().unwrap().len(), 2, "one of three suggestions was carried over");
        fixed_ids(&mut fixture, &mut HashMap::new());
        write_fixture(&format!("sessions-{}.json", texts.lang), &fixture, 4);
    }
}
