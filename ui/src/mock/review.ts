// The weekly review as the core reads it (crates/core/src/store/review.rs), roughly, over the
// mock's list: the week (Monday to Sunday) that holds a day, its ended sessions' commitments
// sorted by outcome, the statistics of its days, the notes, and a plan kept in memory.
import type { ReviewCommitment } from "../bindings/ipc";
import type { ReviewNote } from "../bindings/ipc";
import type { SessionSummary } from "../bindings/ipc";
import type { WeeklyReview } from "../bindings/ipc";
import { addDays, dayOf, weekdayOf } from "../lib/stats";
import { statistics } from "./stats";

/** The ISO week number of the week starting on `monday`. */
function isoWeek(monday: string): number {
  const thursday = new Date(`${addDays(monday, 3)}T00:00:00Z`);
  const jan1 = Date.UTC(thursday.getUTCFullYear(), 0, 1);
  return Math.floor((thursday.getTime() - jan1) / 86_400_000 / 7) + 1;
}

/** The review of the week holding `day`, as of `today`; `planned` holds the ids on the plan. */
export function weeklyReview(list: SessionSummary[], day: string, today: string, planned: Set<string>): WeeklyReview {
  const first = addDays(day, -weekdayOf(day));
  const last = addDays(first, 6);
  const inWeek = list
    .filter((s) => s.status === "finished" || s.status === "abandoned")
    .filter((s) => {
      const d = dayOf(new Date(s.startedAt));
      return d >= first && d <= last;
    })
    .sort((a, b) => a.startedAt.localeCompare(b.startedAt));
  const carriedOn = new Set(list.flatMap((s) => s.commitments.flatMap((c) => (c.carriedFrom ? [c.carriedFrom] : []))));
  const review: WeeklyReview = {
    week: { first, last },
    isoWeek: isoWeek(first),
    nextMonday: addDays(last, 1),
    thisMonday: addDays(today, -weekdayOf(today)),
    statistics: statistics(list, first, last, today),
    done: [],
    partly: [],
    notDone: [],
    slipping: [],
    notes: [],
  };
  for (const s of inWeek) {
    if (s.overallNote) {
      review.notes.push({ sessionId: s.id, sessionStartedAt: s.startedAt, commitment: null, text: s.overallNote });
    }
    for (const c of s.commitments) {
      const item: ReviewCommitment = {
        id: c.id,
        sessionId: s.id,
        sessionStartedAt: s.startedAt,
        text: c.text,
        tag: c.tag,
        outcome: c.outcome,
        note: c.note,
        carryCount: c.carryCount,
        carriedOn: carriedOn.has(c.id),
        planned: planned.has(c.id) && !carriedOn.has(c.id),
      };
      if (c.outcome === "done") review.done.push(item);
      else if (c.outcome === "partly") review.partly.push(item);
      else review.notDone.push(item);
      if (c.note) {
        const note: ReviewNote = { sessionId: s.id, sessionStartedAt: s.startedAt, commitment: c.text, text: c.note };
        review.notes.push(note);
      }
    }
  }
  return review;
}
