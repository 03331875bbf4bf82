// The browser's stand-in for the Rust side (development and screenshots only; served by
// mock.html, never part of the production build). It runs no session of its own: it serves
// the snapshots Rust wrote (`../fixtures/sessions-{en,de}.json`, from a real store driven by
// crates/core/tests/ui_fixtures.rs) and only keeps track of which one is current. A command
// moves on to the next step recorded for it, a step recorded as "time" follows by itself after
// as long as it took in the recording, and the step's events are sent as Rust sent them.
// Templates and settings, which have no timing of their own, are kept here as plain data.
import { emit } from "@tauri-apps/api/event";
import de from "../../../locales/de.json";
import en from "../../../locales/en.json";
import type { ApiError } from "../bindings/ipc";
import type { AppInfo } from "../bindings/ipc";
import type { CarryOverSuggestion } from "../bindings/ipc";
import type { CommitmentDraft } from "../bindings/ipc";
import type { FirstScreen } from "../bindings/ipc";
import type { HistoryQuery } from "../bindings/ipc";
import type { Language } from "../bindings/ipc";
import type { PhaseChange } from "../bindings/ipc";
import type { RoomLink } from "../bindings/ipc";
import type { SessionRecord } from "../bindings/ipc";
import type { SessionSummary } from "../bindings/ipc";
import type { SessionView } from "../bindings/ipc";
import type { SettingChange } from "../bindings/ipc";
import type { Settings } from "../bindings/ipc";
import type { SettingsView } from "../bindings/ipc";
import type { SharedPhaseKind } from "../bindings/ipc";
import type { Template } from "../bindings/ipc";
import type { TemplateDraft } from "../bindings/ipc";
import { dayOf } from "../lib/stats";
import { rowFromPhase } from "../lib/templates";
import { draftVerdict, noteVerdict, templateVerdict, type Verdict } from "../lib/verdicts";
import { historyPage } from "./history";
import type { MockSessions } from "./rooms";
import { weeklyReview } from "./review";
import { rangeProblem, statistics } from "./stats";

/** One recorded step: what leads to it, and the snapshot after it. */
export interface Step {
  /** the command that leads here, "time" (the phase ran out), or null: a state to start in */
  by: string | null;
  state?: string;
  at: string;
  session: SessionView | null;
  events?: ("session" | "phase-changed" | "schedule-changed")[];
  phaseChange?: PhaseChange;
  /** close_session's answer */
  summary?: SessionSummary;
  /** given where they changed; otherwise those of the latest step before */
  today?: SessionSummary[];
  history?: SessionSummary[];
  records?: SessionRecord[];
  suggestions?: CarryOverSuggestion[];
}

export interface Story {
  templates: Template[];
  settings: Settings;
  steps: Step[];
}

export interface SessionsFixture {
  language: Language;
  stories: Record<string, Story>;
}

const catalogs: Record<Language, Record<string, string>> = { de, en };

const INFO: Omit<AppInfo, "language"> = {
  version: "0.1.0",
  dataDir: "/home/anna/.local/share/worktogether",
  databasePath: "/home/anna/.local/share/worktogether/worktogether.sqlite3",
};

/** Commands that take a recorded step; the others are answered from the current one. */
const SESSION_COMMANDS = new Set([
  "start_session",
  "add_commitment",
  "update_commitment",
  "remove_commitment",
  "move_commitment",
  "tick_commitment",
  "draft_outcome",
  "draft_closing_notes",
  "carry_over",
  "pause_session",
  "resume_session",
  "skip_phase",
  "extend_phase",
  "end_session_early",
  "close_session",
]);

/** Where a session joined from a room begins in the recording, by the room's phase. */
const ROOM_PHASE_STATES: Record<SharedPhaseKind, string> = {
  commitment: "commitment",
  focus: "focus",
  break: "break",
  closing: "closing",
  over: "closing",
};

/** The room a session belongs to: the recording has none, so the mock lays it over the snapshots. */
interface RoomPart {
  link: RoomLink;
  follows: boolean;
  shares: boolean;
}

