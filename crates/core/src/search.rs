//! Search's text side: how a text is folded so that spellings a person would call the same
//! match ("Straße" and "strasse", "Müller", "Mueller" and "Muller"), what a typed query becomes
//! for SQLite's FTS5, and the snippet that shows where a text matched. The index itself (a
//! table, triggers, the query) is `store::search`'s.
//!
//! One folding serves both sides: the store registers [`index_text`] and [`index_alternative`]
//! as SQL functions, so the triggers index exactly what Rust folds a query into. Changing the
//! folding therefore needs a migration that rebuilds the index.

use crate::Timestamp;
use crate::limits::SEARCH_TERMS_MAX;
use icu_normalizer::DecomposingNormalizerBorrowed;
use icu_properties::props::{DefaultIgnorableCodePoint, Diacritic, GeneralCategory, GeneralCategoryGroup};
use icu_properties::{CodePointMapData, CodePointSetData};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Which text of the history a hit is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum SearchField {
    /// A commitment's text.
    Commitment,
    /// The note on a commitment's outcome.
    CommitmentNote,
    /// The session's overall note.
    SessionNote,
}

impl SearchField {
    /// How the index stores it (`history_text.field`).
    pub fn as_str(self) -> &'static str {
        match self {
            SearchField::Commitment => "commitment",
            SearchField::CommitmentNote => "commitment_note",
            SearchField::SessionNote => "session_note",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [SearchField::Commitment, SearchField::CommitmentNote, SearchField::SessionNote]
            .into_iter()
            .find(|f| f.as_str() == s)
    }
}

/// A piece of a snippet: the text as the person wrote it, and whether it matched the query.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct SnippetPart {
    pub text: String,
    pub hit: bool,
}

/// One text of the history that matched a search.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct SearchHit {
    pub session_id: Uuid,
    /// The commitment the text belongs to; none for the session's note.
    pub commitment_id: Option<Uuid>,
    pub field: SearchField,
    /// When the session started (hits come newest session first).
    pub started_at: Timestamp,
    /// The original text on one line, cut around the first match with "…" when long, the
    /// matched parts marked.
    pub snippet: Vec<SnippetPart>,
}

/// How umlauts are folded: like any diacritic (ä → a), or spelt out the German way without the
/// key (ä → ae, ö → oe, ü → ue). The index holds both, so "Muller" and "Mueller" find "Müller".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Umlauts {
    Drop,
    SpellOut,
}

/// Folds `text` for matching, calling `emit` with each folded character and the index (in
/// characters) of the original character it comes from: lower case (Unicode), compatibility
/// decomposition (NFKD: "ﬁ" → "fi", "Ａ" → "a"), diacritics dropped, ß → ss, a few letters
/// Unicode does not decompose spelt without their stroke ("ø" → "o", "ł" → "l"), invisible
/// characters (soft hyphen, joiners, variation selectors) dropped, and everything that is not
/// part of a word (punctuation, symbols, emoji, white space, control characters) one space.
///
/// The result holds only word characters and ASCII spaces, so words are exactly what lies
/// between spaces, for the query here as for FTS5's `ascii` tokenizer in the index.
fn fold_chars(text: &str, umlauts: Umlauts, mut emit: impl FnMut(char, usize)) {
    let nfkd = DecomposingNormalizerBorrowed::new_nfkd();
    let category = CodePointMapData::<GeneralCategory>::new();
    let diacritic = CodePointSetData::new::<Diacritic>();
    let invisible = CodePointSetData::new::<DefaultIgnorableCodePoint>();
    // Whether the last letter written was a, o or u, so a diaeresis after it is an umlaut.
    let mut after_aou = false;
    for (i, c) in text.chars().enumerate() {
        if c.is_ascii() {
            let c = if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { ' ' };
            after_aou = matches!(c, 'a' | 'o' | 'u');
            emit(c, i);
            continue;
        }
        // Lower case before and after decomposing: "ℌ" decomposes to an upper-case "H".
        for d in c.to_lowercase().flat_map(|l| nfkd.normalize_iter(std::iter::once(l))).flat_map(char::to_lowercase) {
            if d == 'ß' {
                emit('s', i);
                emit('s', i);
                after_aou = false;
            } else if let Some(plain) = without_stroke(d) {
                plain.chars().for_each(|p| emit(p, i));
                after_aou = false;
            } else if invisible.contains(d) {
            } else if GeneralCategoryGroup::Mark.contains(category.get(d)) {
                if umlauts == Umlauts::SpellOut && d == '\u{308}' && after_aou {
                    emit('e', i);
                    after_aou = false;
                } else if !diacritic.contains(d) {
                    // A mark that is part of the letter (an Indic vowel sign), not an accent.
                    emit(d, i);
                }
            } else if d.is_alphanumeric() {
                after_aou = matches!(d, 'a' | 'o' | 'u');
                emit(d, i);
            } else {
                after_aou = false;
                emit(' ', i);
            }
        }
    }
}

