//! Accessibility checks of the screen the app shows right now, in the real WebKit window:
//! axe-core's rules (its browser build injected with Execute Script), the keyboard (Tab reaches
//! every control, a focused control looks different, its ring stands out, nothing covers it),
//! the contrast of field edges, text that overflows its box, the reduced-motion rule in the
//! loaded CSS, and pictures of the page. tests/accessibility.rs runs them on every screen in both themes.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail, ensure};
use base64::Engine as _;
use serde_json::{Value, json};

use crate::App;
use crate::webdriver::keys;

/// The colour themes of the UI (`data-theme` on `<html>`, see ui/src/lib/theme.ts).
pub const THEMES: [&str; 2] = ["light", "dark"];

/// axe-core's impacts that fail the test; `minor` and `moderate` are printed only.
const FAILING_IMPACTS: [&str; 2] = ["serious", "critical"];

/// axe-core's browser build, installed into ui/node_modules by `npm ci` (a devDependency of ui/).
pub fn axe_source() -> Result<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/node_modules/axe-core/axe.min.js");
    std::fs::read_to_string(&path)
        .with_context(|| format!("reading {} (run `make deps`, which runs `npm ci` in ui/)", path.display()))
}

/// One axe-core rule broken on the page, with every element that breaks it.
#[derive(Debug, Clone)]
pub struct Violation {
    pub rule: String,
    pub impact: String,
    pub help: String,
    pub help_url: String,
    /// (CSS selector of the element, what is wrong with it)
    pub nodes: Vec<(String, String)>,
}

impl Violation {
    pub fn fails(&self) -> bool {
        FAILING_IMPACTS.contains(&self.impact.as_str())
    }
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "[{}] {}: {} ({})", self.impact, self.rule, self.help, self.help_url)?;
        for (target, summary) in &self.nodes {
            write!(f, "\n      at {target}: {}", summary.replace('\n', " "))?;
        }
        Ok(())
    }
}

/// Resizes the window and waits until the page has its new width.
pub fn resize(app: &App, width: u32, height: u32) -> Result<()> {
    app.session.set_window_size(width, height)?;
    crate::wait_for(crate::app::UI_TIMEOUT, &format!("the page to be {width} px wide"), || {
        let outer = app.session.execute("return window.outerWidth;", vec![])?;
        Ok((outer.as_u64() == Some(u64::from(width))).then_some(()))
    })?;
    settle(app)
}

/// Loads another page of the app's own origin in the window (`index.html?view=commitment`, the
/// page of a compact ritual window, or `index.html` again) and waits until it has loaded with
/// Tauri's IPC. WebDriver drives only the main window; its webview shows any page of the UI.
pub fn open_page(app: &App, page: &str) -> Result<()> {
    let url = app.session.execute("return new URL(arguments[0], location.href).href;", vec![json!(page)])?;
    let url = url.as_str().context("the page's URL")?;
    app.session.navigate(url).with_context(|| format!("loading {url}"))?;
    crate::wait_for(crate::app::UI_TIMEOUT, &format!("{url} to be the page"), || {
        let now = app.session.execute("return location.href;", vec![])?;
        Ok((now.as_str() == Some(url)).then_some(()))
    })?;
    app.wait_until_loaded()
}

/// Lays the page out `width` px wide inside a wider window (`None`: as wide as the window),
/// by the width of the root element. The compact windows may be 360 px narrow, but the main
/// window, the only one WebDriver drives, not below 420 px. This stands in for the narrower
/// window only where no media query and no viewport unit (`vw`) applies: the compact page.
pub fn set_layout_width(app: &App, width: Option<u32>) -> Result<()> {
    app.session.execute(
        "document.documentElement.style.width = arguments[0] === null ? '' : `${arguments[0]}px`; return null;",
        vec![json!(width)],
    )?;
    settle(app)
}

/// Sets the colour theme as the theme setting will, and waits until the page has been drawn
/// with it.
pub fn set_theme(app: &App, theme: &str) -> Result<()> {
    app.session.execute("document.documentElement.dataset.theme = arguments[0]; return null;", vec![json!(theme)])?;
    settle(app)
}