export class Replay implements MockSessions {
  readonly lang: Language;
  readonly #story: Story;
  #index: number;
  #timer: ReturnType<typeof setTimeout> | null = null;
  templates: Template[];
  settings: Settings;
  /** make `change_setting` fail (to see the error) */
  failSettings = false;
  /** sessions of the history that were a room's: session id → the room's name */
  roomNames = new Map<string, string>();
  /** the weekly review's plan: the commitments to carry into next week */
  planned = new Set<string>();
  #room: RoomPart | null = null;
  #created = 0;

  constructor(fixture: SessionsFixture, story: string, state: string) {
    const recorded = fixture.stories[story];
    if (!recorded) throw new Error(`no story ${story} in the fixture`);
    this.lang = fixture.language;
    this.#story = recorded;
    this.#index = Math.max(0, recorded.steps.findIndex((s) => s.state === state));
    this.templates = structuredClone(recorded.templates);
    this.settings = structuredClone(recorded.settings);
    this.#scheduleTime();
  }

  get #step(): Step {
    return this.#story.steps[this.#index]!;
  }

  /** A snapshot as the window gets it: with the room it was joined from, if any. */
  #dress(view: SessionView | null): SessionView | null {
    if (!view) return view;
    const room = this.#room;
    return room
      ? { ...view, room: { ...room.link }, followsRoom: room.follows, sharesWithRoom: room.shares }
      : view;
  }

  #dressSummary(summary: SessionSummary): SessionSummary {
    const roomName = this.roomNames.get(summary.id) ?? summary.roomName;
    return roomName ? { ...summary, roomName } : summary;
  }

  /** A list as of the current step: given there, or at the latest step before it. */
  #list<K extends "today" | "history" | "records" | "suggestions">(name: K): NonNullable<Step[K]> {
    for (let i = this.#index; i >= 0; i--) {
      const list = this.#story.steps[i]![name];
      if (list) {
        const copy = structuredClone(list) as NonNullable<Step[K]>;
        if (name === "suggestions" || name === "records") return copy;
        return (copy as SessionSummary[]).map((x) => this.#dressSummary(x)) as NonNullable<Step[K]>;
      }
    }
    return [] as NonNullable<Step[K]>;
  }

  #language(): Language {
    return this.settings.language === "system" ? this.lang : this.settings.language;
  }

  /** The language in effect (the one its messages are in). */
  language(): Language {
    return this.#language();
  }

  #error(code: ApiError["code"], key: string, params: Record<string, string | number> = {}): ApiError {
    let message = catalogs[this.#language()][key] ?? key;
    for (const [name, value] of Object.entries(params)) message = message.replaceAll(`{${name}}`, String(value));
    return { code, message };
  }

  #refuse(verdict: Verdict | null): void {
    if (verdict) throw this.#error("invalid_input", verdict.key, verdict.params);
  }

  /** Enters step `index`, sends its events, and lets time move on if that is what comes next. */
  #enter(index: number): Step {
    this.#index = index;
    const step = this.#step;
    for (const event of step.events ?? []) {
      if (event === "schedule-changed") void emit(event, null);
      else void emit(event, event === "session" ? this.#dress(step.session) : step.phaseChange);
    }
    this.#scheduleTime();
    return step;
  }

  /** When the next recorded step (states to start in aside) is time, it comes as it came then. */
  #scheduleTime(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    const steps = this.#story.steps;
    const next = steps.findIndex((s, i) => i > this.#index && s.by !== null);
    if (next < 0 || steps[next]!.by !== "time") return;
    const wait = Date.parse(steps[next]!.at) - Date.parse(this.#step.at);
    this.#timer = setTimeout(() => this.#enter(next), Math.max(0, wait));
  }

  /**
   * The next step recorded for `command`. With no session in progress the story may start over;
   * a command with no recording from here is refused with a message saying so.
   */
  #follow(command: string): Step {
    const steps = this.#story.steps;
    let next = steps.findIndex((s, i) => i > this.#index && s.by === command);
    if (next < 0 && !this.#step.session) next = steps.findIndex((s) => s.by === command);
    if (next < 0) {
      throw { code: "internal", message: `mock: no ${command} recorded after step ${this.#index}` } satisfies ApiError;
    }
    return this.#enter(next);
  }

  settingsView(): SettingsView {
    return { settings: { ...this.settings }, language: this.#language(), startAtLoginSupported: true, shortcutSupported: true };
  }

  saveTemplate(draft: TemplateDraft): Template {
    const others = this.templates.filter((t) => t.id !== draft.id).map((t) => t.name);
    this.#refuse(templateVerdict(draft.name, draft.phases.map(rowFromPhase), others));
    const phases = draft.phases.map((p) => ({ ...p }));
    if (draft.id === null) {
      const created: Template = { id: `mock-template-${++this.#created}`, name: draft.name, builtin: false, phases };
      this.templates.push(created);
      return created;
    }
    const existing = this.templates.find((t) => t.id === draft.id);
    if (!existing) throw this.#error("not_found", "error.not_found.template");
    existing.name = draft.name;
    existing.phases = phases;
    return structuredClone(existing);
  }

  deleteTemplate(id: string): null {
    const template = this.templates.find((t) => t.id === id);
    if (!template) throw this.#error("not_found", "error.not_found.template");
    if (template.builtin) throw this.#error("invalid_input", "error.builtin_template");
    this.templates = this.templates.filter((t) => t.id !== id);
    return null;
  }

  // The room's side of the person's session (see MockSessions in ./rooms.ts).

  current(): SessionView | null {
    return this.#dress(this.#step.session);
  }

  template(id: string): Template | null {
    return this.templates.find((x) => x.id === id) ?? null;
  }

  /** Lays a room over the session in progress (a state to start in). */
  setRoom(link: RoomLink | null, follows = true, shares = false): void {
    this.#room = link ? { link, follows, shares } : null;
  }

  /** Moves to the recorded step for the room's phase and sends the session there. */
  #goTo(phase: SharedPhaseKind, paused: boolean): void {
    const state = paused && phase === "focus" ? "paused" : ROOM_PHASE_STATES[phase];
    const at = this.#story.steps.findIndex((s) => s.state === state);
    const index = phase === "commitment" ? this.#story.steps.findIndex((s) => s.by === "start_session") : at;
    if (index >= 0 && index !== this.#index) {
      this.#index = index;
      this.#scheduleTime();
    }
    void emit("session", this.current());
  }

  joinRoom(link: RoomLink, phase: SharedPhaseKind, paused: boolean): SessionView {
    if (this.#step.session) throw this.#error("wrong_state", "error.state.session_in_progress");
    this.#room = { link, follows: true, shares: false };
    this.#goTo(phase, paused);
    return this.current()!;
  }

  follow(sessionId: string, phase: SharedPhaseKind, paused: boolean): void {
    const room = this.#room;
    if (!this.#step.session || !room?.follows || room.link.sessionId !== sessionId) return;
    this.#goTo(phase, paused);
  }

  leaveRoom(): SessionView {
    if (!this.#step.session) throw this.#error("wrong_state", "error.state.no_session");
    if (this.#room) this.#room.follows = false;
    void emit("session", this.current());
    return this.current()!;
  }

  shareOwn(link: RoomLink): SessionView {
    if (!this.#step.session) throw this.#error("wrong_state", "error.state.no_session");
    if (this.#room) throw this.#error("wrong_state", "error.state.already_a_room_session");
    this.#room = { link, follows: false, shares: true };
    void emit("session", this.current());
    return this.current()!;
  }

  share(share: boolean): SessionView {
    if (!this.#step.session) throw this.#error("wrong_state", "error.state.no_session");
    if (!this.#room) throw this.#error("wrong_state", "error.state.not_a_room_session");
    this.#room.shares = share;
    void emit("session", this.current());
    return this.current()!;
  }

  handle(cmd: string, args: Record<string, unknown>): unknown {
    if (SESSION_COMMANDS.has(cmd)) {
      if (cmd === "add_commitment" || cmd === "update_commitment") this.#refuse(draftVerdict(args.draft as CommitmentDraft));
      if (cmd === "pause_session") this.#refuse(noteVerdict((args.note as string | null) ?? null));
      if ((cmd === "skip_phase" || cmd === "extend_phase") && this.#room?.follows && this.#step.session) {
        throw this.#error("wrong_state", "error.state.follows_room");
      }
      if (cmd === "end_session_early" && this.#room) this.#room.follows = false;
      const step = this.#follow(cmd);
      if (cmd !== "close_session") return this.#dress(step.session);
      // the session is over: a room's name stays with it in the history
      if (this.#room && step.summary) this.roomNames.set(step.summary.id, this.#room.link.roomName);
      this.#room = null;
      return step.summary && this.#dressSummary(step.summary);
    }
    switch (cmd) {
      case "first_screen": {
        const settings = this.settingsView();
        return {
          info: { ...INFO, language: this.lang },
          session: this.current(),
          settings,
          templates: structuredClone(this.templates),
          today: this.#list("today"),
          catalog: catalogs[settings.language],
          fonts: null, // a browser's own stacks are quick to resolve
          openView: null,
        } satisfies FirstScreen;
      }
      case "catalog":
        return catalogs[args.language as Language];
      case "app_info":
        return { ...INFO, language: this.lang };
      case "list_templates":
        return structuredClone(this.templates);
      case "save_template":
        return this.saveTemplate(args.draft as TemplateDraft);
      case "delete_template":
        return this.deleteTemplate(args.id as string);
      case "current_session":
        return this.current();
      case "abandon_session": {
        if (!this.#step.session) throw this.#error("wrong_state", "error.state.no_session");
        // back to the story's first state, before the session
        this.#index = 0;
        this.#room = null;
        this.#scheduleTime();
        void emit("session", null);
        return null;
      }
      case "carry_over_suggestions":
        return this.#list("suggestions");
      case "history_page":
        return historyPage(this.#list("history"), args.query as HistoryQuery);
      case "history_facets": {
        const history = this.#list("history");
        const tags = new Map<string, string>();
        for (const c of history.flatMap((x) => x.commitments)) if (c.tag) tags.set(c.tag.toLowerCase(), c.tag);
        const rooms = new Set(history.flatMap((x) => (x.roomName ? [x.roomName] : [])));
        const sorted = (list: Iterable<string>) => [...list].sort((a, b) => a.localeCompare(b));
        return { tags: sorted(tags.values()), rooms: sorted(rooms) };
      }
      case "statistics": {
        const [first, last] = [args.first as string, args.last as string];
        const problem = rangeProblem(first, last);
        if (problem) throw this.#error("invalid_input", problem.key, problem.params);
        return statistics(this.#list("history"), first, last, dayOf(new Date()));
      }
      case "weekly_review": {
        const today = dayOf(new Date());
        return weeklyReview(this.#list("history"), (args.day as string | null) ?? today, today, this.planned);
      }
      case "plan_carries":
        for (const id of args.ids as string[]) this.planned.add(id);
        return null;
      case "unplan_carries":
        for (const id of args.ids as string[]) this.planned.delete(id);
        return null;
      case "session_record": {
        const record = this.#list("records").find((r) => r.summary.id === args.id);
        if (!record) throw this.#error("not_found", "error.not_found.session");
        return { ...record, summary: this.#dressSummary(record.summary) };
      }
      case "list_sessions": {
        const list = this.#list(args.since ? "today" : "history");
        return list.slice(0, (args.limit as number | undefined) ?? list.length);
      }
      case "settings":
        return this.settingsView();
      case "change_setting": {
        if (this.failSettings) throw this.#error("storage", "error.storage", { detail: "database is locked" });
        const change = args.change as SettingChange;
        this.settings =
          change.defaultTemplate !== undefined
            ? { ...this.settings, defaultTemplateId: change.defaultTemplate }
            : ({ ...this.settings, ...change } as Settings);
        return this.settingsView();
      }
      case "ui_ready":
      case "open_data_folder":
        return null;
      default:
        throw { code: "internal", message: `mock: unknown command ${cmd}` } satisfies ApiError;
    }
  }
}
