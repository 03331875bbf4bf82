//! The app's shared state: the store, the clock, the person's language, the notifier, and
//! the wake-ups of the ticker and the tray. Every action goes through [`AppState::apply`]:
//! the application layer runs it with the store locked, and its effects follow once the
//! store is free (`effects.rs`).

use crate::clock::{Clock, SystemClock};
use crate::effects::Effects;
use crate::error::ApiError;
use crate::i18n::{BuiltinCatalogs, Catalog, Language};
use crate::notifier::Notifier;
use crate::sleep::{SleepDetector, SleepWatch};
use crate::sound::Chime;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};
use tauri::{AppHandle, Runtime};
use tokio::sync::Notify;
use worktogether_core::app::{self, Action, Answer, Change, Context};
use worktogether_core::store::DATABASE_FILE;
use worktogether_core::templates::Builtin;
use worktogether_core::{CoreError, Store, Timestamp};

/// The wall clock, for the command line (the app reads its [`Clock`]).
pub fn now() -> Timestamp {
    chrono::Utc::now()
}

/// Where the database lives: `$WORKTOGETHER_DATA_DIR`, else the OS data directory
/// (`$XDG_DATA_HOME/worktogether` on Linux).
pub fn data_dir() -> PathBuf {
    match std::env::var_os("WORKTOGETHER_DATA_DIR").filter(|d| !d.is_empty()) {
        Some(dir) => PathBuf::from(dir),
        None => dirs::data_dir().unwrap_or_else(|| PathBuf::from(".")).join("worktogether"),
    }
}

pub struct AppState {
    /// Shared with the rooms' outboxes, which send what waits in it (`worktogether_sync::Outbox`).
    store: Arc<Mutex<Store>>,
    clock: Box<dyn Clock>,
    /// The person's language can change while the app runs (settings).
    catalog: RwLock<Arc<Catalog>>,
    /// The computer's language, for the "system" choice.
    system_language: Language,
    pub notifier: Notifier,
    /// Wakes the ticker when a session starts or changes, or the clock was moved.
    pub ticker: Arc<Notify>,
    /// Wakes the tray when the session or a setting it shows changed.
    pub tray_wake: Arc<Notify>,
    /// The chime at phase changes, and whether the person wants it (the "sound" setting).
    pub chime: Chime,
    pub sound: AtomicBool,
    pub data_dir: PathBuf,
    pub database_path: PathBuf,
    /// Start at login, the global shortcut and the chime reach into the person's login,
    /// keyboard and speakers: on in the app, off in unit tests.
    pub desktop_integration: bool,
    /// Sleeps of the computer, found by the ticker or by the first action after waking,
    /// whichever comes first (one watch, so a sleep is recorded once).
    sleep: Mutex<Box<dyn SleepWatch>>,
    effects: Effects,
}

impl AppState {
    /// Opens the store in `data_dir`; `system_language` is used unless the person chose one.
    pub fn open(data_dir: &Path, system_language: Language) -> Result<Self, CoreError> {
        Self::open_with_clock(data_dir, system_language, Box::new(SystemClock))
    }

    pub fn open_with_clock(
        data_dir: &Path,
        system_language: Language,
        clock: Box<dyn Clock>,
    ) -> Result<Self, CoreError> {
        let database_path = data_dir.join(DATABASE_FILE);
        let mut store = Store::open(&database_path)?;
        let catalog = Catalog::new(Language::chosen(store.language_choice()?, system_language));
        store.ensure_builtin_templates(|b: Builtin| catalog.t(&format!("builtin.{}", b.key()), &[]), clock.now())?;
        let store_sound = store.settings()?.sound;
        Ok(Self {
            store: Arc::new(Mutex::new(store)),
            clock,
            catalog: RwLock::new(Arc::new(catalog)),
            system_language,
            notifier: Notifier::start(),
            ticker: Arc::new(Notify::new()),
            tray_wake: Arc::new(Notify::new()),
            chime: Chime::start(),
            sound: AtomicBool::new(store_sound),
            data_dir: data_dir.to_path_buf(),
            database_path,
            desktop_integration: false,
            sleep: Mutex::new(Box::new(SleepDetector::new())),
            effects: Effects::start(),
        })
    }

    pub fn with_desktop_integration(self) -> Self {
        Self { desktop_integration: true, ..self }
    }

    fn lock(&self) -> MutexGuard<'_, Store> {
        // A panic while holding the lock left no half-written data (transactions roll
        // back), so the store is still good to use.
        self.store.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The time of day as the app sees it.
    pub fn now(&self) -> Timestamp {
        self.clock.now()
    }