/// Waits for two animation frames: styles are recomputed and the page drawn.
pub fn settle(app: &App) -> Result<()> {
    app.session
        .execute_async(
            "const done = arguments[arguments.length - 1]; \
             requestAnimationFrame(() => requestAnimationFrame(() => done(null)));",
            vec![],
        )
        .map(drop)
}

/// Runs axe-core on the whole document (injecting it first when the page has no `axe` yet:
/// a reload loses it) and returns every violation, whatever its impact.
pub fn run_axe(app: &App, axe_source: &str) -> Result<Vec<Violation>> {
    let present = app.session.execute("return typeof window.axe === 'object';", vec![])?;
    if present != json!(true) {
        let script = format!("{axe_source}\n;return typeof window.axe;");
        let kind = app.session.execute(&script, vec![]).context("injecting axe-core")?;
        ensure!(kind == json!("object"), "axe-core did not define window.axe (typeof gave {kind})");
    }
    let answer = app
        .session
        .execute_async(
            "const done = arguments[arguments.length - 1]; \
             window.axe.run(document, { resultTypes: ['violations'] }).then( \
               (r) => done({ ok: r.violations.map((v) => ({ \
                 rule: v.id, impact: v.impact || 'unknown', help: v.help, helpUrl: v.helpUrl, \
                 nodes: v.nodes.map((n) => [n.target.join(' '), n.failureSummary || n.html]) })) }), \
               (e) => done({ err: String(e) }));",
            vec![],
        )
        .context("running axe-core")?;
    if let Some(err) = answer.get("err") {
        bail!("axe.run failed: {err}");
    }
    let list = answer.get("ok").and_then(Value::as_array).context("axe.run answered without violations")?;
    Ok(list
        .iter()
        .map(|v| Violation {
            rule: text(&v["rule"]),
            impact: text(&v["impact"]),
            help: text(&v["help"]),
            help_url: text(&v["helpUrl"]),
            nodes: v["nodes"]
                .as_array()
                .map(|nodes| nodes.iter().map(|n| (text(&n[0]), text(&n[1]))).collect())
                .unwrap_or_default(),
        })
        .collect())
}

fn text(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_owned()
}

/// The page's helpers for the checks, defined once per document.
const PAGE_HELPERS: &str = "
if (!window.__a11y) window.__a11y = {
  describe(el) {
    const id = el.dataset.testid ? `[data-testid=${el.dataset.testid}]` : el.id ? `#${el.id}` : '';
    const name = (el.getAttribute('aria-label') || el.innerText || el.placeholder || el.value || '').trim();
    return `${el.tagName.toLowerCase()}${id} \"${name.replace(/\\s+/g, ' ').slice(0, 50)}\"`;
  },
  rgba(c) { return (c.match(/[0-9.]+/g) || []).map(Number); },
  // WCAG's contrast ratio of two colours given as [r, g, b]
  ratio(a, b) {
    const lum = ([r, g, bl]) => [r, g, bl].map((v) => {
      v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    }).reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
    const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
    return (x + 0.05) / (y + 0.05);
  },
  // the first opaque background behind an element (its parents')
  behind(el) {
    for (let e = el.parentElement; e; e = e.parentElement) {
      const c = __a11y.rgba(getComputedStyle(e).backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3] > 0)) return c;
    }
    return [255, 255, 255];
  },
  // What a focus indicator may change: outline, shadow, border, background, text colour, underline.
  look(el) {
    const s = getComputedStyle(el);
    const outline = s.outlineStyle === 'none' || parseFloat(s.outlineWidth) === 0
      ? 'none' : `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor} ${s.outlineOffset}`;
    return [outline, s.boxShadow, s.borderTopColor, s.borderBottomColor, s.backgroundColor, s.color,
      s.textDecorationLine].join(' | ');
  },
  // The control's look, and that of its label and next sibling, which may carry the indicator
  // (a radio drawn as a pill or a dot). An invisible control's own look does not count.
  style(el) {
    const s = getComputedStyle(el);
    const r = el.getBoundingClientRect();
    const seen = parseFloat(s.opacity) > 0 && r.width > 2 && r.height > 2;
    const label = el.closest('label');
    return [seen ? __a11y.look(el) : 'unseen', label && label !== el ? __a11y.look(label) : '-',
      el.nextElementSibling ? __a11y.look(el.nextElementSibling) : '-'].join(' || ');
  },
  // A focused control: which one (its mark from the walk), how it looks, its focus ring's
  // contrast, and what is drawn over it.
  focused(el) {
    const i = el.getAttribute('data-a11y-i');
    // an outline ring sits on what is behind the control: it needs 3:1 there (WCAG 1.4.11)
    const s = getComputedStyle(el);
    const ring = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0 && parseFloat(s.opacity) > 0
      ? __a11y.ratio(__a11y.rgba(s.outlineColor), __a11y.behind(el)) : null;
    // what is drawn at the middle of the focused control: it, or something over it
    // (a sticky header or footer the page did not scroll it clear of)
    const r = el.getBoundingClientRect();
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    const label = el.closest('label');
    const covered = hit && !el.contains(hit) && !(label && label.contains(hit)) ? __a11y.describe(hit) : null;
    return { index: i === null ? null : Number(i), name: __a11y.describe(el), style: __a11y.style(el), ring, covered };
  },
  // How each marked control looks without the focus.
  blurred() {
    document.activeElement && document.activeElement.blur();
    document.getElementById('a11y-tab-start')?.remove();
    return Object.fromEntries(Array.from(document.querySelectorAll('[data-a11y-i]'),
      (el) => [el.getAttribute('data-a11y-i'), __a11y.style(el)]));
  },
};
";

