// The colour theme: light or dark as the system prefers, unless one was chosen before start
// (`data-theme` on <html>: the dev mock sets it; a theme setting will).
export function followSystemTheme(root: HTMLElement = document.documentElement): void {
  if (root.dataset.theme === "light" || root.dataset.theme === "dark") return;
  const dark = window.matchMedia("(prefers-color-scheme: dark)");
  const apply = () => {
    root.dataset.theme = dark.matches ? "dark" : "light";
  };
  apply();
  dark.addEventListener("change", apply);
}