/// Letters without a decomposition that people nonetheless type without their stroke, or as
/// two letters.
fn without_stroke(c: char) -> Option<&'static str> {
    Some(match c {
        'ø' => "o",
        'ł' => "l",
        'đ' => "d",
        'ħ' => "h",
        'ŧ' => "t",
        'ı' => "i",
        'æ' => "ae",
        'œ' => "oe",
        _ => return None,
    })
}

fn fold(text: &str, umlauts: Umlauts) -> String {
    let mut out = String::with_capacity(text.len());
    fold_chars(text, umlauts, |c, _| out.push(c));
    out
}

/// The folded text as characters, with the original character index of each.
fn fold_mapped(text: &str, umlauts: Umlauts) -> (Vec<char>, Vec<usize>) {
    let (mut chars, mut origins) = (Vec::with_capacity(text.len()), Vec::with_capacity(text.len()));
    fold_chars(text, umlauts, |c, i| {
        chars.push(c);
        origins.push(i);
    });
    (chars, origins)
}

/// What the index holds for `text` (the SQL function `wt_fold`): its folded words, one space
/// apart; empty when nothing in it can be searched.
pub fn index_text(text: &str) -> String {
    fold(text, Umlauts::Drop).split(' ').filter(|w| !w.is_empty()).collect::<Vec<_>>().join(" ")
}

/// The index's second spelling of `text` (the SQL function `wt_fold_alt`): the words with an
/// umlaut, spelt out ("mueller"); empty when there are none.
pub fn index_alternative(text: &str) -> String {
    let (plain, spelt) = (fold(text, Umlauts::Drop), fold(text, Umlauts::SpellOut));
    if plain == spelt {
        return String::new();
    }
    // Both foldings put their spaces in the same places, so their words pair up.
    plain.split(' ').zip(spelt.split(' ')).filter(|(p, s)| p != s).map(|(_, s)| s).collect::<Vec<_>>().join(" ")
}

/// One word of a query, folded both ways (the same when it has no umlaut).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Term {
    plain: String,
    spelt: String,
}

/// A person's query as words to match. Nothing they type is FTS5 syntax: quotes, `*`, `NEAR`,
/// `OR`, `-`, `^` and `col:` are punctuation or words like any other.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Query {
    terms: Vec<Term>,
}

impl Query {
    /// The query's words, at most [`SEARCH_TERMS_MAX`] (the rest is ignored), or none when it
    /// has nothing to search for (empty, only punctuation or emoji).
    pub(crate) fn parse(query: &str) -> Option<Query> {
        let (plain, spelt) = (fold(query, Umlauts::Drop), fold(query, Umlauts::SpellOut));
        let mut terms: Vec<Term> = Vec::new();
        for (p, s) in plain.split(' ').zip(spelt.split(' ')).filter(|(p, _)| !p.is_empty()) {
            let term = Term { plain: p.to_owned(), spelt: s.to_owned() };
            if !terms.contains(&term) {
                terms.push(term);
            }
            if terms.len() == SEARCH_TERMS_MAX {
                break;
            }
        }
        (!terms.is_empty()).then_some(Query { terms })
    }

