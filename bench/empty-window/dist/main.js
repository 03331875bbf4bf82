// Tell Rust the page is ready, as the app's UI does once its first screen is on the screen:
// on the second animation frame after `load` (the first one paints the page).
window.addEventListener("load", () =>
  requestAnimationFrame(() => requestAnimationFrame(() => window.__TAURI_INTERNALS__.invoke("ui_ready"))),
);
