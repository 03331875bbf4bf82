//! The shell's strings (notifications, error messages) from the one German and one English
//! catalog in `locales/`, which the UI reads too.

use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use worktogether_core::LanguageChoice;
use worktogether_core::app::BuiltinNames;
use worktogether_core::templates::Builtin;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    De,
    En,
}

impl Language {
    /// German when the system speaks German, English otherwise.
    pub fn from_locale(locale: Option<&str>) -> Self {
        match locale {
            Some(l) if l.to_ascii_lowercase().starts_with("de") => Self::De,
            _ => Self::En,
        }
    }

    pub fn detect() -> Self {
        Self::from_locale(sys_locale::get_locale().as_deref())
    }

    /// The language tag WebKit's own time and date fields are drawn in, from the desktop's
    /// locale for times (`LC_TIME`, "en_US.UTF-8"): its region where it speaks the app's
    /// language, so dates are typed as the person is used to (12/05 in the US, 05.12. in
    /// Austria); otherwise the language's usual region, British English (24 hours, as the
    /// page's own times) or Germany.
    pub fn field_locale(self, desktop: Option<&str>) -> String {
        let code = match self {
            Self::De => "de",
            Self::En => "en",
        };
        let region = desktop.and_then(|locale| {
            let mut parts = locale.split(['_', '-', '.', '@']);
            let (language, region) = (parts.next()?, parts.next()?);
            (language.eq_ignore_ascii_case(code)
                && region.len() == 2
                && region.chars().all(|c| c.is_ascii_alphabetic()))
            .then(|| region.to_ascii_uppercase())
        });
        match (self, region) {
            (_, Some(region)) => format!("{code}-{region}"),
            (Self::De, None) => "de-DE".to_owned(),
            (Self::En, None) => "en-GB".to_owned(),
        }
    }

    /// The language the person chose, or the system's (`system`) when they left it open.
    pub fn chosen(choice: LanguageChoice, system: Self) -> Self {
        match choice {
            LanguageChoice::System => system,
            LanguageChoice::De => Self::De,
            LanguageChoice::En => Self::En,
        }
    }
}

pub struct Catalog {
    language: Language,
    strings: HashMap<String, String>,
}

/// The catalog of `language` as bundled: one JSON object of key → message.
pub fn catalog_source(language: Language) -> &'static str {
    match language {
        Language::De => include_str!("../locales/de.json"),
        Language::En => include_str!("../locales/en.json"),
    }
}

/// The catalog as the UI receives it: the bundled JSON as is. The UI does not bundle the
/// catalogs itself, so the first screen loads only the one language it shows.
pub fn catalog_for_ui(language: Language) -> Box<serde_json::value::RawValue> {
    serde_json::value::RawValue::from_string(catalog_source(language).to_owned())
        .expect("the bundled catalog is valid JSON (tested)")
}

impl Catalog {
    pub fn new(language: Language) -> Self {
        let strings =
            serde_json::from_str(catalog_source(language)).expect("the bundled catalog is valid JSON (tested)");
        Self { language, strings }
    }

    pub fn language(&self) -> Language {
        self.language
    }

    /// The string for `key` with `{name}` placeholders filled; the key itself if missing
    /// (a test makes sure none is).
    pub fn t(&self, key: &str, args: &[(&str, String)]) -> String {
        let mut text = self.strings.get(key).cloned().unwrap_or_else(|| key.to_owned());
        for (name, value) in args {
            text = text.replace(&format!("{{{name}}}"), value);
        }
        text
    }
}

/// The built-in templates' names from both catalogs, for the application layer.
pub struct BuiltinCatalogs {
    pub system: Language,
}

fn builtin_key(builtin: Builtin) -> String {
    format!("builtin.{}", builtin.key())
}

impl BuiltinNames for BuiltinCatalogs {
    fn name(&self, choice: LanguageChoice, builtin: Builtin) -> String {
        Catalog::new(Language::chosen(choice, self.system)).t(&builtin_key(builtin), &[])
    }

    fn is_builtin_name(&self, builtin: Builtin, name: &str) -> bool {
        [Language::De, Language::En].into_iter().any(|l| Catalog::new(l).t(&builtin_key(builtin), &[]) == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(lang: Language) -> Vec<String> {
        let mut keys: Vec<_> = Catalog::new(lang).strings.into_keys().collect();
        keys.sort();
        keys
    }

    #[test]
    fn both_languages_have_the_same_keys() {
        assert_eq!(keys(Language::De), keys(Language::En), "every string needs a German and an English text");
    }

    #[test]
    fn german_is_chosen_for_german_systems_only() {
        assert_eq!(Language::from_locale(Some("de-DE")), Language::De);
        assert_eq!(Language::from_locale(Some("de_AT.UTF-8")), Language::De);
        assert_eq!(Language::from_locale(Some("en-US")), Language::En);
        assert_eq!(Language::from_locale(Some("fr-FR")), Language::En);
        assert_eq!(Language::from_locale(None), Language::En);
    }

    #[test]
    fn fields_take_the_desktops_region_only_where_it_speaks_the_apps_language() {
        for (language, desktop, tag) in [
            (Language::En, Some("en_US.UTF-8"), "en-US"),
            (Language::En, Some("en-GB"), "en-GB"),
            (Language::De, Some("de_AT.UTF-8@euro"), "de-AT"),
            (Language::De, Some("de_CH"), "de-CH"),
            // German chosen on an English desktop, and the other way round
            (Language::De, Some("en_US.UTF-8"), "de-DE"),
            (Language::En, Some("de_DE.UTF-8"), "en-GB"),
            // no region, or none at all
            (Language::En, Some("C.UTF-8"), "en-GB"),
            (Language::En, Some("POSIX"), "en-GB"),
            (Language::De, Some("de"), "de-DE"),
            (Language::En, Some(""), "en-GB"),
            (Language::De, None, "de-DE"),
            // not a region
            (Language::En, Some("en_123"), "en-GB"),
        ] {
            assert_eq!(language.field_locale(desktop), tag, "{language:?} on {desktop:?}");
        }
    }

    #[test]
    fn placeholders_are_filled() {
        let c = Catalog::new(Language::De);
        assert_eq!(
            c.t("notify.phase_with_minutes", &[("phase", "Fokus".into()), ("minutes", "50".into())]),
            "Fokus · 50 Min"
        );
    }
}
