//! Settings on a real database: defaults, every setting kept across a reopen, the default
//! template falling back when deleted, and refusals that store nothing.

mod common;

use common::{quick_template, store, t0};
use worktogether_core::{CoreError, LanguageChoice, ReviewReminder, SettingChange, SleepMode, Store, ThemeChoice};

#[test]
fn defaults_are_what_a_new_person_expects() {
    let (store, _dir) = store();
    let s = store.settings().unwrap();
    assert_eq!(s.language, LanguageChoice::System);
    assert_eq!(s.theme, ThemeChoice::System);
    assert_eq!(s.default_template_id, store.list_templates().unwrap()[0].id, "the built-in Worktogether");
    assert!(s.sound && s.keep_in_tray, "sound and keep-in-tray are on");
    assert!(!s.start_at_login, "start at login is off");
    assert_eq!(s.shortcut, None);
    assert_eq!(s.sleep_mode, SleepMode::KeepWallClock);
    assert_eq!(s.review_reminder, None, "the weekly review's notice is asked for, not imposed");
}

#[test]
fn every_setting_survives_a_restart() {
    let (mut store, dir) = store();
    let own = quick_template(&mut store);
    for change in [
        SettingChange::Language(LanguageChoice::De),
        SettingChange::Theme(ThemeChoice::Dark),
        SettingChange::DefaultTemplate(own.id),
        SettingChange::Sound(false),
        SettingChange::StartAtLogin(true),
        SettingChange::KeepInTray(false),
        SettingChange::Shortcut(Some("  Ctrl+Alt+W ".into())),
        SettingChange::SleepMode(SleepMode::PauseWhileAsleep),
        SettingChange::RoomReminderMinutes(Some(0)),
        SettingChange::BackupsKept(30),
        SettingChange::ReviewReminder(Some(ReviewReminder { weekday: 5, minute: 16 * 60 + 30 })),
    ] {
        store.change_setting(change).unwrap();
    }
    let before = store.settings().unwrap();
    drop(store);
    let store = Store::open(&dir.path().join("worktogether.sqlite3")).unwrap();
    let after = store.settings().unwrap();
    assert_eq!(after, before);
    assert_eq!(after.shortcut.as_deref(), Some("Ctrl+Alt+W"), "kept without the spaces around it");
    assert_eq!(after.default_template_id, own.id);
    assert_eq!(after.room_reminder_minutes, Some(0), "at the session's start");
    assert_eq!(after.backups_kept, 30);
    assert_eq!(after.review_reminder, Some(ReviewReminder { weekday: 5, minute: 990 }), "Friday 16:30");
    assert_eq!(store.default_template().unwrap().name, "Quick");
}

#[test]
fn room_reminders_come_ten_minutes_before_until_changed_and_can_be_off() {
    let (mut store, _dir) = store();
    assert_eq!(store.settings().unwrap().room_reminder_minutes, Some(10));
    assert_eq!(store.settings().unwrap().backups_kept, 14, "two weeks by default");
    assert_eq!(store.change_setting(SettingChange::RoomReminderMinutes(None)).unwrap().room_reminder_minutes, None);
    let longest = store.change_setting(SettingChange::RoomReminderMinutes(Some(120))).unwrap();
    assert_eq!(longest.room_reminder_minutes, Some(120));
}

#[test]
fn a_deleted_default_template_falls_back_to_the_first() {
    let (mut store, _dir) = store();
    let own = quick_template(&mut store);
    store.change_setting(SettingChange::DefaultTemplate(own.id)).unwrap();
    store.delete_template(own.id).unwrap();
    assert_eq!(store.default_template().unwrap().id, store.list_templates().unwrap()[0].id);
}

#[test]
fn refused_changes_store_nothing() {
    let (mut store, _dir) = store();
    let before = store.settings().unwrap();
    let unknown = worktogether_core::ids::new_id(t0());
    assert!(matches!(store.change_setting(SettingChange::DefaultTemplate(unknown)), Err(CoreError::NotFound(_))));
    let long = "Ctrl+".repeat(20);
    assert!(matches!(
        store.change_setting(SettingChange::Shortcut(Some(long))),
        Err(CoreError::ShortcutTooLong { max: 60 })
    ));
    assert!(matches!(
        store.change_setting(SettingChange::RoomReminderMinutes(Some(121))),
        Err(CoreError::ReminderOutOfRange { max: 120 })
    ));
    assert!(matches!(
        store.change_setting(SettingChange::BackupsKept(101)),
        Err(CoreError::BackupsOutOfRange { max: 100 })
    ));
    for wrong in [(0, 600), (8, 600), (7, 1440), (255, u16::MAX)] {
        let reminder = ReviewReminder { weekday: wrong.0, minute: wrong.1 };
        assert!(matches!(
            store.change_setting(SettingChange::ReviewReminder(Some(reminder))),
            Err(CoreError::ReviewReminderInvalid)
        ));
    }
    assert_eq!(store.settings().unwrap(), before);
    // A blank shortcut means "none".
    store.change_setting(SettingChange::Shortcut(Some("   ".into()))).unwrap();
    assert_eq!(store.settings().unwrap().shortcut, None);
}

#[test]
fn templates_are_found_by_name_ignoring_case() {
    let (store, _dir) = store();
    assert_eq!(store.template_named(" POMODORO ").unwrap().name, "pomodoro");
    assert!(matches!(store.template_named("Nap"), Err(CoreError::TemplateNameUnknown(n)) if n == "Nap"));
}
