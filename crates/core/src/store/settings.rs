//! The person's settings, kept as key/value rows with JSON values. A value that is missing
//! or unreadable (an older or newer app wrote it) reads as its default, so a settings row
//! can never keep the app from starting.

use super::Store;
use crate::error::{CoreError, Entity, Result};
use crate::limits::{BACKUPS_MAX_KEPT, REMINDER_MAX_MINUTES, SHORTCUT_MAX_CHARS};
use crate::model::{
    DailyBudget, LanguageChoice, ReviewReminder, SettingChange, Settings, SleepMode, Template, ThemeChoice,
};
use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;
use serde::de::DeserializeOwned;
use uuid::Uuid;

const LANGUAGE: &str = "language";
const THEME: &str = "theme";
const DEFAULT_TEMPLATE: &str = "default_template";
const SOUND: &str = "sound";
const START_AT_LOGIN: &str = "start_at_login";
const KEEP_IN_TRAY: &str = "keep_in_tray";
const SHORTCUT: &str = "shortcut";
const SLEEP_MODE: &str = "sleep_mode";
const ROOM_REMINDER: &str = "room_reminder_minutes";
/// Ten minutes: time to finish a thought and get ready.
const ROOM_REMINDER_DEFAULT: Option<u32> = Some(10);
const BACKUPS_KEPT: &str = "backups_kept";
/// Two weeks of daily backups.
const BACKUPS_KEPT_DEFAULT: u32 = 14;
/// Off until the person asks for it (the review screen offers it).
const REVIEW_REMINDER: &str = "review_reminder";
/// Off until the person sets one.
const DAILY_BUDGET: &str = "daily_budget";
/// Not a setting: the day "time to stop" was last said (so it is said once a day).
const BUDGET_NOTICE_DAY: &str = "budget_notice_day";

fn get<T: DeserializeOwned>(conn: &Connection, key: &str) -> Result<Option<T>> {
    let raw: Option<String> =
        conn.query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| r.get(0)).optional()?;
    // Older versions stored the sleep mode as a bare word; JSON strings are quoted.
    Ok(raw.and_then(|raw| serde_json::from_str(&raw).or_else(|_| serde_json::from_value(raw.into())).ok()))
}

fn set<T: Serialize>(conn: &Connection, key: &str, value: &T) -> Result<()> {
    let value = serde_json::to_string(value).expect("settings values always serialize");
    conn.execute(
        "INSERT INTO settings (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [key, &value],
    )?;
    Ok(())
}

pub(crate) fn set_language(conn: &Connection, choice: LanguageChoice) -> Result<()> {
    set(conn, LANGUAGE, &choice)
}

impl Store {
    /// Every setting, with defaults for those never changed.
    pub fn settings(&self) -> Result<Settings> {
        let c = &self.conn;
        Ok(Settings {
            language: get(c, LANGUAGE)?.unwrap_or_default(),
            theme: get(c, THEME)?.unwrap_or_default(),
            default_template_id: self.default_template()?.id,
            sound: get(c, SOUND)?.unwrap_or(true),
            start_at_login: get(c, START_AT_LOGIN)?.unwrap_or(false),
            keep_in_tray: get(c, KEEP_IN_TRAY)?.unwrap_or(true),
            shortcut: get::<Option<String>>(c, SHORTCUT)?.flatten(),
            sleep_mode: get(c, SLEEP_MODE)?.unwrap_or_default(),
            room_reminder_minutes: get(c, ROOM_REMINDER)?.unwrap_or(ROOM_REMINDER_DEFAULT),
            backups_kept: get(c, BACKUPS_KEPT)?.unwrap_or(BACKUPS_KEPT_DEFAULT),
            // A stored value that is no longer valid reads as off, like an unreadable one.
            review_reminder: get::<Option<ReviewReminder>>(c, REVIEW_REMINDER)?.flatten().filter(|r| r.is_valid()),
            daily_budget: self.daily_budget()?,
        })
    }

