//! The IPC contract: every command and event the UI uses, listed once. The list builds the
//! invoke handler and writes `ui/src/bindings/ipc.ts` (typed command wrappers, events and
//! types) from the Rust signatures; a test fails when the checked-in file is stale.
//!
//! A list per runtime, because the commands are generic over `tauri::Runtime` and the
//! collecting macro cannot name an outer generic: the app's (`Wry`) and the tests' mock.

use crate::rooms::commands as rooms;
use crate::{commands, data_commands, events, review, schedule, settings};
use tauri::Runtime;

pub trait IpcRuntime: Runtime {
    fn contract() -> tauri_specta::Builder<Self>;
}

macro_rules! contract {
    ($runtime:ty) => {
        impl IpcRuntime for $runtime {
            fn contract() -> tauri_specta::Builder<$runtime> {
                tauri_specta::Builder::<$runtime>::new()
                    .commands(tauri_specta::collect_commands![
                        commands::app_info,
                        commands::first_screen::<$runtime>,
                        commands::catalog,
                        commands::list_templates,
                        commands::save_template::<$runtime>,
                        commands::delete_template::<$runtime>,
                        commands::start_session::<$runtime>,
                        commands::current_session,
                        commands::add_commitment::<$runtime>,
                        commands::update_commitment::<$runtime>,
                        commands::remove_commitment::<$runtime>,
                        commands::move_commitment::<$runtime>,
                        commands::tick_commitment::<$runtime>,
                        commands::draft_outcome::<$runtime>,
                        commands::draft_closing_notes::<$runtime>,
                        commands::carry_over_suggestions,
                        commands::carry_over::<$runtime>,
                        commands::pause_session::<$runtime>,
                        commands::resume_session::<$runtime>,
                        commands::skip_phase::<$runtime>,
                        commands::extend_phase::<$runtime>,
                        commands::end_session_early::<$runtime>,
                        commands::abandon_session::<$runtime>,
                        commands::close_session::<$runtime>,
                        commands::list_sessions,
                        commands::history_page,
                        commands::session_record,
                        commands::history_facets,
                        commands::statistics,
                        schedule::commands::schedule::<$runtime>,
                        schedule::commands::preview_block,
                        schedule::commands::save_block::<$runtime>,
                        schedule::commands::delete_block::<$runtime>,
                        schedule::commands::change_occurrence::<$runtime>,
                        schedule::commands::start_block::<$runtime>,
                        schedule::commands::snooze_block::<$runtime>,
                        schedule::commands::save_routine::<$runtime>,
                        schedule::commands::delete_routine::<$runtime>,
                        schedule::commands::mark_routine_day::<$runtime>,
                        schedule::commands::commit_to_routine::<$runtime>,
                        review::weekly_review,
                        review::plan_carries::<$runtime>,
                        review::unplan_carries::<$runtime>,
                        commands::open_data_folder,
                        data_commands::list_backups,
                        data_commands::make_backup,
                        data_commands::restore_backup::<$runtime>,
                        data_commands::export_history::<$runtime>,
                        data_commands::show_export::<$runtime>,
                        data_commands::list_importable::<$runtime>,
                        data_commands::import_backup::<$runtime>,
                        settings::settings::<$runtime>,
                        settings::change_setting::<$runtime>,
                        commands::ui_ready::<$runtime>,
                        rooms::rooms::<$runtime>,
                        rooms::join_room::<$runtime>,
                        rooms::create_room::<$runtime>,
                        rooms::leave_room::<$runtime>,
                        rooms::token_place::<$runtime>,
                        rooms::take_join_link::<$runtime>,
                        rooms::update_room::<$runtime>,
                        rooms::remove_member::<$runtime>,
                        rooms::hand_over_host::<$runtime>,
                        rooms::change_room_code::<$runtime>,
                        rooms::join_room_session::<$runtime>,
                        rooms::leave_room_session::<$runtime>,
                        rooms::start_shared_session::<$runtime>,
                        rooms::control_shared_session::<$runtime>,
                        rooms::share_with_room::<$runtime>,
                        rooms::share_own_session::<$runtime>,
                        rooms::give_kudos::<$runtime>,
                        rooms::open_video_link::<$runtime>,
                        rooms::set_open_link_at_start::<$runtime>,
                        rooms::ask_host::<$runtime>,
                        rooms::post_ahead::<$runtime>,
                        rooms::mark_answered::<$runtime>,
                        rooms::delete_room::<$runtime>,
                    ])
                    .events(tauri_specta::collect_events![
                        events::SessionEvent,
                        events::PhaseChangedEvent,
                        events::SettingsEvent,
                        events::RoomsEvent,
                        events::JoinLinkEvent,
                        events::ShowSessionEvent,
                        events::ShowReviewEvent,
                        events::ScheduleChangedEvent,
                    ])
                    // One type per struct (not one to send and one to receive), and commands that reject
                    // with an `ApiError` rather than resolving to a result object.
                    .disable_serde_phases()
                    .error_handling(tauri_specta::ErrorHandlingMode::Throw)
            }
        }
    };
}

contract!(tauri::Wry);
#[cfg(test)]
contract!(tauri::test::MockRuntime);

#[cfg(test)]
mod tests {
    use super::IpcRuntime;

    /// Writes the contract for the UI; `make bindings-check` fails when it changed.
    #[test]
    fn the_ui_bindings_follow_the_rust_signatures() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("ui/src/bindings/ipc.ts");
        <tauri::test::MockRuntime as IpcRuntime>::contract()
            .export(specta_typescript::Typescript::default(), &path)
            .expect("the contract can be written");
    }
}
