//! A small blocking W3C WebDriver client: just the commands the end-to-end tests use.

use std::time::Duration;

use anyhow::{Context, Result, anyhow, bail};
use serde_json::{Value, json};

/// The key under which W3C WebDriver returns an element reference.
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

/// A WebDriver error response: `error` is the W3C error code, e.g. `no such element`.
#[derive(Debug)]
pub struct WdError {
    pub status: u16,
    pub error: String,
    pub message: String,
}

impl std::fmt::Display for WdError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "WebDriver {} {}: {}", self.status, self.error, self.message)
    }
}

impl std::error::Error for WdError {}

/// An HTTP connection to a WebDriver server (tauri-driver), without a session.
#[derive(Clone)]
pub struct Client {
    agent: ureq::Agent,
    base: String,
}

impl Client {
    pub fn new(port: u16) -> Self {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            // WebDriver reports errors as JSON bodies with 4xx/5xx: we read them ourselves.
            .http_status_as_error(false)
            // Starting the app inside `new session` can take a while on a loaded machine.
            .timeout_global(Some(Duration::from_secs(120)))
            .build()
            .into();
        Self { agent, base: format!("http://127.0.0.1:{port}") }
    }

    /// Sends one command; returns its `value` or the WebDriver error.
    pub fn request(&self, method: &str, path: &str, body: Option<&Value>) -> Result<Value> {
        let url = format!("{}{}", self.base, path);
        let response = match (method, body) {
            ("GET", _) => self.agent.get(&url).call(),
            ("DELETE", _) => self.agent.delete(&url).call(),
            ("POST", body) => {
                let body = body.cloned().unwrap_or_else(|| json!({})).to_string();
                self.agent.post(&url).header("content-type", "application/json").send(body)
            }
            _ => bail!("unsupported method {method}"),
        }
        .with_context(|| format!("{method} {url}"))?;
        let status = response.status().as_u16();
        let text =
            response.into_body().read_to_string().with_context(|| format!("reading the answer to {method} {url}"))?;
        let parsed: Value = serde_json::from_str(&text)
            .with_context(|| format!("{method} {url} answered {status} with non-JSON: {text}"))?;
        let value = parsed.get("value").cloned().unwrap_or(Value::Null);
        if status >= 400 {
            let error = value.get("error").and_then(Value::as_str).unwrap_or("unknown").to_owned();
            let message = value.get("message").and_then(Value::as_str).unwrap_or("").to_owned();
            return Err(WdError { status, error, message }.into());
        }
        Ok(value)
    }

    /// Creates a session with the given W3C capabilities (`alwaysMatch`).
    pub fn new_session(&self, always_match: Value) -> Result<Session> {
        let body = json!({ "capabilities": { "alwaysMatch": always_match } });
        let value = self.request("POST", "/session", Some(&body))?;
        let id = value
            .get("sessionId")
            .and_then(Value::as_str)
            .ok_or_else(|| anyhow!("new session answered without a sessionId: {value}"))?;
        Ok(Session { client: self.clone(), id: id.to_owned() })
    }
}

/// An element reference, valid within its session.
#[derive(Debug, Clone)]
pub struct Element(pub String);

/// One WebDriver session: one app window.
pub struct Session {
    client: Client,
    pub id: String,
}

impl Session {
    fn cmd(&self, method: &str, path: &str, body: Option<Value>) -> Result<Value> {
        self.client.request(method, &format!("/session/{}{}", self.id, path), body.as_ref())
    }

    pub fn delete(&self) -> Result<()> {
        self.client.request("DELETE", &format!("/session/{}", self.id), None).map(drop)
    }

    pub fn refresh(&self) -> Result<()> {
        self.cmd("POST", "/refresh", None).map(drop)
    }

    /// Loads another URL in the window (Navigate To); returns once WebDriver has loaded it.
    pub fn navigate(&self, url: &str) -> Result<()> {
        self.cmd("POST", "/url", Some(json!({ "url": url }))).map(drop)
    }

    /// The first element matching the CSS selector, or `None` when there is none.
    pub fn find(&self, css: &str) -> Result<Option<Element>> {
        match self.cmd("POST", "/element", Some(json!({ "using": "css selector", "value": css }))) {
            Ok(value) => {
                let id = value
                    .get(ELEMENT_KEY)
                    .and_then(Value::as_str)
                    .ok_or_else(|| anyhow!("find {css}: no element reference in {value}"))?;
                Ok(Some(Element(id.to_owned())))
            }
            Err(e) if is_wd_error(&e, "no such element") => Ok(None),
            Err(e) => Err(e.context(format!("finding {css}"))),
        }
    }

