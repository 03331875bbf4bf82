import { mount } from "svelte";
import App from "./App.svelte";
import Compact from "./Compact.svelte";
import { app, init } from "./lib/state.svelte";
import { followSystemTheme } from "./lib/theme";
import "./styles.css";

const target = document.getElementById("app");
if (!target) throw new Error("#app missing");

followSystemTheme();
// The first screen is drawn once, with its data (see `init`).
await init();

const compact = app.compact;
export default compact ? mount(Compact, { target, props: { view: compact } }) : mount(App, { target });
