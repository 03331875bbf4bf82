// The colour theme on <html data-theme>: the person's choice from the settings, or light or
// dark as the system prefers ("system"). The dev mock may fix it with ?theme=….
import type { FontStacks } from "../bindings/ipc";
import type { ThemeChoice } from "../bindings/ipc";

let choice: ThemeChoice = "system";
let listening = false;

function systemDark(): MediaQueryList {
  return window.matchMedia("(prefers-color-scheme: dark)");
}

function apply(root: HTMLElement): void {
  const dark = choice === "dark" || (choice === "system" && systemDark().matches);
  root.dataset.theme = dark ? "dark" : "light";
}

/** Show the chosen theme now, and follow the system's while the choice is "system". */
export function setTheme(next: ThemeChoice, root: HTMLElement = document.documentElement): void {
  choice = next;
  apply(root);
  if (!listening) {
    listening = true;
    systemDark().addEventListener("change", () => apply(root));
  }
}

/** Before the settings are loaded: the system's theme, unless one was fixed already. */
export function followSystemTheme(root: HTMLElement = document.documentElement): void {
  if (root.dataset.theme === "light" || root.dataset.theme === "dark") return;
  setTheme("system", root);
}

/** The font stacks Rust chose for this platform (Linux: the desktop's font), before the first render. */
export function useFonts(fonts: FontStacks | null, root: HTMLElement = document.documentElement): void {
  if (!fonts) return;
  root.style.setProperty("--font", fonts.ui);
  root.style.setProperty("--font-mono", fonts.mono);
}
