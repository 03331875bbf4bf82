import { mount } from "svelte";
import App from "./App.svelte";
import { init } from "./lib/state.svelte";
import { followSystemTheme } from "./lib/theme";
import "./styles.css";

const target = document.getElementById("app");
if (!target) throw new Error("#app missing");

followSystemTheme();
// The first screen is drawn once, with its data (see `init`).
await init();

export default mount(App, { target });
