// A small scanner for literal, user-visible text in Svelte markup.

const LABEL_ATTRS = ["aria-label", "aria-description", "aria-placeholder", "aria-roledescription", "placeholder", "title", "alt"];
const LETTER = /\p{L}/u;

/** Replace every `{ ... }` expression (nesting and string literals aware) by a marker. */
function blankExpressions(src: string): string {
  let out = "";
  let depth = 0;
  let quote: string | null = null;
  for (let i = 0; i < src.length; i++) {
    const ch = src[i]!;
    if (depth === 0) {
      if (ch === "{") {
        depth = 1;
        out += "\u0001";
      } else {
        out += ch;
      }
      continue;
    }
    if (quote) {
      if (ch === "\\") i++;
      else if (ch === quote) quote = null;
      continue;
    }
    if (ch === '"' || ch === "'" || ch === "`") quote = ch;
    else if (ch === "{") depth++;
    else if (ch === "}") depth--;
  }
  return out;
}

export function findHardCodedText(source: string): string[] {
  const problems: string[] = [];
  let markup = source
    .replace(/<script[\s\S]*?<\/script>/g, "")
    .replace(/<style[\s\S]*?<\/style>/g, "")
    .replace(/<!--[\s\S]*?-->/g, "");
  markup = blankExpressions(markup);

  // labelling attributes with literal text
  const attr = new RegExp(`\\s(${LABEL_ATTRS.join("|")})\\s*=\\s*("([^"]*)"|'([^']*)')`, "g");
  for (const m of markup.matchAll(attr)) {
    const value = m[3] ?? m[4] ?? "";
    if (LETTER.test(value)) problems.push(`${m[1]}="${value.replace(/\u0001/g, "{}")}"`);
  }

  // text nodes: what is left outside of tags
  const text = markup
    .replace(/<[^>]*>/g, "\n")
    .replace(/&[a-zA-Z]+;|&#\d+;/g, " ")
    .replace(/\u0001/g, " ");
  for (const chunk of text.split("\n")) {
    const trimmed = chunk.trim();
    if (trimmed && LETTER.test(trimmed)) problems.push(`text: ${trimmed}`);
  }
  return problems;
}
