// No console window behind the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    // A command (`worktogether status`…) runs and exits here, before any window toolkit starts.
    if let Some(code) = worktogether_app::cli::run(std::env::args_os().skip(1)) {
        std::process::exit(code);
    }
    worktogether_app::run();
}