/// One control that Tab focused, and how it looked then.
#[derive(Debug)]
struct Stop {
    index: Option<u64>,
    name: String,
    style: String,
    /// the contrast of its focus ring (an outline) against what is behind it
    ring: Option<f64>,
    /// what is drawn over it, hiding it from sight while it has the focus
    covered: Option<String>,
}

impl Stop {
    /// From `__a11y.focused`'s answer.
    fn from_page(v: &Value) -> Self {
        Self {
            index: v["index"].as_u64(),
            name: text(&v["name"]),
            style: text(&v["style"]),
            ring: v["ring"].as_f64(),
            covered: v["covered"].as_str().map(str::to_owned),
        }
    }
}

/// What the walk with Tab found.
#[derive(Debug)]
pub struct KeyboardReport {
    /// controls on the page that Tab should reach
    pub controls: usize,
    /// how many stops Tab made before it left the page or came round again
    pub stops: usize,
    /// the marks (`data-a11y-i`) of the controls Tab reached, in its order
    pub reached: Vec<u64>,
    pub problems: Vec<String>,
}

/// Walks the page with Tab from its start to its end and reports what is wrong: a control
/// Tab never reaches (of a radio group, one member must be reached: arrows move within it),
/// a control that looks the same focused and unfocused, a control reached that is not a
/// native one and has no role, a focused control hidden under something else.
pub fn check_keyboard(app: &App) -> Result<KeyboardReport> {
    let prepared = app.session.execute(
        &format!(
            "{PAGE_HELPERS}
            document.querySelectorAll('[data-a11y-i]').forEach((el) => el.removeAttribute('data-a11y-i'));
            const candidates = document.querySelectorAll(
              'a[href], button, input, select, textarea, summary, iframe, [tabindex], [contenteditable=\"true\"]');
            const out = [];
            const composite = '[role=toolbar], [role=listbox], [role=menu], [role=menubar], [role=grid], \
              [role=tablist], [role=radiogroup], [role=tree]';
            for (const el of candidates) {{
              if (el.disabled || el.closest('[inert]') || el.type === 'hidden') continue;
              const s = getComputedStyle(el);
              if (!el.getClientRects().length || s.visibility !== 'visible') continue;
              // A control taken out of the tab order is out of the keyboard's reach, unless a
              // composite widget moves the focus inside itself (arrow keys).
              const native = el.matches('a[href], button, input, select, textarea, summary');
              if (el.tabIndex < 0) {{
                if (native && el.type !== 'radio' && !el.closest(composite)) out.push({{
                  name: __a11y.describe(el), group: null, native, role: el.getAttribute('role'), untabbable: true }});
                continue;
              }}
              const group = el.type === 'radio' && el.name ? `radio:${{el.name}}` : null;
              el.setAttribute('data-a11y-i', String(out.length));
              // Tab stops on a date field's day, month and year in turn (WebKit).
              const stops = el.matches('input[type=date]') ? 3 : 1;
              out.push({{ name: __a11y.describe(el), group, native, role: el.getAttribute('role'), stops }});
            }}
            // Start before everything: a focusable marker that Tab itself never visits.
            const start = document.createElement('span');
            start.id = 'a11y-tab-start';
            start.tabIndex = -1;
            document.body.prepend(start);
            start.focus();
            return out;"
        ),
        vec![],
    )?;
    let controls = prepared.as_array().cloned().unwrap_or_default();

    let mut stops: Vec<Stop> = Vec::new();
    let mut problems = Vec::new();
    let tab_stops: u64 = controls.iter().map(|c| c["stops"].as_u64().unwrap_or(1)).sum();
    for _ in 0..tab_stops + 5 {
        app.session.press_key(keys::TAB)?;
        let now = app.session.execute(
            &format!(
                "{PAGE_HELPERS}
                const el = document.activeElement;
                if (!el || el === document.body || el.id === 'a11y-tab-start') return null;
                return __a11y.focused(el);"
            ),
            vec![],
        )?;
        if now.is_null() {
            break; // Tab left the page
        }
        let stop = Stop::from_page(&now);
        // The same control again right away: Tab moved within it (a date field's parts).
        if stop.index.is_some() && stops.last().is_some_and(|s| s.index == stop.index) {
            continue;
        }
        if stop.index.is_some() && stops.iter().any(|s| s.index == stop.index) {
            break; // round again to the start
        }
        stops.push(stop);
    }

    let blurred = app.session.execute(&format!("{PAGE_HELPERS} return __a11y.blurred();"), vec![])?;
    let reached: BTreeSet<u64> = stops.iter().filter_map(|s| s.index).collect();
    let reached_groups: BTreeSet<&str> =
        reached.iter().filter_map(|i| controls.get(usize::try_from(*i).ok()?)?["group"].as_str()).collect();
    for (i, control) in controls.iter().enumerate() {
        let name = text(&control["name"]);
        let index = u64::try_from(i)?;
        let in_group = control["group"].as_str().is_some_and(|g| reached_groups.contains(g));
        if control["untabbable"] == json!(true) {
            problems.push(format!("{name} is taken out of the tab order (tabindex=-1): no keyboard reaches it"));
        } else if !reached.contains(&index) && !in_group {
            problems.push(format!("Tab never reaches {name}"));
        }
        if reached.contains(&index) && control["native"] != json!(true) && control["role"].is_null() {
            problems.push(format!("{name} takes the focus but is no native control and has no role"));
        }
    }
    problems.extend(focus_problems(&stops, &blurred));
    if stops.is_empty() && !controls.is_empty() {
        problems.push(format!("Tab reached nothing of the {} controls on the page", controls.len()));
    }
    let reached = stops.iter().filter_map(|s| s.index).collect();
    Ok(KeyboardReport { controls: controls.len(), stops: stops.len(), reached, problems })
}

