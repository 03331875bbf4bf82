//! Worktogether's headless core: the session ritual (commitment round → focus blocks and
//! breaks → closing round) as a domain model, a pure phase engine and a SQLite store.
//!
//! Architecture invariant: nothing here reads the system clock, talks to the network or
//! knows about Tauri. Every operation takes `now`; the shell owns time and I/O.

pub mod app;
pub mod engine;
pub mod error;
pub mod export;
pub mod ids;
pub mod import;
pub mod limits;
pub mod model;
pub mod review;
pub mod room_write;
pub mod sample;
pub mod schedule;
pub mod search;
pub mod stats;
pub mod store;
pub mod templates;
pub mod validate;
pub mod view;

pub use engine::{PhaseChange, SessionClock};
pub use error::{CoreError, ErrorCode, Result};
pub use model::*;
pub use search::{SearchField, SearchHit, SnippetPart};
pub use store::Store;
pub use view::*;

/// All stored and computed times are UTC wall-clock instants.
pub type Timestamp = chrono::DateTime<chrono::Utc>;
