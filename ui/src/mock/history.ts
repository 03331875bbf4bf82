// The timeline as the core pages it (crates/core/src/store/history.rs), over the mock's list:
// ended sessions, newest first, filtered, after a cursor. Search matches text as typed, in any
// case; the core folds umlauts too.
import type { HistoryPage } from "../bindings/ipc";
import type { HistoryQuery } from "../bindings/ipc";
import type { SearchField } from "../bindings/ipc";
import type { SearchHit } from "../bindings/ipc";
import type { SnippetPart } from "../bindings/ipc";
import type { SessionSummary } from "../bindings/ipc";

const newestFirst = (a: SessionSummary, b: SessionSummary) =>
  b.startedAt.localeCompare(a.startedAt) || b.id.localeCompare(a.id);

function matches(s: SessionSummary, q: HistoryQuery): boolean {
  const at = Date.parse(s.startedAt);
  if (q.from && at < Date.parse(q.from)) return false;
  if (q.to && at >= Date.parse(q.to)) return false;
  const tag = q.tag?.trim().toLowerCase();
  if (tag && !s.commitments.some((c) => c.tag?.toLowerCase() === tag)) return false;
  if (q.outcome && !s.commitments.some((c) => c.outcome === q.outcome)) return false;
  if (q.room && s.roomName !== q.room) return false;
  const text = q.text?.trim().toLowerCase();
  if (text) {
    const texts = [s.overallNote, ...s.commitments.flatMap((c) => [c.text, c.note])];
    if (!texts.some((t) => t?.toLowerCase().includes(text))) return false;
  }
  if (q.after) {
    const after = q.after;
    if (s.startedAt > after.startedAt || (s.startedAt === after.startedAt && s.id >= after.id)) return false;
  }
  return s.status === "finished" || s.status === "abandoned";
}

/** `text` with the occurrences of `needle` (any case) marked, or null without one. */
function mark(text: string, needle: string): SnippetPart[] | null {
  const lower = text.toLowerCase();
  const parts: SnippetPart[] = [];
  let at = 0;
  for (let i = lower.indexOf(needle); needle !== "" && i >= 0; i = lower.indexOf(needle, i + needle.length)) {
    if (i > at) parts.push({ text: text.slice(at, i), hit: false });
    parts.push({ text: text.slice(i, i + needle.length), hit: true });
    at = i + needle.length;
  }
  if (parts.length === 0) return null;
  if (at < text.length) parts.push({ text: text.slice(at), hit: false });
  return parts;
}

function marks(sessions: SessionSummary[], text: string): SearchHit[] {
  const needle = text.trim().toLowerCase();
  const hits: SearchHit[] = [];
  for (const s of sessions) {
    const hit = (commitmentId: string | null, field: SearchField, value: string | null) => {
      const snippet = value ? mark(value, needle) : null;
      if (snippet) hits.push({ sessionId: s.id, commitmentId, field, startedAt: s.startedAt, snippet });
    };
    hit(null, "session_note", s.overallNote);
    for (const c of s.commitments) {
      hit(c.id, "commitment", c.text);
      hit(c.id, "commitment_note", c.note);
    }
  }
  return hits;
}

export function historyPage(list: SessionSummary[], query: HistoryQuery): HistoryPage {
  const limit = Math.min(Math.max(query.limit ?? 1, 1), 500);
  const found = list.filter((s) => matches(s, query)).sort(newestFirst);
  const sessions = found.slice(0, limit);
  const last = sessions.at(-1);
  return {
    sessions,
    next: found.length > limit && last ? { startedAt: last.startedAt, id: last.id } : null,
    marks: query.text ? marks(sessions, query.text) : [],
  };
}