    /// The FTS5 expression: every word a quoted string matched as a prefix (so results come
    /// while typing), all of them required; a word with an umlaut in either spelling.
    pub(crate) fn match_expression(&self) -> String {
        let quoted = |w: &str| format!("\"{}\"*", w.replace('"', "\"\""));
        let term = |t: &Term| match t.plain == t.spelt {
            true => quoted(&t.plain),
            false => format!("({} OR {})", quoted(&t.plain), quoted(&t.spelt)),
        };
        self.terms.iter().map(term).collect::<Vec<_>>().join(" AND ")
    }

    /// Which characters of `text` match: a word starting with a query word, in either folding,
    /// as the index matches it. Marks whole original characters ("Straße" for "strasse").
    fn matched(&self, text: &str, len: usize) -> Vec<bool> {
        let mut matched = vec![false; len];
        let words: Vec<Vec<char>> =
            self.terms.iter().flat_map(|t| [&t.plain, &t.spelt]).map(|w| w.chars().collect()).collect();
        for umlauts in [Umlauts::Drop, Umlauts::SpellOut] {
            let (folded, origins) = fold_mapped(text, umlauts);
            for start in (0..folded.len()).filter(|&p| folded[p] != ' ' && (p == 0 || folded[p - 1] == ' ')) {
                for word in words.iter().filter(|w| folded[start..].starts_with(w)) {
                    let last = start + word.len() - 1;
                    // Up to the next folded character's origin, so dropped marks and invisible
                    // characters inside the match are part of it.
                    let end = origins.get(last + 1).copied().unwrap_or(len).max(origins[last] + 1);
                    matched[origins[start]..end].iter_mut().for_each(|m| *m = true);
                }
            }
        }
        matched
    }

    /// `text` on one line with the matched parts marked; a long text is cut around its first
    /// match, with "…" where something was left out.
    pub(crate) fn snippet(&self, text: &str) -> Vec<SnippetPart> {
        let chars: Vec<char> = text.chars().collect();
        let matched = self.matched(text, chars.len());
        let (start, end) = window(&chars, matched.iter().position(|&m| m).unwrap_or(0));
        let mut parts: Vec<SnippetPart> = Vec::new();
        let mut push = |c: char, hit: bool| match parts.last_mut() {
            Some(last) if last.hit == hit => last.text.push(c),
            _ => parts.push(SnippetPart { text: c.to_string(), hit }),
        };
        if start > 0 {
            push('…', false);
        }
        let mut previous = None;
        for i in start..end {
            // One line: line breaks, tabs and control characters show as one space.
            let c = if chars[i].is_whitespace() || chars[i].is_control() { ' ' } else { chars[i] };
            if !(c == ' ' && previous == Some(' ')) {
                push(c, matched[i]);
            }
            previous = Some(c);
        }
        if end < chars.len() {
            push('…', false);
        }
        parts
    }

    /// All of `text`, as written, with the matched parts marked; none when nothing matches.
    pub(crate) fn mark(&self, text: &str) -> Option<Vec<SnippetPart>> {
        let matched = self.matched(text, text.chars().count());
        if !matched.contains(&true) {
            return None;
        }
        let mut parts: Vec<SnippetPart> = Vec::new();
        for (c, hit) in text.chars().zip(matched) {
            match parts.last_mut() {
                Some(last) if last.hit == hit => last.text.push(c),
                _ => parts.push(SnippetPart { text: c.to_string(), hit }),
            }
        }
        Some(parts)
    }
}

/// The longest snippet, in characters of the original text.
const SNIPPET_MAX_CHARS: usize = 160;
/// How much of the text before the first match a cut snippet keeps, at most.
const SNIPPET_BEFORE_CHARS: usize = 40;
/// How far a cut snippet's edge may move to fall between words.
const SNIPPET_SLACK_CHARS: usize = 20;

