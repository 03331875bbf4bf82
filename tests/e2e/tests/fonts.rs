//! The page's fonts in the real app on Linux: the desktop's UI font from GTK's settings, and
//! nothing but installed or generic families anywhere on a screen. A family the system lacks
//! costs WebKitGTK a fontconfig search per size and weight on the first frame (see
//! `src-tauri/fonts.rs`), so a stack such as `system-ui, "Segoe UI", …` must not come back.

use std::collections::BTreeSet;

use anyhow::{Result, ensure};
use serde_json::Value;
use worktogether_e2e::{App, TestCtx};

/// Every distinct computed `font-family` on the page.
fn families_in_use(app: &App) -> Result<BTreeSet<String>> {
    let found = app.session.execute(
        "return [...new Set([document.body, ...document.body.querySelectorAll('*')]\
           .map((el) => getComputedStyle(el).fontFamily))];",
        vec![],
    )?;
    let Value::Array(list) = found else { anyhow::bail!("expected a list of font families, got {found}") };
    Ok(list.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect())
}

fn check(ctx: &TestCtx, label: &str, env: &[(&str, &str)], ui: &str) -> Result<()> {
    let data_dir = ctx.dir.join(label);
    std::fs::create_dir_all(&data_dir)?;
    let app = App::launch_with_env(ctx, &data_dir, label, env)?;
    let result = (|| {
        app.wait_testid("home", worktogether_e2e::app::UI_TIMEOUT)?;
        let families = families_in_use(&app)?;
        let allowed: BTreeSet<String> = [ui.to_owned(), "monospace".to_owned()].into();
        ensure!(
            families.contains(ui),
            "{label}: the page should be set in {ui} (from gtk-font-name), found {families:?}"
        );
        ensure!(
            families.is_subset(&allowed),
            "{label}: only the stacks Rust chose may be in use ({allowed:?}), found {families:?}"
        );
        ctx.screenshot(label)?;
        Ok(())
    })();
    if result.is_err() {
        app.dump(ctx, label);
    }
    app.close();
    result
}

#[test]
#[ignore = "needs the display and bus of `make e2e`"]
fn the_page_uses_the_desktop_font_and_only_fonts_that_are_there() -> Result<()> {
    let ctx = TestCtx::new("fonts")?;
    // No GTK setting (as under plain Xvfb): fontconfig's own sans-serif.
    let bare = ctx.dir.join("config-bare");
    std::fs::create_dir_all(&bare)?;
    check(&ctx, "no-setting", &[("XDG_CONFIG_HOME", bare.to_str().unwrap_or_default())], "sans-serif")?;
    // A desktop whose UI font is DejaVu Serif (installed with the test packages' fonts).
    let serif = ctx.dir.join("config-serif");
    std::fs::create_dir_all(serif.join("gtk-3.0"))?;
    std::fs::write(serif.join("gtk-3.0/settings.ini"), "[Settings]\ngtk-font-name = DejaVu Serif 11\n")?;
    check(
        &ctx,
        "serif-desktop",
        &[("XDG_CONFIG_HOME", serif.to_str().unwrap_or_default())],
        "\"DejaVu Serif\", sans-serif",
    )
}
