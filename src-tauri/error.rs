//! The one error type that crosses the IPC boundary: a code for the UI to classify and a
//! message in the person's language to show.

use crate::i18n::Catalog;
use serde::Serialize;
use worktogether_core::{CoreError, ErrorCode};

#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
}

impl ApiError {
    pub fn from_core(err: &CoreError, catalog: &Catalog) -> Self {
        if matches!(err.code(), ErrorCode::Storage | ErrorCode::Internal) {
            log::error!("{err}");
        }
        let (key, args) = err.message_key();
        Self { code: err.code(), message: catalog.t(key, &args) }
    }

    /// A room server's refusal, or the network's.
    pub fn from_sync(err: &worktogether_sync::SyncError, catalog: &Catalog) -> Self {
        use worktogether_sync::SyncError as E;
        let code = match err {
            E::Unreachable { .. } | E::RateLimited | E::Server { .. } | E::Protocol { .. } => ErrorCode::Unreachable,
            E::BadServerAddress { .. } | E::NotARoomCode { .. } | E::Invalid { .. } => ErrorCode::InvalidInput,
            E::RoomNotFound | E::NotFound { .. } => ErrorCode::NotFound,
            E::TokenExpired | E::Forbidden | E::RoomFull | E::WrongState { .. } => ErrorCode::WrongState,
            E::LocalStore { .. } => ErrorCode::Storage,
        };
        if code == ErrorCode::Storage {
            log::error!("{err}");
        }
        Self { code, message: catalog.t(err.message_key(), &err.message_args()) }
    }

    /// A refusal the shell itself makes (e.g. a shortcut the desktop cannot register).
    pub fn invalid(catalog: &Catalog, key: &str, args: &[(&str, String)]) -> Self {
        Self { code: ErrorCode::InvalidInput, message: catalog.t(key, args) }
    }

    /// Something that cannot happen did; the details are in the log.
    pub fn internal(catalog: &Catalog) -> Self {
        Self { code: ErrorCode::Internal, message: catalog.t("error.internal", &[]) }
    }

    /// The database is not there: why, as the start-up found it ([`crate::StartupFailure`]).
    pub fn unavailable<R: tauri::Runtime>(app: &tauri::AppHandle<R>) -> Self {
        use tauri::Manager;
        let message = app.try_state::<crate::StartupFailure>().map_or_else(
            || Catalog::new(crate::Language::detect()).t("error.internal", &[]),
            |failure| failure.0.clone(),
        );
        Self { code: ErrorCode::Storage, message }
    }
}