    /// Checks and stores one change; a refused change stores nothing.
    pub fn change_setting(&mut self, change: SettingChange) -> Result<Settings> {
        let c = &self.conn;
        match change {
            SettingChange::Language(v) => set(c, LANGUAGE, &v)?,
            SettingChange::Theme(v) => set(c, THEME, &v)?,
            SettingChange::DefaultTemplate(id) => {
                super::templates::get(c, id)?;
                set(c, DEFAULT_TEMPLATE, &id)?;
            }
            SettingChange::Sound(v) => set(c, SOUND, &v)?,
            SettingChange::StartAtLogin(v) => set(c, START_AT_LOGIN, &v)?,
            SettingChange::KeepInTray(v) => set(c, KEEP_IN_TRAY, &v)?,
            SettingChange::Shortcut(v) => {
                let v = v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
                if let Some(s) = &v
                    && s.chars().count() > SHORTCUT_MAX_CHARS
                {
                    return Err(CoreError::ShortcutTooLong { max: SHORTCUT_MAX_CHARS });
                }
                set(c, SHORTCUT, &v)?;
            }
            SettingChange::SleepMode(v) => set(c, SLEEP_MODE, &v)?,
            SettingChange::RoomReminderMinutes(v) => {
                if v.is_some_and(|m| m > REMINDER_MAX_MINUTES) {
                    return Err(CoreError::ReminderOutOfRange { max: REMINDER_MAX_MINUTES });
                }
                set(c, ROOM_REMINDER, &v)?;
            }
            SettingChange::BackupsKept(v) => {
                if v > BACKUPS_MAX_KEPT {
                    return Err(CoreError::BackupsOutOfRange { max: BACKUPS_MAX_KEPT });
                }
                set(c, BACKUPS_KEPT, &v)?;
            }
            SettingChange::ReviewReminder(v) => {
                if v.is_some_and(|r| !r.is_valid()) {
                    return Err(CoreError::ReviewReminderInvalid);
                }
                set(c, REVIEW_REMINDER, &v)?;
            }
            SettingChange::DailyBudget(v) => {
                if !v.is_valid() {
                    return Err(CoreError::BudgetOutOfRange { max: DailyBudget::MAX_MINUTES / 60 });
                }
                set(c, DAILY_BUDGET, &v)?;
            }
        }
        self.settings()
    }

    /// The template "Start session" uses: the chosen one, or the first in the list (the
    /// built-in Worktogether) when none was chosen or the chosen one was deleted.
    pub fn default_template(&self) -> Result<Template> {
        if let Some(id) = get::<Uuid>(&self.conn, DEFAULT_TEMPLATE)?
            && let Ok(template) = self.template(id)
        {
            return Ok(template);
        }
        self.list_templates()?.into_iter().next().ok_or(CoreError::NotFound(Entity::Template))
    }

    /// What a sleep of the computer does to a running session.
    pub fn sleep_mode(&self) -> Result<SleepMode> {
        Ok(get(&self.conn, SLEEP_MODE)?.unwrap_or_default())
    }

    /// The daily budget (none when unset or no longer valid).
    pub fn daily_budget(&self) -> Result<DailyBudget> {
        Ok(get::<DailyBudget>(&self.conn, DAILY_BUDGET)?.filter(|b| b.is_valid()).unwrap_or_default())
    }

    /// The day "time to stop" was last said.
    pub fn budget_notice_day(&self) -> Result<Option<chrono::NaiveDate>> {
        get(&self.conn, BUDGET_NOTICE_DAY)
    }

    pub fn set_budget_notice_day(&mut self, day: chrono::NaiveDate) -> Result<()> {
        set(&self.conn, BUDGET_NOTICE_DAY, &day)
    }

    pub fn language_choice(&self) -> Result<LanguageChoice> {
        Ok(get(&self.conn, LANGUAGE)?.unwrap_or_default())
    }

    pub fn theme_choice(&self) -> Result<ThemeChoice> {
        Ok(get(&self.conn, THEME)?.unwrap_or_default())
    }
}