/// The focus indicators again, after a change of theme, without a second walk (Tab order and
/// reach do not change with the colours): the controls `walk` reached, still marked, focused
/// from script in Tab's order, each ring and look measured as the walk measured them. One Tab
/// first puts a keyboard focus on the page, so that WebKit shows each focus moved on from it by
/// script as it shows keyboard focus (`:focus-visible`). Whether a focused control is hidden
/// under a sticky part is layout, not colour: the walk checked it (a focus from script scrolls
/// differently from Tab's, so it is not measured here).
pub fn check_focus_indicators(app: &App, walk: &KeyboardReport) -> Result<Vec<String>> {
    if walk.reached.is_empty() {
        return Ok(Vec::new());
    }
    app.session.execute(
        "const start = document.createElement('span'); start.id = 'a11y-tab-start'; start.tabIndex = -1; \
         document.body.prepend(start); start.focus(); return null;",
        vec![],
    )?;
    app.session.press_key(keys::TAB)?;
    let answer = app.session.execute(
        &format!(
            "{PAGE_HELPERS}
            const stops = arguments[0].map((i) => {{
              const el = document.querySelector(`[data-a11y-i=\"${{i}}\"]`);
              if (!el) return null;
              el.focus();
              return __a11y.focused(el);
            }});
            return {{ stops, blurred: __a11y.blurred() }};"
        ),
        vec![json!(walk.reached)],
    )?;
    let stops = answer["stops"].as_array().context("the page gave no stops")?;
    ensure!(
        stops.iter().all(|s| !s.is_null()),
        "a control Tab reached in the first theme is gone from the page: {answer}"
    );
    let stops: Vec<Stop> = stops.iter().map(|s| Stop { covered: None, ..Stop::from_page(s) }).collect();
    Ok(focus_problems(&stops, &answer["blurred"]))
}

