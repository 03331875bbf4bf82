//! The real app when its database cannot be opened (here: the data folder is a file). It must
//! not vanish with a line on stderr: the window says where and why, in the person's language,
//! and nothing is written anywhere.

use std::time::Duration;

use anyhow::{Result, ensure};
use worktogether_e2e::app::UI_TIMEOUT;
use worktogether_e2e::{App, TestCtx, wait_for};

#[test]
#[ignore = "needs the display and bus of `make e2e`"]
fn the_window_says_why_the_database_cannot_be_opened() -> Result<()> {
    let ctx = TestCtx::new("database_unavailable")?;
    let blocked = ctx.dir.join("a-file-not-a-folder");
    std::fs::write(&blocked, "in the way")?;
    let app = App::launch_with_env(&ctx, &blocked, "app", &[("LANG", "de_DE.UTF-8"), ("LANGUAGE", "de")])?;
    let result = (|| {
        let shown = wait_for(UI_TIMEOUT, "the message in the window", || {
            Ok(app.text_of("load-error")?.filter(|text| !text.is_empty()))
        })?;
        ensure!(
            shown.starts_with("Worktogether kann seine Datenbank in") && shown.contains(&blocked.display().to_string()),
            "the window should say, in German, which folder could not be used; it says {shown:?}"
        );
        ensure!(!app.has("nav-home")?, "without a database there is nowhere to navigate to");
        ctx.screenshot("message")?;
        // It stays up to be read: still there a moment later, and the file is untouched.
        std::thread::sleep(Duration::from_secs(1));
        ensure!(app.app_pid().is_ok(), "the app should still run to show the message");
        ensure!(std::fs::read_to_string(&blocked)? == "in the way", "nothing is written over what was there");
        Ok(())
    })();
    if result.is_err() {
        app.dump(&ctx, "failure");
    }
    app.close();
    result
}
