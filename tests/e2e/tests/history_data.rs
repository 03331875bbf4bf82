//! The person's data as files, in the real app: an export from the History screen lands in the
//! exports' folder (`WORKTOGETHER_EXPORT_DIR`) with its header row, and a backup made from the
//! settings is restored: a session added after it is gone from the history, and the data it
//! replaced is one more backup in the list. History's JSON backup is imported from the settings
//! (a cut-off copy refused first) and adds nothing. The new parts of the page pass axe-core's
//! rules in both themes and are photographed; the import fits a 420 px window.

use std::path::Path;

use anyhow::{Context, Result, ensure};
use serde_json::{Value, json};
use worktogether_e2e::a11y::{self, THEMES};
use worktogether_e2e::app::{STARTUP_TIMEOUT, UI_TIMEOUT};
use worktogether_e2e::{App, TestCtx, open_db, wait_for};

/// The English header of the commitments table (locales/en.json, `export.column.*`).
const COMMITMENTS_HEADER: &str = "Session,Session start,Day,Template,Room,Commitment,Tag";

#[test]
#[ignore = "needs the display, bus and notification server of `make e2e`"]
fn an_export_from_history_and_a_restore_from_the_settings() -> Result<()> {
    let ctx = TestCtx::new("history_data")?;
    let data_dir = ctx.data_dir()?;
    let exports = ctx.dir.join("exports");
    std::fs::create_dir_all(&exports)?;
    let exports_env = exports.display().to_string();
    let app = App::launch_with_env(&ctx, &data_dir, "app", &[("WORKTOGETHER_EXPORT_DIR", exports_env.as_str())])?;
    let result = run(&ctx, &app, &data_dir, &exports);
    if result.is_err() {
        app.dump(&ctx, "failure");
    }
    result
}

/// A session of the first template with one commitment, abandoned at once (it shows in history).
fn abandoned_session(app: &App, text: &str) -> Result<()> {
    let template = app.invoke("list_templates", json!({}))?[0]["id"].clone();
    app.invoke("start_session", json!({ "templateId": template }))?;
    app.invoke("add_commitment", json!({ "draft": { "text": text, "tag": "ACME", "estimateMinutes": null } }))?;
    app.invoke("abandon_session", json!({}))?;
    Ok(())
}

fn history_text(app: &App) -> Result<String> {
    app.click("nav-history")?;
    app.wait_testid("history-day", UI_TIMEOUT).context("the history shows its sessions")?;
    Ok(app.text_of("history-list")?.unwrap_or_default())
}

/// axe-core's serious and critical rules on the page as it is, in both themes, with pictures.
fn check_page(ctx: &TestCtx, app: &App, name: &str) -> Result<()> {
    let axe = a11y::axe_source()?;
    let mut problems = Vec::new();
    for theme in THEMES {
        a11y::set_theme(app, theme)?;
        a11y::save_page(app, &ctx.dir, &format!("{name}-{theme}"))?;
        problems.extend(a11y::run_axe(app, &axe)?.into_iter().filter(|v| v.fails()).map(|v| format!("{theme}: {v}")));
    }
    a11y::set_theme(app, THEMES[0])?;
    ensure!(problems.is_empty(), "{name}: accessibility problems:\n{}", problems.join("\n"));
    Ok(())
}