/// The characters `[start, end)` a snippet shows: all of a short text; of a long one, a window
/// from a little before the first match, cut at white space near its edges where there is some.
fn window(chars: &[char], first: usize) -> (usize, usize) {
    let len = chars.len();
    if len <= SNIPPET_MAX_CHARS {
        return (0, len);
    }
    let mut start = first.saturating_sub(SNIPPET_BEFORE_CHARS).min(len - SNIPPET_MAX_CHARS);
    let near_start = start..first.min(start + SNIPPET_SLACK_CHARS);
    if start > 0
        && !chars[start - 1].is_whitespace()
        && let Some(space) = chars[near_start].iter().position(|c| c.is_whitespace())
    {
        start += space + 1;
    }
    let mut end = start + SNIPPET_MAX_CHARS;
    let near_end = first.max(end - SNIPPET_SLACK_CHARS)..end;
    if end < len
        && !chars[end].is_whitespace()
        && let Some(space) = chars[near_end.clone()].iter().rposition(|c| c.is_whitespace())
    {
        end = near_end.start + space;
    }
    (start, end)
}

/// The FTS5 expression for a person's `query` (for `history_fts MATCH ?`), or none when there
/// is nothing to search for: then nothing matches, rather than an error.
pub(crate) fn match_expression(query: &str) -> Option<String> {
    Query::parse(query).map(|q| q.match_expression())
}