    pub fn find_all(&self, css: &str) -> Result<Vec<Element>> {
        let value = self
            .cmd("POST", "/elements", Some(json!({ "using": "css selector", "value": css })))
            .with_context(|| format!("finding all {css}"))?;
        let list = value.as_array().ok_or_else(|| anyhow!("find all {css}: not a list: {value}"))?;
        Ok(list
            .iter()
            .filter_map(|v| v.get(ELEMENT_KEY).and_then(Value::as_str))
            .map(|id| Element(id.to_owned()))
            .collect())
    }

    pub fn click(&self, element: &Element) -> Result<()> {
        self.cmd("POST", &format!("/element/{}/click", element.0), None).map(drop)
    }

    pub fn send_keys(&self, element: &Element, text: &str) -> Result<()> {
        self.cmd("POST", &format!("/element/{}/value", element.0), Some(json!({ "text": text }))).map(drop)
    }

    pub fn clear(&self, element: &Element) -> Result<()> {
        self.cmd("POST", &format!("/element/{}/clear", element.0), None).map(drop)
    }

    pub fn text(&self, element: &Element) -> Result<String> {
        let value = self.cmd("GET", &format!("/element/{}/text", element.0), None)?;
        Ok(value.as_str().unwrap_or_default().to_owned())
    }

    pub fn attribute(&self, element: &Element, name: &str) -> Result<Option<String>> {
        let value = self.cmd("GET", &format!("/element/{}/attribute/{name}", element.0), None)?;
        Ok(value.as_str().map(str::to_owned))
    }

    /// Runs a synchronous script; `arguments` are available as `arguments[i]`.
    pub fn execute(&self, script: &str, args: Vec<Value>) -> Result<Value> {
        self.cmd("POST", "/execute/sync", Some(json!({ "script": script, "args": args })))
    }

    /// Runs an asynchronous script: it reports its result by calling `arguments[arguments.length - 1]`.
    pub fn execute_async(&self, script: &str, args: Vec<Value>) -> Result<Value> {
        self.cmd("POST", "/execute/async", Some(json!({ "script": script, "args": args })))
    }

    /// Performs W3C input actions (`{"actions": [...]}`), e.g. key presses, then releases them.
    pub fn perform_actions(&self, actions: Value) -> Result<()> {
        self.cmd("POST", "/actions", Some(json!({ "actions": actions })))?;
        self.cmd("DELETE", "/actions", None).map(drop)
    }

    /// Presses and releases one key (a character or a WebDriver key code such as [`keys::TAB`])
    /// on whatever element has the focus.
    pub fn press_key(&self, key: &str) -> Result<()> {
        self.perform_actions(json!([{
            "type": "key",
            "id": "keyboard",
            "actions": [{ "type": "keyDown", "value": key }, { "type": "keyUp", "value": key }],
        }]))
    }

    /// Presses a key with a modifier held (e.g. [`keys::CONTROL`] and [`keys::ENTER`]), then
    /// releases both.
    pub fn press_chord(&self, modifier: &str, key: &str) -> Result<()> {
        self.perform_actions(json!([{
            "type": "key",
            "id": "keyboard",
            "actions": [
                { "type": "keyDown", "value": modifier },
                { "type": "keyDown", "value": key },
                { "type": "keyUp", "value": key },
                { "type": "keyUp", "value": modifier },
            ],
        }]))
    }

    /// Resizes the window (Set Window Rect).
    pub fn set_window_size(&self, width: u32, height: u32) -> Result<()> {
        self.cmd("POST", "/window/rect", Some(json!({ "width": width, "height": height }))).map(drop)
    }

    /// A PNG of the viewport, as base64 (Take Screenshot).
    pub fn screenshot_base64(&self) -> Result<String> {
        let value = self.cmd("GET", "/screenshot", None)?;
        value.as_str().map(str::to_owned).ok_or_else(|| anyhow!("screenshot answered without data: {value}"))
    }

    /// Sets the script timeout (ms) for `execute_async`.
    pub fn set_script_timeout(&self, ms: u64) -> Result<()> {
        self.cmd("POST", "/timeouts", Some(json!({ "script": ms }))).map(drop)
    }
}

/// WebDriver's codes for keys that are not characters.
pub mod keys {
    pub const TAB: &str = "\u{E004}";
    pub const ENTER: &str = "\u{E007}";
    pub const ESCAPE: &str = "\u{E00C}";
    pub const SPACE: &str = "\u{E00D}";
    pub const CONTROL: &str = "\u{E009}";
}

/// Whether `error` is a WebDriver error with the given W3C code.
pub fn is_wd_error(error: &anyhow::Error, code: &str) -> bool {
    error.downcast_ref::<WdError>().is_some_and(|e| e.error == code)
}