/// What is wrong with how the focused controls show their focus: a faint ring, a control
/// hidden under something, no visible change (`blurred`: each mark's look without the focus).
fn focus_problems(stops: &[Stop], blurred: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    for stop in stops {
        if let Some(ring) = stop.ring.filter(|r| *r < 3.0) {
            problems.push(format!("{}: its focus ring has {ring:.2}:1 against the background, 3:1 needed", stop.name));
        }
        if let Some(cover) = &stop.covered {
            problems.push(format!(
                "{} has the focus but is hidden under {cover} (WCAG 2.4.11): keep sticky parts clear \
                 of it, e.g. with scroll-padding",
                stop.name
            ));
        }
        let Some(index) = stop.index else { continue };
        let unfocused = blurred.get(index.to_string()).map(text).unwrap_or_default();
        if unfocused == stop.style {
            problems.push(format!(
                "{} looks the same with and without the keyboard focus (no visible focus indicator): {}",
                stop.name, stop.style
            ));
        }
    }
    problems
}

/// Text that does not fit: the page scrolls sideways, or an element's content is wider than
/// its box where that box clips it (overflow hidden) — clipped words, typically German ones.
pub fn check_overflow(app: &App) -> Result<Vec<String>> {
    let found = app.session.execute(
        &format!(
            "{PAGE_HELPERS}
            const out = [];
            const root = document.documentElement;
            if (root.scrollWidth > root.clientWidth + 1)
              out.push(`the page is ${{root.scrollWidth}} px wide in a ${{root.clientWidth}} px window: it scrolls sideways`);
            // (a root narrower than the window: see set_layout_width)
            else if (document.body.scrollWidth > document.body.clientWidth + 1)
              out.push(`the page's content is ${{document.body.scrollWidth}} px wide in a ${{document.body.clientWidth}} px page: it sticks out`);
            for (const el of document.body.querySelectorAll('*')) {{
              // visually hidden on purpose (for screen readers): a 1 px box
              if (el.closest('.sr-only, .skip-link') || el.clientWidth <= 1 || el.clientHeight <= 1) continue;
              const s = getComputedStyle(el);
              if (s.overflowX === 'auto' || s.overflowX === 'scroll') continue;
              if (el.scrollWidth > el.clientWidth + 1 && s.overflowX !== 'visible'
                  && el.innerText && el.innerText.trim())
                out.push(`${{__a11y.describe(el)}}: its text needs ${{el.scrollWidth}} px and is clipped to ${{el.clientWidth}} px`);
            }}
            return out;"
        ),
        vec![],
    )?;
    Ok(found.as_array().map(|a| a.iter().map(text).collect()).unwrap_or_default())
}

