// The timeline as the core pages it (crates/core/src/store/history.rs), over the mock's list:
// ended sessions, newest first, filtered, after a cursor. Search matches text as typed, in any
// case; the core folds umlauts too.
import type { HistoryPage } from "../bindings/ipc";
import type { HistoryQuery } from "../bindings/ipc";
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

export function historyPage(list: SessionSummary[], query: HistoryQuery): HistoryPage {
  const limit = Math.min(Math.max(query.limit ?? 1, 1), 500);
  const found = list.filter((s) => matches(s, query)).sort(newestFirst);
  const sessions = found.slice(0, limit);
  const last = sessions.at(-1);
  return { sessions, next: found.length > limit && last ? { startedAt: last.startedAt, id: last.id } : null };
}