/// The texts of `sessions` that match `query` (notes first, then each commitment's text and
/// note), each whole with its matches marked: how the timeline shows a search's hits.
pub(crate) fn marks(query: &str, sessions: &[crate::view::SessionSummary]) -> Vec<SearchHit> {
    let Some(query) = Query::parse(query) else { return Vec::new() };
    let mut hits = Vec::new();
    for s in sessions {
        let mut hit = |commitment_id, field, text: Option<&str>| {
            if let Some(snippet) = text.and_then(|t| query.mark(t)) {
                hits.push(SearchHit { session_id: s.id, commitment_id, field, started_at: s.started_at, snippet });
            }
        };
        hit(None, SearchField::SessionNote, s.overall_note.as_deref());
        for c in &s.commitments {
            hit(Some(c.id), SearchField::Commitment, Some(&c.text));
            hit(Some(c.id), SearchField::CommitmentNote, c.note.as_deref());
        }
    }
    hits
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> (String, String) {
        (index_text(text), index_alternative(text))
    }

    /// The snippet as text with the hits in brackets.
    fn marked(query: &str, text: &str) -> String {
        let parts = Query::parse(query).expect("a query").snippet(text);
        parts.iter().map(|p| if p.hit { format!("[{}]", p.text) } else { p.text.clone() }).collect()
    }

    #[test]
    fn folding_lowers_case_and_drops_diacritics() {
        assert_eq!(index_text("Buchhaltung"), "buchhaltung");
        assert_eq!(index_text("BUCHHALTUNG"), "buchhaltung");
        assert_eq!(index_text("Café Crème, naïve résumé"), "cafe creme naive resume");
        assert_eq!(index_text("Ångström Øresund Łódź Æsir"), "angstrom oresund lodz aesir");
        assert_eq!(index_text("ΚΑΛΗΜΈΡΑ Привет"), "καλημερα привет");
        assert_eq!(index_text("İstanbul"), "istanbul");
    }

    #[test]
    fn sharp_s_is_ss_in_both_cases() {
        assert_eq!(index_text("Straße"), "strasse");
        assert_eq!(index_text("STRASSE"), "strasse");
        assert_eq!(index_text("GROẞ"), "gross", "the capital sharp s");
        assert_eq!(index_alternative("Straße"), "", "no umlaut, no second spelling");
    }

    #[test]
    fn umlauts_are_indexed_both_ways() {
        assert_eq!(words("Müller"), ("muller".into(), "mueller".into()));
        assert_eq!(
            words("Öl für Äpfel und Bücher"),
            ("ol fur apfel und bucher".into(), "oel fuer aepfel buecher".into())
        );
        assert_eq!(words("Mueller"), ("mueller".into(), "".into()));
        // Decomposed input (u + combining diaeresis) folds as the composed letter does.
        assert_eq!(words("Mu\u{308}ller"), ("muller".into(), "mueller".into()));
        // Only a, o and u take an e: "Citroën" is no umlaut.
        assert_eq!(words("Citroën"), ("citroen".into(), "".into()));
    }

    #[test]
    fn compatibility_forms_invisible_characters_and_punctuation() {
        assert_eq!(index_text("ﬁnance ＡＢＣ ①"), "finance abc 1");
        assert_eq!(index_text("Buch\u{AD}haltung"), "buchhaltung", "a soft hyphen is invisible");
        assert_eq!(index_text("c++ & co. (draft) \"x\" — 3,5 %"), "c co draft x 3 5");
        assert_eq!(index_text("🎉 ok 👍🏽\u{0}\n"), "ok");
        assert_eq!(index_text("  "), "");
        // A vowel sign is part of a Hindi word, not an accent to drop.
        assert_eq!(index_text("हिन्दी"), "हिन्दी".chars().filter(|&c| c != '\u{94D}').collect::<String>());
    }

    #[test]
    fn queries_are_quoted_prefix_terms_never_fts_syntax() {
        assert_eq!(match_expression("Buch"), Some("\"buch\"*".into()));
        assert_eq!(match_expression("Müller straße"), Some("(\"muller\"* OR \"mueller\"*) AND \"strasse\"*".into()));
        assert_eq!(match_expression("NEAR(a b)"), Some("\"near\"* AND \"a\"* AND \"b\"*".into()));
        assert_eq!(match_expression("col:term -x ^y"), Some("\"col\"* AND \"term\"* AND \"x\"* AND \"y\"*".into()));
        assert_eq!(match_expression("a a A"), Some("\"a\"*".into()), "repeated words count once");
        for nothing in ["", "   ", "\"", "*", "^", ":", "-", "()", "🎉", "\u{0}", "++"] {
            assert_eq!(match_expression(nothing), None, "{nothing:?}");
        }
        let many = (0..100).map(|i| format!("w{i}")).collect::<Vec<_>>().join(" ");
        assert_eq!(Query::parse(&many).unwrap().terms.len(), SEARCH_TERMS_MAX);
    }

    #[test]
    fn snippets_mark_the_original_text() {
        assert_eq!(marked("strasse", "Hauptstraße 5, Straße"), "Hauptstraße 5, [Straße]");
        assert_eq!(marked("Strass", "Straße"), "[Straß]e");
        assert_eq!(marked("buch", "Buchhaltung und Buch"), "[Buch]haltung und [Buch]");
        assert_eq!(marked("mueller", "Anruf Müller"), "Anruf [Müller]");
        assert_eq!(marked("muller", "Anruf Mu\u{308}ller"), "Anruf [Mu\u{308}ller]");
        assert_eq!(marked("Müller", "Mueller, Muller"), "[Mueller], [Muller]");
        assert_eq!(marked("a b", "line a\n\nline b"), "line [a] line [b]");
    }

    #[test]
    fn long_texts_are_cut_around_the_first_hit() {
        let text = format!("{} Steuererklärung {}", "vorher ".repeat(50), "nachher ".repeat(50));
        let snippet = marked("steuer", &text);
        assert!(snippet.starts_with("…vorher"), "{snippet}");
        assert!(snippet.ends_with("nachher…"), "{snippet}");
        assert!(snippet.contains("[Steuer]erklärung"), "{snippet}");
        assert!(snippet.chars().count() <= SNIPPET_MAX_CHARS + 4, "{snippet}");
        // A hit near the end shows the end, not a short tail.
        let late = format!("{} Ende", "x".repeat(300));
        let snippet = marked("ende", &late);
        assert!(snippet.ends_with("[Ende]") && snippet.chars().count() > 100, "{snippet}");
        // A hit at the start needs no "…" in front.
        assert!(marked("anfang", &format!("Anfang {}", "y ".repeat(200))).starts_with("[Anfang]"));
    }
}