fn run(ctx: &TestCtx, app: &App, data_dir: &Path, exports: &Path) -> Result<()> {
    app.wait_testid("home", STARTUP_TIMEOUT)?;
    // No daily backup while the test runs: the list holds only the ones it makes.
    app.invoke("change_setting", json!({ "change": { "backupsKept": 0 } }))?;
    abandoned_session(app, "Angebot für ACME")?;

    // Export the commitments from the History screen.
    ensure!(history_text(app)?.contains("Angebot für ACME"), "the session is in the history");
    app.click("history-export-toggle")?;
    app.select("export-format", "commitments")?;
    app.click("export-start")?;
    app.wait_testid("export-result", UI_TIMEOUT).context("the export says where it went")?;
    let shown = app.text_of("export-path")?.unwrap_or_default();
    let files: Vec<_> = std::fs::read_dir(exports)?.flatten().map(|e| e.path()).collect();
    ensure!(files.len() == 1, "one file in the exports' folder: {files:?}");
    ensure!(files[0].display().to_string() == shown, "the page shows where it is: {shown:?}, {files:?}");
    let name = files[0].file_name().and_then(|n| n.to_str()).unwrap_or_default().to_owned();
    ensure!(name.starts_with("worktogether-commitments-") && name.ends_with(".csv"), "a clear name: {name}");
    let text = std::fs::read_to_string(&files[0])?;
    ensure!(text.lines().next().is_some_and(|h| h.starts_with(COMMITMENTS_HEADER)), "the header row: {text}");
    ensure!(text.contains("Angebot für ACME"), "the commitment: {text}");
    check_page(ctx, app, "1-history-export")?;

    // A backup now, then a session after it.
    app.click("nav-settings")?;
    app.wait_testid("settings-backups", UI_TIMEOUT)?;
    app.wait_testid("backups-none", UI_TIMEOUT).context("no backups yet")?;
    app.click("backups-make")?;
    let made = wait_for(UI_TIMEOUT, "the backup in the list", || {
        let ids = app.attrs_of("backup-item", "data-id")?;
        Ok((ids.len() == 1).then(|| ids[0].clone()))
    })?;
    abandoned_session(app, "Nach der Sicherung")?;
    ensure!(history_text(app)?.contains("Nach der Sicherung"), "the later session is in the history");

    // Restore it from the settings, after the question.
    app.click("nav-settings")?;
    app.wait_testid("backup-restore", UI_TIMEOUT)?;
    app.click("backup-restore")?;
    app.wait_testid("backup-restore-confirm", UI_TIMEOUT)?;
    check_page(ctx, app, "2-settings-restore-question")?;
    app.click("backup-restore-confirm")?;
    let said = wait_for(UI_TIMEOUT, "the restore's outcome", || {
        let text = app.text_of("backups-outcome")?.unwrap_or_default();
        ensure!(!app.has("backups-error")?, "the restore was refused: {:?}", app.text_of("backups-error")?);
        Ok((!text.trim().is_empty()).then_some(text))
    })?;
    ensure!(said.contains("Restored the backup"), "the outcome says so: {said}");
    let ids = wait_for(UI_TIMEOUT, "one more backup in the list", || {
        let ids = app.attrs_of("backup-item", "data-id")?;
        Ok((ids.len() == 2).then_some(ids))
    })?;
    ensure!(ids[1] == made, "the restored backup stays, the data it replaced is the newest: {ids:?}");
    check_page(ctx, app, "3-settings-restored")?;

    let history = history_text(app)?;
    ensure!(!history.contains("Nach der Sicherung"), "the later session is gone: {history}");
    ensure!(history.contains("Angebot für ACME"), "the backup's session is there: {history}");
    let texts: Vec<String> = open_db(data_dir)?
        .prepare("SELECT text FROM commitments ORDER BY created_at")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    ensure!(texts == ["Angebot für ACME"], "the database holds the backup's data: {texts:?}");
    let backups: Value = app.invoke("list_backups", json!({}))?;
    ensure!(backups.as_array().map(Vec::len) == Some(2), "two backups: {backups}");
    import_from_the_settings(ctx, app, exports)
}

/// History's JSON backup and a cut-off copy of it in the exports' folder, both listed in the
/// settings: the copy is refused with its reason, and the backup, imported by its path, adds
/// nothing (its one session is here already).
fn import_from_the_settings(ctx: &TestCtx, app: &App, exports: &Path) -> Result<()> {
    history_text(app)?;
    app.click("history-export-toggle")?;
    app.select("export-format", "json")?;
    app.click("export-start")?;
    app.wait_testid("export-result", UI_TIMEOUT).context("the JSON backup is written")?;
    let backup = app.text_of("export-path")?.unwrap_or_default();
    let text = std::fs::read_to_string(&backup).with_context(|| format!("reading {backup}"))?;
    std::fs::write(exports.join("worktogether-broken.json"), &text[..text.len() / 2])?;

    app.click("nav-settings")?;
    let names = wait_for(UI_TIMEOUT, "both JSON files listed", || {
        let names = app.attrs_of("import-item", "data-name")?;
        Ok((names.len() == 2).then_some(names))
    })?;
    ensure!(names[0] == "worktogether-broken.json" && backup.ends_with(&names[1]), "newest first: {names:?}");
    app.click("import-item-start")?;
    app.click("import-confirm")?;
    let refused = wait_for(UI_TIMEOUT, "the refusal", || app.text_of("import-error"))?;
    ensure!(refused.contains("ends too early"), "the refusal says why: {refused}");

    app.type_into("import-path", &backup)?;
    app.click("import-path-start")?;
    let said = wait_for(UI_TIMEOUT, "the import's outcome", || {
        let text = app.text_of("import-outcome")?.unwrap_or_default();
        Ok((!text.trim().is_empty()).then_some(text))
    })?;
    ensure!(!app.has("import-error")?, "no refusal left: {:?}", app.text_of("import-error")?);
    ensure!(said.contains("Nothing was added: 1 session was already there."), "nothing new: {said}");
    check_page(ctx, app, "4-settings-imported")?;
    a11y::resize(app, 420, 680)?;
    let overflow = a11y::check_overflow(app);
    a11y::resize(app, 900, 680)?;
    let overflow = overflow?;
    ensure!(overflow.is_empty(), "420 px wide: {overflow:?}");
    Ok(())
}
