// Tell Rust the page is ready, as the app's UI does once its first screen is interactive.
window.addEventListener("load", () => window.__TAURI_INTERNALS__.invoke("ui_ready"));
