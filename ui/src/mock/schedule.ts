// The schedule as the mock keeps it (development only): blocks and routines saved in memory,
// nothing more. It has no rule engine (Rust's `rrule` computes every date), so the week shows no
// occurrences, a block's preview has no dates, and routines stand with no day yet; the screens
// can still be opened, and their forms saved and deleted.
import { emit } from "@tauri-apps/api/event";
import type { ApiError } from "../bindings/ipc";
import type { Block } from "../bindings/ipc";
import type { BlockDraft } from "../bindings/ipc";
import type { Routine } from "../bindings/ipc";
import type { RoutineDraft } from "../bindings/ipc";
import type { ScheduleView } from "../bindings/ipc";
import { dayOf } from "../lib/stats";

export class MockSchedule {
  blocks: Block[] = [];
  routines: Routine[] = [];
  #next = 0;

  #id(): string {
    this.#next += 1;
    return `00000000-0000-4000-8000-${String(this.#next).padStart(12, "0")}`;
  }

  #changed(): void {
    void emit("schedule-changed", null);
  }

  #notFound(): never {
    throw { code: "not_found", message: "mock: not found" } satisfies ApiError;
  }

  handle(cmd: string, args: Record<string, unknown>): { answer: unknown } | null {
    switch (cmd) {
      case "schedule":
        return {
          answer: {
            today: dayOf(new Date()),
            blocks: structuredClone(this.blocks),
            occurrences: [],
            sessions: [],
            roomSessions: [],
            routines: this.routines.map((routine) => ({ routine: structuredClone(routine), current: null, next: null, history: [], streak: 0 })),
          } satisfies ScheduleView,
        };
      case "preview_block":
        return { answer: [] };
      case "save_block": {
        const id = (args.id as string | null) ?? this.#id();
        const block: Block = { id, ...(args.draft as BlockDraft) };
        this.blocks = [...this.blocks.filter((b) => b.id !== id), block];
        this.#changed();
        return { answer: block };
      }
      case "delete_block":
        if (!this.blocks.some((b) => b.id === args.id)) this.#notFound();
        this.blocks = this.blocks.filter((b) => b.id !== args.id);
        this.#changed();
        return { answer: null };
      case "save_routine": {
        const id = (args.id as string | null) ?? this.#id();
        const routine: Routine = { id, ...(args.draft as RoutineDraft) };
        this.routines = [...this.routines.filter((r) => r.id !== id), routine];
        this.#changed();
        return { answer: routine };
      }
      case "delete_routine":
        if (!this.routines.some((r) => r.id === args.id)) this.#notFound();
        this.routines = this.routines.filter((r) => r.id !== args.id);
        this.#changed();
        return { answer: null };
      case "change_occurrence":
      case "start_block":
      case "snooze_block":
      case "mark_routine_day":
      case "commit_to_routine":
        // no occurrence or routine day exists in the mock to act on
        return this.#notFound();
      default:
        return null;
    }
  }
}