/// Form fields whose edge a person with low vision cannot make out: the border of every
/// visible input, select and textarea needs a contrast of 3:1 against what is behind it
/// (WCAG 1.4.11, non-text contrast; axe-core checks text only).
pub fn check_field_contrast(app: &App) -> Result<Vec<String>> {
    let found = app.session.execute(
        &format!(
            "{PAGE_HELPERS}
            const out = [];
            for (const el of document.querySelectorAll('input, select, textarea')) {{
              const s = getComputedStyle(el);
              if (!el.getClientRects().length || s.visibility !== 'visible' || parseFloat(s.opacity) === 0) continue;
              if (parseFloat(s.borderTopWidth) === 0) continue;
              const r = __a11y.ratio(__a11y.rgba(s.borderTopColor), __a11y.behind(el));
              if (r < 3) out.push(`${{__a11y.describe(el)}}: its border ${{s.borderTopColor}} has ${{r.toFixed(2)}}:1 against the background, 3:1 needed`);
            }}
            return out;"
        ),
        vec![],
    )?;
    Ok(found.as_array().map(|a| a.iter().map(text).collect()).unwrap_or_default())
}

/// Whether the stylesheets the app loaded (the build, not the sources) end every transition
/// and animation under `prefers-reduced-motion: reduce`: a `*` rule setting both to `none`.
/// WebKitWebDriver cannot emulate the media feature, so the rule itself is looked for.
pub fn has_reduced_motion_reset(app: &App) -> Result<bool> {
    let found = app.session.execute(
        "const rules = (list) => Array.from(list).flatMap((r) => r.cssRules ? [r, ...rules(r.cssRules)] : [r]); \
         const all = Array.from(document.styleSheets).filter((sheet) => !sheet.disabled) \
           .flatMap((sheet) => rules(sheet.cssRules)); \
         return all.some((media) => media instanceof CSSMediaRule \
           && /prefers-reduced-motion:\\s*reduce/.test(media.conditionText) \
           && Array.from(media.cssRules).some((rule) => rule.selectorText \
             && rule.selectorText.split(',').some((s) => s.trim() === '*') \
             && /none/.test(rule.style.getPropertyValue('transition-property') + rule.style.getPropertyValue('transition')) \
             && /none/.test(rule.style.getPropertyValue('animation-name') + rule.style.getPropertyValue('animation'))));",
        vec![],
    )?;
    Ok(found == json!(true))
}

/// Saves what the window shows as PNGs, the whole page: one picture per window height,
/// scrolling down between them (`<stem>.png`, `<stem>-2.png` …), and scrolls back to the top.
pub fn save_page(app: &App, dir: &Path, stem: &str) -> Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)?;
    let heights = app.session.execute("return [document.documentElement.scrollHeight, window.innerHeight];", vec![])?;
    let page = heights[0].as_u64().unwrap_or(0);
    let window = heights[1].as_u64().unwrap_or(1).max(1);
    let mut files = Vec::new();
    let mut top = 0;
    while files.is_empty() || (top < page && files.len() < 5) {
        app.session.execute("window.scrollTo(0, arguments[0]); return null;", vec![json!(top)])?;
        settle(app)?;
        let name = if files.is_empty() { format!("{stem}.png") } else { format!("{stem}-{}.png", files.len() + 1) };
        let file = dir.join(name);
        let png = base64::engine::general_purpose::STANDARD
            .decode(viewport_png(app)?.trim())
            .context("decoding the screenshot")?;
        std::fs::write(&file, png).with_context(|| format!("writing {}", file.display()))?;
        files.push(file);
        top += window;
    }
    app.session.execute("window.scrollTo(0, 0); return null;", vec![])?;
    Ok(files)
}

/// Take Screenshot, base64. WebKitWebDriver answers it only once the page paints again, which a
/// still page never does (the request then hangs): a transparent pixel changes for two seconds
/// to give it that paint.
fn viewport_png(app: &App) -> Result<String> {
    app.session.execute(
        "const px = document.createElement('div'); \
         px.style.cssText = 'position:fixed;left:0;bottom:0;width:1px;height:1px;pointer-events:none'; \
         px.setAttribute('aria-hidden', 'true'); \
         document.body.append(px); \
         let n = 0; \
         const timer = setInterval(() => { \
           px.style.background = n++ % 2 ? 'transparent' : 'rgba(0,0,0,0.01)'; \
           if (n > 40) { clearInterval(timer); px.remove(); } \
         }, 50); \
         return null;",
        vec![],
    )?;
    app.session.screenshot_base64()
}
