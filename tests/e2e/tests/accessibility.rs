//! Accessibility, checked on every screen of the real app in both themes and both languages:
//! axe-core finds no serious or critical violation, Tab reaches every control and shows where
//! the focus is, no text is clipped, and a picture of each screen is saved
//! (screens/<lang>/ in the artifacts). The Rooms screens are checked against a real room server. The session is driven partly by keyboard alone (Enter on
//! a focused button, Enter in a field, Esc, Space on a radio), so "operable by keyboard" is
//! exercised, not only looked at; refused input is shown too, where error colours must be readable. Everything wrong is collected and reported at the end, so
//! one run lists every problem a person has to fix.
#![allow(clippy::disallowed_methods, reason = "the log says how long each check took: it reads the clock on purpose")]

use anyhow::{Context, Result, bail, ensure};
use serde_json::{Value, json};
use worktogether_e2e::a11y::{self, THEMES};
use worktogether_e2e::app::{STARTUP_TIMEOUT, UI_TIMEOUT};
use worktogether_e2e::room_server::RoomServer;
use worktogether_e2e::webdriver::keys;
use worktogether_e2e::{App, TestCtx, wait_for};

const TEMPLATE: &str = "A11y";
/// Phases long enough to stay on screen while each is checked; the test moves on by skipping.
const PLAN: [(&str, u64); 5] =
    [("commitment", 3600), ("focus", 3600), ("break", 3600), ("focus", 3600), ("closing", 3600)];

/// The window's size at start and its smallest (tauri.conf.json `width`/`height`, `minWidth`).
const WINDOW: (u32, u32) = (900, 680);
const NARROW: (u32, u32) = (420, 680);
/// The compact ritual windows' sizes (src-tauri/windows.rs), and their smallest width.
const COMPACT_COMMITMENT: (u32, u32) = (440, 600);
const COMPACT_CLOSING: (u32, u32) = (480, 620);
const COMPACT_MIN_WIDTH: u32 = 360;

