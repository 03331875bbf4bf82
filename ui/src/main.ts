import { mount } from "svelte";
import App from "./App.svelte";
import { navigation } from "./lib/navigation.svelte";
import { sessionState } from "./lib/session.svelte";
import { init } from "./lib/startup.svelte";
import { followSystemTheme } from "./lib/theme";
import { loadSessionViews } from "./lib/views";
import "./styles.css";

const target = document.getElementById("app");
if (!target) throw new Error("#app missing");

followSystemTheme();
// The first screen is drawn once, with its data (see `init`).
await init();

const compact = navigation.compact;
// The first render shows the session's screen at once: its code is here before it starts.
if (compact || sessionState.current) await loadSessionViews();
export default compact
  ? mount((await import("./Compact.svelte")).default, { target, props: { view: compact } })
  : mount(App, { target });
