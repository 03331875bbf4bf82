// Finds motion that `prefers-reduced-motion: reduce` would not switch off. styles.css ends
// every transition and animation under that query with one `*` rule; what escapes it is a
// motion declared `!important` (it beats the reset), motion driven from script (Svelte's
// transition directives, `element.animate`, smooth scrolling), and a missing reset. It also
// finds motion that would keep the screen painting while a session runs.
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import postcss, { type AtRule, type Container, type Root } from "postcss";

/** ui/src, where the UI's sources are. */
export const srcDir = fileURLToPath(new URL("../", import.meta.url));

/** The files under `dir` whose names end in `ext`, the browser mock's aside. */
export function files(dir: string, ext: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === "mock" ? [] : files(path, ext);
    return name.endsWith(ext) ? [path] : [];
  });
}

/** A Svelte component's stylesheet. */
export const styleOf = (svelte: string) =>
  [...svelte.matchAll(/<style[^>]*>([\s\S]*?)<\/style>/g)].map((m) => m[1]!).join("\n");

const MOTION_PROP = /^(transition|animation)(-|$)/;
const STILL_VALUE = /^(none|0m?s?)$/i;

function enclosingMedia(node: Container | undefined): string[] {
  const out: string[] = [];
  for (let n = node; n; n = n.parent as Container | undefined) {
    if (n.type === "atrule" && (n as AtRule).name === "media") out.push((n as AtRule).params);
  }
  return out;
}

const noPreference = (params: string) => /prefers-reduced-motion\s*:\s*no-preference/.test(params);
const reduce = (params: string) => /prefers-reduced-motion\s*:\s*reduce/.test(params);

/** Every motion declaration in `css` that the reduced-motion reset cannot switch off. */
export function unguardedMotion(css: string): string[] {
  const problems: string[] = [];
  const root: Root = postcss.parse(css);
  root.walkDecls((decl) => {
    const smooth = decl.prop === "scroll-behavior" && decl.value.trim() === "smooth";
    if (!MOTION_PROP.test(decl.prop) && !smooth) return;
    if (STILL_VALUE.test(decl.value.trim())) return;
    const media = enclosingMedia(decl.parent as Container);
    if (media.some(noPreference) || media.some(reduce)) return;
    if (decl.important) {
      const where = decl.parent?.type === "rule" ? (decl.parent as postcss.Rule).selector : "?";
      problems.push(`${where} { ${decl.prop}: ${decl.value} !important } beats the reduced-motion reset`);
    }
  });
  return problems;
}

/** Whether `css` switches off every transition and animation under `prefers-reduced-motion: reduce`. */
export function hasReducedMotionReset(css: string): boolean {
  let found = false;
  postcss.parse(css).walkAtRules("media", (media) => {
    if (!reduce(media.params)) return;
    media.walkRules((rule) => {
      const selectors = rule.selectors.map((s) => s.trim());
      if (!["*", "*::before", "*::after"].every((s) => selectors.includes(s))) return;
      const off = (prop: string) =>
        rule.nodes.some((n) => n.type === "decl" && n.prop === prop && n.important && STILL_VALUE.test(n.value.trim()));
      if (off("transition") && off("animation")) found = true;
    });
  });
  return found;
}

/** Motion started from markup or script, which no stylesheet can switch off. `kind` says
 * whether `source` is a Svelte component (its markup may hold directives) or a script. */
export function scriptedMotion(source: string, kind: "svelte" | "ts" = "svelte"): string[] {
  const problems: string[] = [];
  const code = source.replace(/<style[\s\S]*?<\/style>/g, "");
  if (kind === "svelte") {
    const markup = code.replace(/<script[\s\S]*?<\/script>/g, "");
    for (const m of markup.matchAll(/\s(transition|in|out|animate):[A-Za-z_$]/g)) {
      problems.push(`Svelte ${m[1]}: directive`);
    }
  }
  if (/\.animate\(/.test(code)) problems.push("element.animate()");
  if (/behavior\s*:\s*["']smooth["']/.test(code)) problems.push("smooth scrolling from script");
  return problems;
}

const described = (decl: postcss.Declaration) =>
  `${decl.parent?.type === "rule" ? (decl.parent as postcss.Rule).selector : "?"} { ${decl.prop}: ${decl.value} }`;

/** Every transition and animation `css` declares (`none` and zero durations aside). */
export function motionDeclarations(css: string): string[] {
  const found: string[] = [];
  postcss.parse(css).walkDecls(MOTION_PROP, (decl) => {
    if (!STILL_VALUE.test(decl.value.trim())) found.push(described(decl));
  });
  return found;
}

/** The animations in `css` that repeat forever: on screen, they paint at frame rate all the time. */
export function endlessAnimations(css: string): string[] {
  const found: string[] = [];
  postcss.parse(css).walkDecls(/^animation(-iteration-count)?$/, (decl) => {
    if (/\binfinite\b/i.test(decl.value)) found.push(described(decl));
  });
  return found;
}