/// What a person of each language would write: the German texts are long on purpose, to find
/// words that do not fit.
struct Texts {
    /// the finished session's commitments: done, partly, not done (the last two are carried over)
    earlier: [&'static str; 3],
    tag: &'static str,
    now: [&'static str; 2],
    /// typed into the compact commitment window, and removed again
    extra: &'static str,
    note: &'static str,
    left_off: &'static str,
    /// a room, its description, and this person's name in it
    room: [&'static str; 3],
    /// posted ahead of the room's next session
    ahead: &'static str,
}

const EN: Texts = Texts {
    earlier: ["Send the October invoices", "Sort the receipts for Q3", "Update the website's price page"],
    tag: "Bookkeeping",
    now: ["Write the newsletter draft", "Answer the tax adviser"],
    extra: "Book the train to the trade fair",
    note: "All but two receipts",
    left_off: "Halfway through the September receipts",
    room: ["Social Media Kitchen", "Once a month: we work through our social media chores together", "Hanna"],
    ahead: "Plan the posts for December",
};

const DE: Texts = Texts {
    earlier: [
        "Oktoberrechnungen verschicken",
        "Umsatzsteuervoranmeldung für das dritte Quartal vorbereiten",
        "Preisseite der Website aktualisieren",
    ],
    tag: "Buchhaltung",
    now: ["Newsletter-Entwurf schreiben", "Der Steuerberaterin antworten"],
    extra: "Zugfahrkarten für die Fachmesse buchen",
    note: "Alle Belege bis auf zwei",
    left_off: "Mitten in den Belegen für September, als Nächstes die Tankquittungen",
    room: [
        "Social-Media-Küche der Selbstständigen",
        "Einmal im Monat arbeiten wir gemeinsam unsere Social-Media-Aufgaben ab",
        "Hanna-Sophie",
    ],
    ahead: "Beiträge für Dezember planen",
};

#[test]
#[ignore = "needs the display, bus and notification server of `make e2e`"]
fn accessibility_english() -> Result<()> {
    accessibility("en", "en_US.UTF-8", &EN)
}

#[test]
#[ignore = "needs the display, bus and notification server of `make e2e`"]
fn accessibility_german() -> Result<()> {
    accessibility("de", "de_DE.UTF-8", &DE)
}

fn accessibility(lang: &str, locale: &str, texts: &Texts) -> Result<()> {
    let ctx = TestCtx::new(&format!("accessibility_{lang}"))?;
    let data_dir = ctx.data_dir()?;
    // The app's language follows the locale (until a language setting exists).
    let app = App::launch_with_env(&ctx, &data_dir, "app", &[("LANG", locale), ("LANGUAGE", lang)])?;
    let screens = ctx.env.artifacts.join("screens").join(lang);
    if screens.exists() {
        std::fs::remove_dir_all(&screens)?;
    }
    let mut audit = Audit { app: &app, lang, axe: a11y::axe_source()?, screens, count: 0, findings: Vec::new() };
    let server = RoomServer::start(&ctx.env.room_server, &ctx.dir)?;
    let result = tour(&app, &mut audit, texts).and_then(|()| rooms(&app, &mut audit, texts, &server.url()));
    if result.is_err() {
        app.dump(&ctx, "failure");
    }
    result?;
    audit.verdict()
}

/// The Rooms screens, with a real room server: empty (both forms), a refused join, and a room's
/// view as its host, with a commitment posted ahead (refused blank first).
fn rooms(app: &App, audit: &mut Audit, texts: &Texts, server: &str) -> Result<()> {
    let [room, description, person] = texts.room;
    app.click("nav-rooms")?;
    app.wait_testid("join-form", UI_TIMEOUT)?;
    audit.screen("rooms")?;
    app.type_into("join-server", server)?;
    app.type_into("join-code", "ABCDE-FGHJ0")?;
    app.type_into("join-name", person)?;
    app.click("join-submit")?;
    wait_for(UI_TIMEOUT, "the join form's error", || Ok(app.text_of("join-error")?.filter(|t| !t.is_empty())))?;
    audit.screen("rooms-join-refused")?;
    let new_room = json!({ "server": server, "name": room, "description": description,
        "videoLink": "https://meet.example.org/kitchen", "displayName": person });
    app.invoke("create_room", json!({ "room": new_room }))?;
    app.click("nav-home")?;
    app.click("nav-rooms")?;
    app.click("room-item")?;
    app.wait_testid("room-view", UI_TIMEOUT)?;
    wait_for(UI_TIMEOUT, "the room to connect", || {
        Ok((app.attr_of("room-connection", "data-state")?.as_deref() == Some("connected")).then_some(()))
    })?;
    audit.screen("room")?;
    // Posting ahead of the next session: refused blank, then shown.
    app.click("room-ahead-submit")?;
    wait_for(UI_TIMEOUT, "the ahead form's error", || Ok(app.text_of("room-ahead-error")?.filter(|t| !t.is_empty())))?;
    audit.screen("room-ahead-refused")?;
    app.type_into("room-ahead-text", texts.ahead)?;
    app.click("room-ahead-submit")?;
    wait_for(UI_TIMEOUT, "the commitment posted ahead", || {
        Ok(app.text_of("room-ahead-item")?.filter(|t| !t.is_empty()))
    })?;
    audit.screen("room-ahead")?;
    Ok(())
}

/// Every screen in turn, each checked by [`Audit::screen`].
fn tour(app: &App, audit: &mut Audit, texts: &Texts) -> Result<()> {
    app.wait_testid("home", STARTUP_TIMEOUT)?;
    let shown = app.session.execute("return document.documentElement.lang;", vec![])?;
    ensure!(shown == json!(audit.lang), "the UI should be in {} (LANG), but <html lang> is {shown}", audit.lang);

    checks_can_fail(app, audit)?;
    ensure!(
        a11y::has_reduced_motion_reset(app)?,
        "the app's stylesheets should stop every transition and animation under \
         prefers-reduced-motion: reduce (styles.css), but the loaded CSS has no such rule"
    );
    // What a person sees first: no session yet today.
    app.wait_testid("template-list", UI_TIMEOUT)?;
    audit.screen("home-first-start")?;

    let template_id = app.save_template(TEMPLATE, &PLAN)?;
    finished_session(app, &template_id, texts)?;

    // Home, with the finished session among today's.
    app.reload()?;
    app.wait_testid(&format!("start-template-{TEMPLATE}"), UI_TIMEOUT)?;
    wait_for(UI_TIMEOUT, "today's session on the home screen", || Ok(app.has("today-list")?.then_some(())))?;
    audit.screen("home")?;

    // The template editor; Esc leaves it.
    app.click(&format!("template-edit-{TEMPLATE}"))?;
    app.wait_testid("template-editor", UI_TIMEOUT)?;
    audit.screen("template-editor")?;
    focus(app, "template-name")?;
    app.session.press_key(keys::ESCAPE)?;
    wait_for(UI_TIMEOUT, "Esc to close the template editor", || {
        Ok((!app.has("template-editor")? && app.has("home")?).then_some(()))
    })?;

    // A new template without a name and with a 0-minute focus block is refused, with the
    // messages next to the fields.
    app.click("template-new")?;
    app.wait_testid("template-editor", UI_TIMEOUT)?;
    let minutes = app.session.find_all(".editor input[type=number]")?;
    let focus_minutes =
        minutes.get(1).context("the new template should have a focus block after the commitment round")?;
    app.session.clear(focus_minutes)?;
    app.session.send_keys(focus_minutes, "0")?;
    focus(app, "template-save")?;
    app.session.press_key(keys::ENTER)?;
    app.wait_testid("template-error", UI_TIMEOUT).context("saving a template without a name should be refused")?;
    audit.screen("template-editor-refused")?;
    focus(app, "template-name")?;
    app.session.press_key(keys::ESCAPE)?;
    wait_for(UI_TIMEOUT, "Esc to close the new template", || {
        Ok((!app.has("template-editor")? && app.has("home")?).then_some(()))
    })?;

    app.click("nav-history")?;
    app.wait_testid("history-session", UI_TIMEOUT)?;
    audit.screen("history")?;
    app.click("history-record-toggle")?;
    app.wait_testid("history-record-phase", UI_TIMEOUT)?;
    audit.screen("history-record")?;
    app.click("history-tab-statistics")?;
    app.wait_testid("stats-heatmap", UI_TIMEOUT)?;
    audit.screen("statistics")?;
    // This week's review: the session's partly and not-done commitments, each with its toggle.
    app.click("history-tab-review")?;
    app.wait_testid("review-not-done", UI_TIMEOUT)?;
    audit.screen("review")?;
    app.click("history-tab-timeline")?;

    // The week with a weekday block and a routine, and the block form with its rule in words.
    app.click("nav-schedule")?;
    app.wait_testid("schedule", UI_TIMEOUT)?;
    let today = chrono::Utc::now().date_naive();
    let weekdays = json!({ "first": today, "repeat": { "every": "weeks", "interval": 1,
        "days": ["mo", "tu", "we", "th", "fr"] }, "ends": { "ends": "never" } });
    app.invoke(
        "save_block",
        json!({ "id": null, "draft": { "title": texts.now[0], "templateId": null,
        "recurrence": weekdays, "startMinute": 540, "lengthMinutes": 240, "expectedMinutes": null,
        "remindMinutes": 10 } }),
    )?;
    app.invoke(
        "save_routine",
        json!({ "id": null, "draft": { "title": texts.now[1], "tag": null,
        "recurrence": { "first": today, "repeat": { "every": "days", "interval": 1 }, "ends": { "ends": "never" } },
        "steps": [], "estimateMinutes": null } }),
    )?;
    app.wait_testid("block-item", UI_TIMEOUT)?;
    audit.screen("schedule")?;
    app.click("block-new")?;
    app.wait_testid("block-words", UI_TIMEOUT)?;
    audit.screen("block-form")?;
    // Saved from the form, the block is listed (and removed again: the tour goes on with one);
    // Esc leaves the routine form without saving.
    app.type_into("block-title", "E2E")?;
    wait_for(UI_TIMEOUT, "Save allowed once Rust accepts the rule", || {
        Ok(app
            .session
            .execute("return !document.querySelector('[data-testid=block-save]').disabled;", vec![])?
            .as_bool()
            .filter(|&enabled| enabled))
    })?;
    app.click("block-save")?;
    wait_for(UI_TIMEOUT, "the block saved from its form", || {
        Ok((!app.has("block-form")? && app.count("block-item")? == 2).then_some(()))
    })?;
    let week = app.invoke("schedule", json!({ "from": today, "days": 1 }))?;
    let saved =
        week["blocks"].as_array().into_iter().flatten().find(|b| b["title"] == "E2E").context("the saved block")?;
    app.invoke("delete_block", json!({ "id": saved["id"] }))?;
    wait_for(UI_TIMEOUT, "one block again", || Ok((app.count("block-item")? == 1).then_some(())))?;
    app.click("routine-new")?;
    app.wait_testid("routine-form", UI_TIMEOUT)?;
    app.type_into("routine-title", "E2E")?;
    app.session.press_key(keys::ESCAPE)?;
    wait_for(UI_TIMEOUT, "Esc to close the routine form", || {
        Ok((!app.has("routine-form")? && app.count("routine-item")? == 1).then_some(()))
    })?;

    app.click("nav-settings")?;
    app.wait_testid("settings", UI_TIMEOUT)?;
    app.wait_testid("sleep-mode-keep_wall_clock", UI_TIMEOUT)?;
    audit.screen("settings")?;

    // A session by keyboard: Enter on the focused start button, Enter in the commitment field.
    app.click("nav-home")?;
    focus(app, &format!("start-template-{TEMPLATE}"))?;
    app.session.press_key(keys::ENTER)?;
    app.wait_testid("commitment-round", UI_TIMEOUT).context("Enter on a focused start button should start")?;
    for (i, text) in texts.now.iter().enumerate() {
        let input = app.wait_testid("commitment-input", UI_TIMEOUT)?;
        app.session.send_keys(&input, &format!("{text}{}", keys::ENTER))?;
        wait_for(UI_TIMEOUT, &format!("Enter in the commitment field to add commitment {}", i + 1), || {
            Ok((app.count("commitment-item")? == i + 1).then_some(()))
        })?;
    }
    wait_for(UI_TIMEOUT, "the carried-over suggestions", || Ok(app.session.find("#carry-title")?.map(|_| ())))?;
    audit.screen("commitment-round")?;

    // The same round in its compact window; Ctrl+Enter there starts focus.
    compact_commitment(app, audit, texts)?;
    wait_phase(app, "focus")?;
    audit.screen("focus")?;

    // Pausing with a note: Enter in the note field pauses.
    let note = app.session.find("#pause-note")?.context("the pause note field should be on the focus screen")?;
    app.session.send_keys(&note, &format!("{}{}", texts.left_off, keys::ENTER))?;
    app.wait_testid("resume", UI_TIMEOUT).context("Enter in the pause note field should pause")?;
    app.wait_testid("pause-note", UI_TIMEOUT)?;
    audit.screen("paused")?;

    app.click("resume")?;
    app.wait_testid("pause", UI_TIMEOUT)?;
    app.click("skip")?;
    wait_phase(app, "break")?;
    audit.screen("break")?;

    app.click("skip")?;
    wait_phase(app, "focus")?;
    app.click("skip")?;
    app.wait_testid("closing-round", UI_TIMEOUT)?;
    compact_closing(app, audit)?;
    app.wait_testid("closing-round", UI_TIMEOUT)?;
    // Space on a focused radio chooses it.
    focus(app, "outcome-0-done")?;
    app.session.press_key(keys::SPACE)?;
    wait_for(UI_TIMEOUT, "Space to choose the outcome done", || {
        let checked = app
            .session
            .execute("return document.querySelector('[data-testid=\"outcome-0-done\"]').checked;", vec![])?;
        Ok((checked == json!(true)).then_some(()))
    })?;
    audit.screen("closing-round")?;

    // Saving with an outcome missing is refused, with the messages next to the controls.
    focus(app, "closing-save")?;
    app.session.press_key(keys::ENTER)?;
    wait_for(UI_TIMEOUT, "the closing round to refuse a missing outcome", || {
        Ok(app.session.find("#closing-error")?.map(|_| ()))
    })?;
    audit.screen("closing-round-refused")?;
    focus(app, "outcome-1-partly")?;
    app.session.press_key(keys::SPACE)?;
    focus(app, "closing-save")?;
    app.session.press_key(keys::ENTER)?;
    wait_for(UI_TIMEOUT, "the home screen after saving the closing round", || {
        Ok((app.has("home")? && !app.has("closing-round")?).then_some(()))
    })?;
    audit.screen("home-after-session")?;
    Ok(())
}

/// The compact commitment window's page (`index.html?view=commitment`), loaded in this window
/// at that window's size: checked like every screen, then its keys — Enter in the field adds
/// (the extra commitment is removed again), Ctrl+Enter starts focus. Back to the main page.
fn compact_commitment(app: &App, audit: &mut Audit, texts: &Texts) -> Result<()> {
    a11y::open_page(app, "index.html?view=commitment")?;
    app.wait_testid("compact-commitment", UI_TIMEOUT)?;
    app.wait_testid("commitment-round", UI_TIMEOUT)
        .context("the compact commitment page should show the round the session is in")?;
    wait_for(UI_TIMEOUT, "the commitments and carried-over suggestions in the compact page", || {
        Ok((app.count("commitment-item")? == texts.now.len() && app.session.find("#carry-title")?.is_some())
            .then_some(()))
    })?;
    let focused = app.session.execute("return document.activeElement && document.activeElement.id;", vec![])?;
    ensure!(
        focused == json!("commitment-input"),
        "the compact commitment page should open with the keyboard in the commitment field, not in {focused}"
    );
    audit.compact_screen("compact-commitment", COMPACT_COMMITMENT)?;

    let input = app.wait_testid("commitment-input", UI_TIMEOUT)?;
    app.session.send_keys(&input, &format!("{}{}", texts.extra, keys::ENTER))?;
    let all = texts.now.len() + 1;
    wait_for(UI_TIMEOUT, "Enter in the compact commitment field to add a commitment", || {
        Ok((app.count("commitment-item")? == all).then_some(()))
    })?;
    // Removed by keyboard: Enter on its focused remove button.
    let removed = app.session.execute(
        "const el = document.querySelector(arguments[0]); el && el.focus(); return document.activeElement === el;",
        vec![json!(format!("[data-testid=\"commitment-item\"]:nth-child({all}) .actions .danger"))],
    )?;
    ensure!(removed == json!(true), "the added commitment's remove button should take the focus");
    app.session.press_key(keys::ENTER)?;
    wait_for(UI_TIMEOUT, "the extra commitment to be removed", || {
        Ok((app.count("commitment-item")? == texts.now.len()).then_some(()))
    })?;

    focus(app, "commitment-input")?;
    app.session.press_chord(keys::CONTROL, keys::ENTER)?;
    wait_for(UI_TIMEOUT, "Ctrl+Enter in the compact commitment page to start focus", || {
        let session = app.invoke("current_session", json!({}))?;
        Ok((session["phase"]["kind"] == json!("focus")).then_some(()))
    })?;
    app.wait_testid("compact-commitment", UI_TIMEOUT)?;
    wait_for(UI_TIMEOUT, "the compact page to say the round is over", || {
        Ok((!app.has("commitment-round")?).then_some(()))
    })?;
    leave_compact(app)
}

/// The compact closing window's page, loaded in this window at that window's size: checked
/// like every screen; Ctrl+Enter saves (refused here: no outcome chosen yet), checked again
/// with the refusal; Esc hides the window (shown again over IPC). Back to the main page.
fn compact_closing(app: &App, audit: &mut Audit) -> Result<()> {
    a11y::open_page(app, "index.html?view=closing")?;
    app.wait_testid("compact-closing", UI_TIMEOUT)?;
    app.wait_testid("closing-round", UI_TIMEOUT)
        .context("the compact closing page should show the round the session is in")?;
    let focused =
        app.session.execute("return document.activeElement && document.activeElement.dataset.testid;", vec![])?;
    ensure!(
        focused == json!("outcome-0-done"),
        "the compact closing page should open with the keyboard on the first outcome, not on {focused}"
    );
    audit.compact_screen("compact-closing", COMPACT_CLOSING)?;

    focus(app, "overall-note")?;
    app.session.press_chord(keys::CONTROL, keys::ENTER)?;
    wait_for(UI_TIMEOUT, "Ctrl+Enter in the compact closing page to save (refused: no outcomes)", || {
        Ok(app.session.find("#closing-error")?.map(|_| ()))
    })?;
    audit.compact_screen("compact-closing-refused", COMPACT_CLOSING)?;

    // Esc hides the window it is in (a compact window; here the main window, shown again).
    app.session.execute("document.activeElement && document.activeElement.blur(); return null;", vec![])?;
    app.session.press_key(keys::ESCAPE)?;
    app.wait_visibility("hidden").context("Esc in a compact page should hide its window")?;
    app.invoke("plugin:window|show", json!({ "label": "main" }))?;
    app.wait_visibility("visible")?;
    leave_compact(app)
}

/// Back to the main page at the main window's size.
fn leave_compact(app: &App) -> Result<()> {
    a11y::open_page(app, "index.html")?;
    a11y::resize(app, WINDOW.0, WINDOW.1)
}

/// The checks find what they are there to find: broken controls put into the page for a
/// moment are reported, each by the check meant for it (so a check that silently stopped
/// working fails this test instead of passing every screen).
fn checks_can_fail(app: &App, audit: &Audit) -> Result<()> {
    app.session.execute(
        "const bad = document.createElement('div'); bad.id = 'a11y-broken'; \
         bad.innerHTML = '<button type=\"button\"></button>' \
           + '<p style=\"color:#9a9a9a;background:#ababab\">faint text</p>' \
           + '<div tabindex=\"0\" style=\"outline:none\">a focusable div</div>' \
           + '<button type=\"button\" tabindex=\"-1\">an untabbable button</button>' \
           + '<button type=\"button\" style=\"outline:2px solid rgb(250,250,250)\">a faint ring</button>' \
           + '<label><input type=\"radio\" name=\"a11y-broken\" aria-label=\"a hidden radio\" \
                 style=\"opacity:0;position:absolute\">a pill</label>' \
           + '<p style=\"width:40px;overflow:hidden;white-space:nowrap\">Umsatzsteuervoranmeldung</p>' \
           + '<input aria-label=\"a faint field\" style=\"border:1px solid rgb(250,250,250)\">' \
           + '<div style=\"position:relative\"><button type=\"button\">a covered button</button> \
                 <div style=\"position:absolute;inset:0;background:#f5f6f3\"></div></div>'; \
         document.querySelector('main').prepend(bad); return null;",
        vec![],
    )?;
    let violations = a11y::run_axe(app, &audit.axe)?;
    let keyboard = a11y::check_keyboard(app)?;
    let overflow = a11y::check_overflow(app)?;
    let fields = a11y::check_field_contrast(app)?;
    // Without the app's stylesheets, the reduced-motion rule is missing.
    app.session.execute("for (const s of document.styleSheets) s.disabled = true; return null;", vec![])?;
    let reset_without_styles = a11y::has_reduced_motion_reset(app)?;
    app.session.execute("for (const s of document.styleSheets) s.disabled = false; return null;", vec![])?;
    ensure!(!reset_without_styles, "the reduced-motion check should find no rule when the stylesheets are off");
    app.session.execute("document.getElementById('a11y-broken').remove(); return null;", vec![])?;
    let rules: Vec<&str> = violations.iter().filter(|v| v.fails()).map(|v| v.rule.as_str()).collect();
    for rule in ["button-name", "color-contrast"] {
        ensure!(rules.contains(&rule), "axe should report {rule} for the broken sample; it reported {violations:#?}");
    }
    let focusable_div = |p: &&String| p.contains("a focusable div");
    ensure!(
        keyboard.problems.iter().filter(focusable_div).count() == 2,
        "the keyboard check should report the focusable div twice (no role, no focus indicator): {keyboard:#?}"
    );
    ensure!(
        keyboard.problems.iter().any(|p| p.contains("a hidden radio") && p.contains("no visible focus")),
        "the keyboard check should report the hidden radio without a focus indicator: {keyboard:#?}"
    );
    ensure!(
        keyboard.problems.iter().any(|p| p.contains("an untabbable button") && p.contains("tab order")),
        "the keyboard check should report the button taken out of the tab order: {keyboard:#?}"
    );
    ensure!(
        keyboard.problems.iter().any(|p| p.contains("a faint ring") && p.contains("focus ring")),
        "the keyboard check should report the faint focus ring: {keyboard:#?}"
    );
    ensure!(
        keyboard.problems.iter().any(|p| p.contains("a covered button") && p.contains("hidden under")),
        "the keyboard check should report the button hidden under another element: {keyboard:#?}"
    );
    ensure!(
        fields.iter().any(|p| p.contains("a faint field")),
        "the field contrast check should report the faint field: {fields:#?}"
    );
    ensure!(
        overflow.iter().any(|p| p.contains("Umsatzsteuervoranmeldung")),
        "the layout check should report the clipped word: {overflow:#?}"
    );
    Ok(())
}

/// A finished session over IPC, so that the history has one and the commitment round has
/// two carried-over suggestions (one commitment partly done, one not done).
fn finished_session(app: &App, template_id: &str, texts: &Texts) -> Result<()> {
    app.invoke("start_session", json!({ "templateId": template_id }))?;
    let mut view = Value::Null;
    for (i, text) in texts.earlier.iter().enumerate() {
        let tag = (i != 1).then_some(texts.tag);
        view = app.invoke("add_commitment", json!({ "draft": { "text": text, "tag": tag, "estimateMinutes": 30 } }))?;
    }
    for _ in 0..PLAN.len() {
        if view["phase"]["kind"] == json!("closing") {
            break;
        }
        view = app.invoke("skip_phase", json!({}))?;
    }
    ensure!(view["phase"]["kind"] == json!("closing"), "skipping should reach the closing round: {view}");
    let ids: Vec<Value> =
        view["commitments"].as_array().map(|c| c.iter().map(|c| c["id"].clone()).collect()).unwrap_or_default();
    let [done, partly, not_done] = ids.as_slice() else { bail!("three commitments expected: {view}") };
    app.invoke(
        "close_session",
        json!({ "report": {
            "outcomes": [
                { "commitmentId": done, "outcome": "done", "note": texts.note, "feedbackWanted": true },
                { "commitmentId": partly, "outcome": "partly", "note": null, "feedbackWanted": false },
                { "commitmentId": not_done, "outcome": "not_done", "note": null, "feedbackWanted": false },
            ],
            "overallNote": texts.note,
            "focusRating": 4,
        } }),
    )?;
    Ok(())
}

/// Gives the keyboard focus to a control, as Tab would have.
fn focus(app: &App, testid: &str) -> Result<()> {
    app.wait_testid(testid, UI_TIMEOUT)?;
    let focused = app.session.execute(
        "const el = document.querySelector(arguments[0]); el.focus(); return document.activeElement === el;",
        vec![json!(format!("[data-testid=\"{testid}\"]"))],
    )?;
    ensure!(focused == json!(true), "[data-testid={testid}] should take the focus");
    Ok(())
}

fn wait_phase(app: &App, kind: &str) -> Result<()> {
    wait_for(UI_TIMEOUT, &format!("the {kind} phase on screen"), || {
        Ok((app.shown_phase()?.as_deref() == Some(kind)).then_some(()))
    })
}

/// The checks of one test run and everything they found.
struct Audit<'a> {
    app: &'a App,
    lang: &'a str,
    axe: String,
    screens: std::path::PathBuf,
    count: usize,
    findings: Vec<String>,
}

impl Audit<'_> {
    /// Checks the screen on show in both themes, and saves a picture of it in each; then at the
    /// main window's smallest width.
    fn screen(&mut self, name: &str) -> Result<()> {
        self.count += 1;
        self.themes(name)?;
        // The narrowest window the app allows (tauri.conf.json minWidth): long words must
        // still fit.
        a11y::set_theme(self.app, THEMES[0])?;
        a11y::resize(self.app, NARROW.0, NARROW.1)?;
        self.narrow(name)?;
        a11y::resize(self.app, WINDOW.0, WINDOW.1)
    }

    /// Checks a compact ritual window's page (loaded in this window) at that window's size in
    /// both themes, and laid out at its smallest width (see [`a11y::set_layout_width`]).
    fn compact_screen(&mut self, name: &str, size: (u32, u32)) -> Result<()> {
        self.count += 1;
        a11y::resize(self.app, size.0, size.1)?;
        self.themes(name)?;
        a11y::set_theme(self.app, THEMES[0])?;
        a11y::resize(self.app, NARROW.0, size.1)?;
        a11y::set_layout_width(self.app, Some(COMPACT_MIN_WIDTH))?;
        let narrow = self.narrow(name);
        a11y::set_layout_width(self.app, None)?;
        narrow?;
        a11y::resize(self.app, size.0, size.1)
    }

    fn narrow(&mut self, name: &str) -> Result<()> {
        a11y::save_page(self.app, &self.screens, &format!("{:02}-{name}-narrow", self.count))?;
        for problem in a11y::check_overflow(self.app)? {
            self.findings.push(format!("{} · narrow · {name}: layout: {problem}", self.lang));
        }
        Ok(())
    }

    /// Everything in each theme, except the walk with Tab: its order and reach do not change
    /// with the colours, so the later themes check only how the focus shows.
    fn themes(&mut self, name: &str) -> Result<()> {
        let mut walk: Option<a11y::KeyboardReport> = None;
        for theme in THEMES {
            a11y::set_theme(self.app, theme)?;
            let files = a11y::save_page(self.app, &self.screens, &format!("{:02}-{name}-{theme}", self.count))?;
            let place = format!("{} · {theme} · {name}", self.lang);
            let started = std::time::Instant::now();
            let violations = a11y::run_axe(self.app, &self.axe)?;
            let axe_secs = started.elapsed().as_secs_f64();
            let started = std::time::Instant::now();
            for v in &violations {
                if v.fails() {
                    self.findings.push(format!("{place}: axe {v}"));
                } else {
                    eprintln!("note ({place}): axe {v}");
                }
            }
            let problems = match &walk {
                None => {
                    let report = a11y::check_keyboard(self.app)?;
                    let problems = report.problems.clone();
                    walk = Some(report);
                    problems
                }
                Some(report) => a11y::check_focus_indicators(self.app, report)?,
            };
            for problem in &problems {
                self.findings.push(format!("{place}: keyboard: {problem}"));
            }
            let keyboard = walk.as_ref().context("the walk ran in the first theme")?;
            let keyboard_secs = started.elapsed().as_secs_f64();
            for problem in a11y::check_overflow(self.app)? {
                self.findings.push(format!("{place}: layout: {problem}"));
            }
            for problem in a11y::check_field_contrast(self.app)? {
                self.findings.push(format!("{place}: contrast: {problem}"));
            }
            eprintln!(
                "checked {place}: {} axe violation(s) ({axe_secs:.1} s), Tab stopped {} times for {} controls \
                 ({keyboard_secs:.1} s); pictures {files:?}",
                violations.len(),
                keyboard.stops,
                keyboard.controls
            );
        }
        Ok(())
    }

    fn verdict(self) -> Result<()> {
        if self.findings.is_empty() {
            eprintln!("{} screens checked in {} themes: no accessibility problem", self.count, THEMES.len());
            return Ok(());
        }
        bail!(
            "{} accessibility problem(s) on {} screens; each says where (language · theme · screen), which \
             rule, which element, and how to fix it:\n  - {}",
            self.findings.len(),
            self.count,
            self.findings.join("\n  - ")
        )
    }
}
