//! The chime at a phase change, heard through a real ALSA output: the app's `HOME` holds an
//! `.asoundrc` whose default device is ALSA's `file` plugin, so what the app plays lands in a
//! file (on a `null` device that takes samples as fast as they come: the file is large and
//! holds mostly silence around the chime). The "sound" setting off: nothing is played.

use std::path::Path;
use std::time::Duration;

use anyhow::{Context, Result, ensure};
use serde_json::json;
use worktogether_e2e::app::{STARTUP_TIMEOUT, UI_TIMEOUT};
use worktogether_e2e::{App, TestCtx, wait_for};

/// Whether the recording holds anything but silence (any non-zero byte).
fn heard(recording: &Path) -> Result<bool> {
    let bytes = std::fs::read(recording).with_context(|| format!("reading {}", recording.display()))?;
    Ok(bytes.iter().any(|b| *b != 0))
}

#[test]
#[ignore = "needs the display, bus and notification server of `make e2e`"]
fn a_phase_change_chimes_unless_the_sound_is_off() -> Result<()> {
    let ctx = TestCtx::new("sound")?;
    let data_dir = ctx.data_dir()?;
    let home = ctx.home()?;
    let recording = ctx.dir.join("chime.raw");
    std::fs::write(
        Path::new(&home).join(".asoundrc"),
        format!(
            "pcm.!default {{\n  type file\n  slave.pcm \"null\"\n  file \"{}\"\n  format \"raw\"\n}}\n",
            recording.display()
        ),
    )?;
    let app = App::launch_with_env(&ctx, &data_dir, "app", &[("HOME", home.as_str())])?;
    let result = run(&app, &recording);
    // The recording is large and says nothing a person could look at.
    let _ = std::fs::remove_file(&recording);
    result
}

fn run(app: &App, recording: &Path) -> Result<()> {
    app.wait_testid("home", STARTUP_TIMEOUT)?;
    let id = app.save_template(
        "Sound",
        &[("commitment", 600), ("focus", 600), ("break", 600), ("focus", 600), ("closing", 600)],
    )?;
    app.invoke("start_session", json!({ "templateId": id }))?;
    ensure!(!recording.exists(), "starting a session is no phase change: nothing is played");

    app.invoke("skip_phase", json!({}))?;
    wait_for(UI_TIMEOUT, "the chime in the recording", || Ok(heard(recording).unwrap_or(false).then_some(())))?;

    app.invoke("change_setting", json!({ "change": { "sound": false } }))?;
    // Let the chime's output close, then start a fresh recording.
    std::thread::sleep(Duration::from_secs(2));
    std::fs::remove_file(recording)?;
    app.invoke("skip_phase", json!({}))?;
    std::thread::sleep(Duration::from_secs(3));
    ensure!(!recording.exists() || !heard(recording)?, "with the sound off a phase change is silent");
    Ok(())
}
