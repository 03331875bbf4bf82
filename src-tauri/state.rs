//! The app's shared state: the store, the person's language, the notifier and the
//! ticker's wake-up. Commands and the ticker go through `read`, `write` and `publish`.

use crate::error::ApiError;
use crate::events::{UiEvent, emit};
use crate::i18n::{Catalog, Language};
use crate::notifier::{Notifier, phase_notice};
use crate::sleep::{SleepDetector, SleepWatch};
use crate::sound::Chime;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};
use tauri::{AppHandle, Runtime};
use tokio::sync::Notify;
use worktogether_core::store::{Applied, DATABASE_FILE};
use worktogether_core::templates::Builtin;
use worktogether_core::{CoreError, SessionView, Store, Timestamp};

/// The shell's one reading of the wall clock; the core is always handed `now`.
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
    store: Mutex<Store>,
    /// The person's language can change while the app runs (settings).
    catalog: RwLock<Arc<Catalog>>,
    /// The computer's language, for the "system" choice.
    system_language: Language,
    pub notifier: Notifier,
    /// Wakes the ticker when a session starts or changes.
    pub ticker: Arc<Notify>,
    /// Wakes the tray when the session or a setting it shows changed.
    pub tray_wake: Arc<Notify>,
    /// The chime at phase changes, and whether the person wants it (the "sound" setting,
    /// kept here because phase changes are published while the store is locked).
    chime: Chime,
    pub sound: AtomicBool,
    pub data_dir: PathBuf,
    pub database_path: PathBuf,
    /// Start at login, the global shortcut and the chime reach into the person's login,
    /// keyboard and speakers: on in the app, off in unit tests.
    pub desktop_integration: bool,
    /// Sleeps of the computer, found by the ticker or by the first action after waking,
    /// whichever comes first (one watch, so a sleep is recorded once).
    sleep: Mutex<Box<dyn SleepWatch>>,
}

impl AppState {
    /// Opens the store in `data_dir`; `system_language` is used unless the person chose one.
    pub fn open(data_dir: &Path, system_language: Language) -> Result<Self, CoreError> {
        let database_path = data_dir.join(DATABASE_FILE);
        let mut store = Store::open(&database_path)?;
        let catalog = Catalog::new(Language::chosen(store.language_choice()?, system_language));
        store.ensure_builtin_templates(|b: Builtin| catalog.t(&format!("builtin.{}", b.key()), &[]), now())?;
        let store_sound = store.settings()?.sound;
        Ok(Self {
            store: Mutex::new(store),
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

    /// The strings in the person's current language.
    pub fn catalog(&self) -> Arc<Catalog> {
        self.catalog.read().unwrap_or_else(|poisoned| poisoned.into_inner()).clone()
    }

    /// Switches every string the shell produces from now on to the chosen language, and the
    /// built-in templates' names the person has not changed.
    pub fn choose_language(&self, choice: worktogether_core::LanguageChoice) -> Language {
        let language = Language::chosen(choice, self.system_language);
        let catalog = Catalog::new(language);
        let key = |b: Builtin| format!("builtin.{}", b.key());
        let catalogs = [Catalog::new(Language::De), Catalog::new(Language::En)];
        let renamed = self.lock().rename_builtin_templates(
            |b, name| catalogs.iter().any(|c| c.t(&key(b), &[]) == name),
            |b| catalog.t(&key(b), &[]),
        );
        if let Err(e) = renamed {
            log::warn!("the built-in templates keep their names: {e}");
        }
        *self.catalog.write().unwrap_or_else(|poisoned| poisoned.into_inner()) = Arc::new(catalog);
        language
    }

    pub fn error(&self, err: &CoreError) -> ApiError {
        ApiError::from_core(err, &self.catalog())
    }

    pub fn read<T>(&self, f: impl FnOnce(&Store, Timestamp) -> Result<T, CoreError>) -> Result<T, ApiError> {
        f(&self.lock(), now()).map_err(|e| self.error(&e))
    }

    pub fn write<T>(&self, f: impl FnOnce(&mut Store, Timestamp) -> Result<T, CoreError>) -> Result<T, ApiError> {
        f(&mut self.lock(), now()).map_err(|e| self.error(&e))
    }

    /// Runs `f` and then `after` on its result, both under the store's lock, so events
    /// leave in the order of the changes they report.
    pub fn write_then<T>(
        &self,
        f: impl FnOnce(&mut Store, Timestamp) -> Result<T, CoreError>,
        after: impl FnOnce(&T),
    ) -> Result<T, ApiError> {
        let mut store = self.lock();
        let result = f(&mut store, now()).map_err(|e| self.error(&e))?;
        after(&result);
        Ok(result)
    }

    /// Starts a session from a template: its commitment round begins.
    pub fn start_session<R: Runtime>(
        &self,
        app: &AppHandle<R>,
        template_id: uuid::Uuid,
    ) -> Result<SessionView, ApiError> {
        let view = self
            .write_then(|s, now| s.start_session(template_id, now), |view| emit(app, UiEvent::Session(Some(view))))?;
        self.ticker.notify_one();
        self.tray_wake.notify_one();
        Ok(view)
    }

    /// When a sleep since the last look began, if the computer slept.
    pub fn check_sleep(&self) -> Option<Timestamp> {
        self.sleep.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).check()
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

    /// An operation on the session in progress: runs it, tells the UI, notifies at a
    /// phase change and wakes the ticker. A sleep the ticker has not seen yet (the person
    /// acted within a second of waking) is recorded first, so it stays before the action.
    pub fn session_op<R: Runtime>(
        &self,
        app: &AppHandle<R>,
        f: impl FnOnce(&mut Store, Timestamp) -> Result<Applied, CoreError>,
    ) -> Result<SessionView, ApiError> {
        if let Some(slept_from) = self.check_sleep() {
            self.tick(app, Some(slept_from))?;
        }
        let applied = self.write_then(f, |applied| self.publish(app, applied))?;
        self.ticker.notify_one();
        Ok(applied.view)
    }

    /// The ticker's evaluation; `Ok(false)` when no session is in progress.
    pub fn tick<R: Runtime>(&self, app: &AppHandle<R>, slept_from: Option<Timestamp>) -> Result<bool, ApiError> {
        let applied = self.write_then(
            |store, now| {
                let mode = store.sleep_mode().unwrap_or_default();
                store.tick(now, slept_from, mode)
            },
            |applied| {
                if let Some(applied) = applied.as_ref().filter(|a| a.change.is_some() || slept_from.is_some()) {
                    self.publish(app, applied);
                }
            },
        )?;
        Ok(applied.is_some())
    }

    /// Sends a snapshot to the UI and, at a phase change, the event and a notification.
    pub fn publish<R: Runtime>(&self, app: &AppHandle<R>, applied: &Applied) {
        let in_progress = applied.view.status.in_progress();
        emit(app, UiEvent::Session(in_progress.then_some(&applied.view)));
        self.tray_wake.notify_one();
        if !in_progress {
            crate::windows::session_over(app);
        }
        if let Some(change) = &applied.change {
            emit(app, UiEvent::PhaseChanged(change));
            crate::windows::follow_phase(app, change);
            self.notifier.send(phase_notice(&self.catalog(), change, &applied.view));
            // Unit tests (no desktop integration) stay silent.
            if self.desktop_integration && self.sound.load(Ordering::Relaxed) {
                self.chime.play();
            }
        }
    }
}