    /// The system's time when the app's clock shows `at`: what a wait for `at` waits for.
    pub fn system_time(&self, at: Timestamp) -> Timestamp {
        self.clock.to_system(at)
    }

    /// Moves a test clock on and lets the ticker look; `false` on the system clock.
    pub fn advance_clock(&self, by: chrono::TimeDelta) -> bool {
        let moved = self.clock.advance(by);
        if moved {
            self.ticker.notify_one();
        }
        moved
    }

    /// The strings in the person's current language.
    pub fn catalog(&self) -> Arc<Catalog> {
        self.catalog.read().unwrap_or_else(|poisoned| poisoned.into_inner()).clone()
    }

    pub fn error(&self, err: &CoreError) -> ApiError {
        ApiError::from_core(err, &self.catalog())
    }

    /// A read of the store as of now; nothing changes, so nothing follows.
    pub fn read<T>(&self, f: impl FnOnce(&Store, Timestamp) -> Result<T, CoreError>) -> Result<T, ApiError> {
        f(&self.lock(), self.now()).map_err(|e| self.error(&e))
    }

    /// The store for a room's outbox: it locks it for each of its own calls, never across the
    /// network.
    pub fn shared_store(&self) -> Arc<Mutex<Store>> {
        self.store.clone()
    }

    /// A store call outside the application layer: the rooms' memberships and the state last
    /// seen, which no session rule touches. Keep it to the store: no window, tray or D-Bus.
    pub fn with_store<T>(&self, f: impl FnOnce(&Store) -> Result<T, CoreError>) -> Result<T, ApiError> {
        f(&self.lock()).map_err(|e| self.error(&e))
    }

    /// Applies `action` through the application layer. A sleep the ticker has not seen yet
    /// (the person acted within moments of waking) is recorded first, so it stays before the
    /// action. What changed is queued under the lock, so it leaves in order, and carried out
    /// once the lock is released.
    pub fn apply<R: Runtime>(&self, app: &AppHandle<R>, mut action: Action) -> Result<Answer, ApiError> {
        let names = BuiltinCatalogs { system: self.system_language };
        let mut store = self.lock();
        let cx = Context { now: self.now(), zone: crate::zone::person_zone(), names: &names };
        let mut changes = Vec::new();
        if action.touches_session()
            && let Some(slept_from) = self.check_sleep(cx.now)
        {
            match &mut action {
                Action::Tick { slept_from: from } => *from = Some(slept_from),
                _ => match app::apply(&mut store, Action::Tick { slept_from: Some(slept_from) }, &cx) {
                    Ok(slept) => changes = slept.changes,
                    Err(e) => log::error!("recording a sleep failed: {e}"),
                },
            }
        }
        let is_tick = matches!(action, Action::Tick { .. });
        let result = app::apply(&mut store, action, &cx).map(|applied| {
            changes.extend(applied.changes);
            applied.answer
        });
        let session_changed = changes.iter().any(|c| matches!(c, Change::Session(_)));
        self.follow_settings(&changes);
        self.effects.queue(app, changes);
        drop(store);
        if session_changed && !is_tick {
            self.ticker.notify_one();
        }
        result.map_err(|e| self.error(&e))
    }

    /// Keeps what the shell mirrors of the settings in step: the language of every string
    /// it makes from now on, and whether phase changes chime. Not a window call: it runs
    /// before the answer, which is already in the new language.
    fn follow_settings(&self, changes: &[Change]) {
        for change in changes {
            let Change::Settings(settings) = change else { continue };
            self.sound.store(settings.sound, Ordering::Relaxed);
            let language = Language::chosen(settings.language, self.system_language);
            if self.catalog().language() != language {
                *self.catalog.write().unwrap_or_else(|poisoned| poisoned.into_inner()) =
                    Arc::new(Catalog::new(language));
            }
        }
    }

    /// Waits until the effects of every action so far have been carried out.
    #[cfg(test)]
    pub fn settle(&self) {
        assert!(self.effects.settle(std::time::Duration::from_secs(10)), "the effects thread answers");
    }

    /// When a sleep since the last look began, if the computer slept.
    fn check_sleep(&self, now: Timestamp) -> Option<Timestamp> {
        self.sleep.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).check(now)
    }

    /// No session ran since the last look: a sleep in between changes nothing.
    pub fn reset_sleep(&self) {
        self.sleep.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).reset();
    }

    /// Finds sleeps with `watch` from now on (tests script them).
    #[cfg(test)]
    pub fn watch_sleep_with(&self, watch: Box<dyn SleepWatch>) {
        *self.sleep.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = watch;
    }
}
