// The person's settings as Rust sent them (loaded, changed here, or changed in another window);
// the language and the theme follow them.
import type { Language } from "../bindings/ipc";
import type { SettingsView } from "../bindings/ipc";
import * as api from "./api";
import { addCatalog, hasCatalog, setLanguage } from "./i18n.svelte";
import { setTheme } from "./theme";

export const settingsState = $state<{ current: SettingsView | null }>({ current: null });

/** Settings from Rust (loaded, changed here, or changed in another window): language and theme follow. */
export function applySettings(view: SettingsView): void {
  settingsState.current = view;
  void useLanguage(view.language);
  setTheme(view.settings.theme);
}

let wantedLanguage: Language | null = null;

/** Switch to `lang` once its messages are here (asked from Rust the first time). */
export async function useLanguage(lang: Language): Promise<void> {
  wantedLanguage = lang;
  if (!hasCatalog(lang)) {
    try {
      addCatalog(lang, await api.catalog(lang));
    } catch {
      return; // the current language stays; the next settings change tries again
    }
  }
  // A quicker switch made after this one wins.
  if (wantedLanguage === lang) setLanguage(lang);
}
