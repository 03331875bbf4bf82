// A fake of the Rust side for development and screenshots only (served by mock.html, never
// part of the production build). It follows docs/ipc.md closely enough to click through.
import { emit } from "@tauri-apps/api/event";
import de from "../../../locales/de.json";
import en from "../../../locales/en.json";
import type { ApiError } from "../bindings/ApiError";
import type { CarryOverSuggestion } from "../bindings/CarryOverSuggestion";
import type { ClosingReport } from "../bindings/ClosingReport";
import type { Commitment } from "../bindings/Commitment";
import type { CommitmentDraft } from "../bindings/CommitmentDraft";
import type { Language } from "../bindings/Language";
import type { OutcomeEntry } from "../bindings/OutcomeEntry";
import type { PhaseKind } from "../bindings/PhaseKind";
import type { PlannedPhase } from "../bindings/PlannedPhase";
import type { SessionSummary } from "../bindings/SessionSummary";
import type { SessionView } from "../bindings/SessionView";
import type { SettingChange } from "../bindings/SettingChange";
import type { Settings } from "../bindings/Settings";
import type { SettingsView } from "../bindings/SettingsView";
import type { StepState } from "../bindings/StepState";
import type { Template } from "../bindings/Template";
import type { TemplateDraft } from "../bindings/TemplateDraft";
import {
  COMMITMENT_MAX_CHARS,
  ESTIMATE_MAX_MINUTES,
  PHASE_MAX_SECS,
  PHASE_MIN_SECS,
  TEMPLATE_MAX_PHASES,
  TEMPLATE_NAME_MAX_CHARS,
} from "../bindings/limits";

const MIN = 60;
const p = (kind: PhaseKind, minutes: number): PlannedPhase => ({ kind, durationSecs: minutes * MIN });

export const TEMPLATES: Template[] = [
  {
    id: "tpl-worktogether",
    name: "Worktogether",
    builtin: true,
    phases: [p("commitment", 10), p("focus", 50), p("break", 10), p("focus", 50), p("closing", 10)],
  },
  {
    id: "tpl-pomodoro",
    name: "Pomodoro",
    builtin: true,
    phases: [
      p("commitment", 5),
      p("focus", 25), p("break", 5), p("focus", 25), p("break", 5),
      p("focus", 25), p("break", 5), p("focus", 25),
      p("closing", 5),
    ],
  },
  { id: "tpl-short", name: "Short block", builtin: true, phases: [p("commitment", 3), p("focus", 45), p("closing", 2)] },
  {
    id: "tpl-deep",
    name: "Deep work",
    builtin: false,
    phases: [p("commitment", 5), p("focus", 90), p("break", 15), p("focus", 60), p("closing", 5)],
  },
];

const messages: Record<Language, Record<string, string>> = {
  en: {
    empty: "Please write what you will work on.",
    tooLong: `A commitment can be at most ${COMMITMENT_MAX_CHARS} characters long.`,
    noSession: "No session is running.",
    wrongState: "That is not possible in this phase.",
    outcomeMissing: "Give every commitment an outcome: done, partly or not done.",
    nameEmpty: "Give the template a name.",
    nameTooLong: `A template name can have at most ${TEMPLATE_NAME_MAX_CHARS} characters.`,
    nameTaken: "A template with this name exists already.",
    shape: "A template starts with a commitment round, ends with a closing round and has at least one focus block in between.",
    tooMany: `A template has at most ${TEMPLATE_MAX_PHASES} phases.`,
    phaseZero: "Phase {position} needs a duration.",
    phaseTooLong: `Phase {position} would be longer than ${PHASE_MAX_SECS / 3600} hours.`,
    builtin: "Built-in templates can be changed but not deleted.",
    noTemplate: "This template no longer exists.",
    sleepMode: "Unknown sleep behaviour.",
    storage: "Could not save the setting: the database is locked.",
    estimate: `An estimate is 1 to ${ESTIMATE_MAX_MINUTES} minutes.`,
  },
  de: {
    empty: "Bitte schreib, woran du arbeiten wirst.",
    tooLong: `Ein Commitment darf höchstens ${COMMITMENT_MAX_CHARS} Zeichen lang sein.`,
    noSession: "Es läuft keine Session.",
    wrongState: "Das geht in dieser Phase nicht.",
    outcomeMissing: "Gib jedem Commitment ein Ergebnis: erledigt, teilweise oder nicht erledigt.",
    nameEmpty: "Gib der Vorlage einen Namen.",
    nameTooLong: `Ein Vorlagenname darf höchstens ${TEMPLATE_NAME_MAX_CHARS} Zeichen haben.`,
    nameTaken: "Eine Vorlage mit diesem Namen gibt es schon.",
    shape: "Eine Vorlage beginnt mit einer Commitment-Runde, endet mit einer Abschlussrunde und hat dazwischen mindestens einen Fokus-Block.",
    tooMany: `Eine Vorlage hat höchstens ${TEMPLATE_MAX_PHASES} Phasen.`,
    phaseZero: "Phase {position} braucht eine Dauer.",
    phaseTooLong: `Phase {position} wäre länger als ${PHASE_MAX_SECS / 3600} Stunden.`,
    builtin: "Eingebaute Vorlagen kannst du ändern, aber nicht löschen.",
    noTemplate: "Diese Vorlage gibt es nicht mehr.",
    sleepMode: "Unbekanntes Verhalten beim Schlafen.",
    storage: "Die Einstellung konnte nicht gespeichert werden: Die Datenbank ist gesperrt.",
    estimate: `Eine Schätzung liegt zwischen 1 und ${ESTIMATE_MAX_MINUTES} Minuten.`,
  },
};

let seq = 0;
const newId = (prefix: string) => `${prefix}-${++seq}`;
const iso = (ms: number) => new Date(ms).toISOString();

interface Live {
  id: string;
  templateName: string;
  plan: PlannedPhase[];
  states: StepState[];
  index: number;
  phaseStartedAt: number;
  deadline: number;
  extendedSecs: number;
  status: "running" | "paused";
  pausedSince: number | null;
  pauseNote: string | null;
  remainingAtPause: number;
  commitments: Commitment[];
  focusBefore: number; // focus seconds of finished focus phases
  startedAt: number;
  interruptions: number;
  overallNote: string | null;
  focusRating: number | null;
}

export class FakeBackend {
  lang: Language;
  live: Live | null = null;
  history: SessionSummary[] = [];
  suggestions: CarryOverSuggestion[] = [];
  settings: Settings = {
    language: "system",
    theme: "system",
    defaultTemplateId: "",
    sound: true,
    startAtLogin: false,
    keepInTray: true,
    shortcut: null,
    sleepMode: "keep_wall_clock",
  };
  /** make `change_setting` fail (to see the error) */
  failSettings = false;
  #timer: ReturnType<typeof setTimeout> | null = null;

  constructor(lang: Language) {
    this.lang = lang;
  }

  settingsView(): SettingsView {
    const language = this.settings.language === "system" ? this.lang : this.settings.language;
    return { settings: { ...this.settings }, language, startAtLoginSupported: true, shortcutSupported: true };
  }

  error(code: ApiError["code"], key: string, position?: number): ApiError {
    const text = messages[this.lang][key] ?? key;
    return { code, message: text.replace("{position}", String(position ?? "")) };
  }

  /** The template rules of crates/core/src/templates.rs, in the same order. */
  saveTemplate(draft: TemplateDraft): Template {
    const name = draft.name.trim();
    if (!name) throw this.error("invalid_input", "nameEmpty");
    if ([...name].length > TEMPLATE_NAME_MAX_CHARS) throw this.error("invalid_input", "nameTooLong");
    const phases = draft.phases;
    if (phases.length > TEMPLATE_MAX_PHASES) throw this.error("invalid_input", "tooMany");
    const middle = phases.slice(1, -1);
    const shapeOk =
      phases.length >= 3 &&
      phases[0]!.kind === "commitment" &&
      phases[phases.length - 1]!.kind === "closing" &&
      middle.every((x) => x.kind === "focus" || x.kind === "break") &&
      middle.some((x) => x.kind === "focus");
    if (!shapeOk) throw this.error("invalid_input", "shape");
    phases.forEach((x, i) => {
      if (x.durationSecs < PHASE_MIN_SECS) throw this.error("invalid_input", "phaseZero", i + 1);
      if (x.durationSecs > PHASE_MAX_SECS) throw this.error("invalid_input", "phaseTooLong", i + 1);
    });
    const fold = (n: string) => n.replace(/[A-Z]/g, (c) => c.toLowerCase());
    if (TEMPLATES.some((x) => x.id !== draft.id && fold(x.name) === fold(name))) {
      throw this.error("invalid_input", "nameTaken");
    }
    const copy = phases.map((x) => ({ kind: x.kind, durationSecs: x.durationSecs }));
    if (draft.id === null) {
      const created: Template = { id: newId("tpl"), name, builtin: false, phases: copy };
      TEMPLATES.push(created);
      return created;
    }
    const existing = TEMPLATES.find((x) => x.id === draft.id);
    if (!existing) throw this.error("not_found", "noTemplate");
    existing.name = name;
    existing.phases = copy;
    return existing;
  }

  deleteTemplate(id: string): null {
    const i = TEMPLATES.findIndex((x) => x.id === id);
    if (i < 0) throw this.error("not_found", "noTemplate");
    if (TEMPLATES[i]!.builtin) throw this.error("invalid_input", "builtin");
    TEMPLATES.splice(i, 1);
    return null;
  }

  // ---- session state ---------------------------------------------------------------------

  start(templateId: string, now = Date.now()): SessionView {
    if (this.live) throw this.error("wrong_state", "wrongState");
    const tpl = TEMPLATES.find((t) => t.id === templateId);
    if (!tpl) throw this.error("not_found", "noSession");
    const first = tpl.phases[0]!;
    this.live = {
      id: newId("session"),
      templateName: tpl.name,
      plan: tpl.phases,
      states: tpl.phases.map((_, i) => (i === 0 ? "current" : "upcoming")),
      index: 0,
      phaseStartedAt: now,
      deadline: now + first.durationSecs * 1000,
      extendedSecs: 0,
      status: "running",
      pausedSince: null,
      pauseNote: null,
      remainingAtPause: 0,
      commitments: [],
      focusBefore: 0,
      startedAt: now,
      interruptions: 0,
      overallNote: null,
      focusRating: null,
    };
    this.schedule();
    return this.view();
  }

  requireLive(): Live {
    if (!this.live) throw this.error("wrong_state", "noSession");
    return this.live;
  }

  focusNow(l: Live, now = Date.now()): number {
    const kind = l.plan[l.index]?.kind;
    let current = 0;
    if (kind === "focus") {
      const end = l.status === "paused" && l.pausedSince ? l.pausedSince : now;
      const planned = (l.plan[l.index]?.durationSecs ?? 0) + l.extendedSecs;
      const remaining = l.status === "paused" ? l.remainingAtPause : (l.deadline - end) / 1000;
      current = Math.max(0, Math.min(planned, planned - remaining));
    }
    return Math.round(l.focusBefore + current);
  }

  view(now = Date.now()): SessionView {
    const l = this.requireLive();
    const phase = l.plan[l.index]!;
    const remaining =
      l.status === "paused" ? l.remainingAtPause : Math.ceil((l.deadline - now) / 1000);
    return {
      id: l.id,
      templateName: l.templateName,
      status: l.status,
      startedAt: iso(l.startedAt),
      phase: {
        index: l.index,
        kind: phase.kind,
        startedAt: iso(l.phaseStartedAt),
        deadline: iso(l.status === "paused" ? now + l.remainingAtPause * 1000 : l.deadline),
        durationSecs: phase.durationSecs + l.extendedSecs,
        remainingSecs: remaining,
      },
      next: l.plan[l.index + 1] ?? null,
      plan: l.plan.map((s, i) => ({ index: i, kind: s.kind, durationSecs: s.durationSecs, state: l.states[i]! })),
      pausedSince: l.pausedSince ? iso(l.pausedSince) : null,
      pauseNote: l.status === "paused" ? l.pauseNote : null,
      commitments: l.commitments.map((c) => ({ ...c })),
      focusSecs: this.focusNow(l, now),
      overallNote: l.overallNote,
      focusRating: l.focusRating,
      asOf: iso(now),
    };
  }

  advance(reason: "elapsed" | "skipped", now = Date.now()): void {
    const l = this.requireLive();
    if (l.index >= l.plan.length - 1) return; // the closing round waits for the report
    l.focusBefore = this.focusNow(l, now);
    const from = l.plan[l.index]!.kind;
    l.states[l.index] = reason === "skipped" ? "skipped" : "done";
    l.index += 1;
    l.states[l.index] = "current";
    l.phaseStartedAt = now;
    l.deadline = now + l.plan[l.index]!.durationSecs * 1000;
    l.extendedSecs = 0;
    if (l.status === "paused") {
      l.status = "running";
      l.pausedSince = null;
      l.pauseNote = null;
    }
    this.schedule();
    void emit("phase-changed", { sessionId: l.id, from, to: l.plan[l.index]!.kind, toIndex: l.index, missed: 0 });
  }

  schedule(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    const l = this.live;
    if (!l || l.status !== "running" || l.index >= l.plan.length - 1) return;
    this.#timer = setTimeout(() => {
      this.advance("elapsed");
      this.publish();
    }, Math.max(0, l.deadline - Date.now()));
  }

  publish(): void {
    void emit("session", this.live ? this.view() : null);
  }

  // ---- commands ---------------------------------------------------------------------------

  checkText(draft: CommitmentDraft): void {
    const text = draft.text.trim();
    if (!text) throw this.error("invalid_input", "empty");
    if ([...text].length > COMMITMENT_MAX_CHARS) throw this.error("invalid_input", "tooLong");
    const est = draft.estimateMinutes;
    if (est !== null && (!Number.isInteger(est) || est < 1 || est > ESTIMATE_MAX_MINUTES)) throw this.error("invalid_input", "estimate");
  }

  handle(cmd: string, args: Record<string, unknown>): unknown {
    switch (cmd) {
      case "first_screen": {
        const settings = this.handle("settings", {}) as SettingsView;
        return {
          info: this.handle("app_info", {}),
          session: this.handle("current_session", {}),
          settings,
          templates: this.handle("list_templates", {}),
          today: this.handle("list_sessions", { since: args.since, limit: 50 }),
          catalog: this.handle("catalog", { language: settings.language }),
          fonts: null, // a browser's own stacks are quick to resolve
        };
      }
      case "catalog":
        return (args.language as Language) === "de" ? de : en;
      case "app_info":
        return {
          version: "0.1.0",
          dataDir: "/home/anna/.local/share/worktogether",
          databasePath: "/home/anna/.local/share/worktogether/worktogether.sqlite3",
          language: this.lang,
        };
      case "list_templates":
        return TEMPLATES.map((x) => ({ ...x, phases: x.phases.map((ph) => ({ ...ph })) }));
      case "save_template":
        return this.saveTemplate(args.draft as TemplateDraft);
      case "delete_template":
        return this.deleteTemplate(args.id as string);
      case "current_session":
        return this.live ? this.view() : null;
      case "start_session":
        return this.mutate(() => this.start(args.templateId as string));
      case "add_commitment":
        return this.mutate(() => {
          const l = this.requireLive();
          const draft = args.draft as CommitmentDraft;
          this.checkText(draft);
          const c = this.commitment(l.id, l.commitments.length, draft.text.trim(), draft.tag);
          c.estimateMinutes = draft.estimateMinutes;
          l.commitments.push(c);
        });
      case "update_commitment":
        return this.mutate(() => {
          const draft = args.draft as CommitmentDraft;
          this.checkText(draft);
          const c = this.find(args.id as string);
          c.text = draft.text.trim();
          c.tag = draft.tag;
          c.estimateMinutes = draft.estimateMinutes;
        });
      case "remove_commitment":
        return this.mutate(() => {
          const l = this.requireLive();
          l.commitments = l.commitments.filter((c) => c.id !== args.id);
          l.commitments.forEach((c, i) => (c.position = i));
        });
      case "move_commitment":
        return this.mutate(() => {
          const l = this.requireLive();
          const c = this.find(args.id as string);
          const rest = l.commitments.filter((x) => x.id !== c.id);
          const pos = Math.max(0, Math.min(rest.length, args.position as number));
          rest.splice(pos, 0, c);
          rest.forEach((x, i) => (x.position = i));
          l.commitments = rest;
        });
      case "tick_commitment":
        return this.mutate(() => {
          this.find(args.id as string).outcome = args.done ? "done" : "pending";
        });
      case "draft_outcome":
        return this.mutate(() => {
          const e = args.entry as OutcomeEntry;
          const c = this.find(e.commitmentId);
          c.outcome = e.outcome;
          c.note = e.note;
          c.feedbackWanted = e.feedbackWanted;
        });
      case "draft_closing_notes":
        return this.mutate(() => {
          const l = this.requireLive();
          l.overallNote = (args.overallNote as string | null) ?? null;
          l.focusRating = (args.focusRating as number | null) ?? null;
        });
      case "carry_over_suggestions":
        return this.suggestions;
      case "carry_over":
        return this.mutate(() => {
          const l = this.requireLive();
          for (const id of args.ids as string[]) {
            const s = this.suggestions.find((x) => x.commitment.id === id);
            if (!s) continue;
            const c = this.commitment(l.id, l.commitments.length, s.commitment.text, s.commitment.tag);
            c.carriedFrom = id;
            c.carryCount = s.commitment.carryCount + 1;
            l.commitments.push(c);
          }
          this.suggestions = this.suggestions.filter((s) => !(args.ids as string[]).includes(s.commitment.id));
        });
      case "pause_session":
        return this.mutate(() => {
          const l = this.requireLive();
          if (l.status === "paused") throw this.error("wrong_state", "wrongState");
          const now = Date.now();
          l.remainingAtPause = Math.max(0, Math.ceil((l.deadline - now) / 1000));
          l.status = "paused";
          l.pausedSince = now;
          const note = typeof args.note === "string" ? args.note.trim() : "";
          l.pauseNote = note || null;
          l.interruptions += 1;
          this.schedule();
        });
      case "resume_session":
        return this.mutate(() => {
          const l = this.requireLive();
          if (l.status !== "paused") throw this.error("wrong_state", "wrongState");
          l.deadline = Date.now() + l.remainingAtPause * 1000;
          l.status = "running";
          l.pausedSince = null;
          l.pauseNote = null;
          this.schedule();
        });
      case "skip_phase":
        return this.mutate(() => {
          const l = this.requireLive();
          if (l.index >= l.plan.length - 1) throw this.error("wrong_state", "wrongState");
          this.advance("skipped");
        });
      case "extend_phase":
        return this.mutate(() => {
          const l = this.requireLive();
          const secs = (args.minutes as number) * MIN;
          l.extendedSecs += secs;
          if (l.status === "paused") l.remainingAtPause += secs;
          else l.deadline += secs * 1000;
          this.schedule();
        });
      case "end_session_early":
        return this.mutate(() => {
          const l = this.requireLive();
          while (l.index < l.plan.length - 1) this.advance("skipped");
        });
      case "abandon_session": {
        const l = this.requireLive();
        this.history.unshift(this.summary(l, "abandoned", null));
        this.live = null;
        this.schedule();
        this.publish();
        return null;
      }
      case "close_session": {
        const l = this.requireLive();
        if (l.plan[l.index]?.kind !== "closing") throw this.error("wrong_state", "wrongState");
        const report = args.report as ClosingReport;
        if (report.outcomes.some((o) => o.outcome === "pending")) throw this.error("invalid_input", "outcomeMissing");
        for (const o of report.outcomes) {
          const c = this.find(o.commitmentId);
          c.outcome = o.outcome;
          c.note = o.note;
          c.feedbackWanted = o.feedbackWanted;
        }
        const summary = this.summary(l, "finished", report);
        this.history.unshift(summary);
        this.live = null;
        this.schedule();
        this.publish();
        return summary;
      }
      case "list_sessions": {
        const since = args.since ? Date.parse(args.since as string) : -Infinity;
        return this.history.filter((s) => Date.parse(s.startedAt) >= since).slice(0, args.limit as number);
      }
      case "settings":
        return this.settingsView();
      case "change_setting": {
        const change = args.change as SettingChange;
        if ("sleepMode" in change && change.sleepMode !== "keep_wall_clock" && change.sleepMode !== "pause_while_asleep")
          throw this.error("invalid_input", "sleepMode");
        if (this.failSettings) throw this.error("storage", "storage");
        this.settings = { ...this.settings, ...change } as Settings;
        return this.settingsView();
      }
      case "ui_ready":
        return null;
      default:
        throw { code: "internal", message: `mock: unknown command ${cmd}` } satisfies ApiError;
    }
  }

  mutate(fn: () => unknown): SessionView {
    fn();
    const view = this.view();
    this.publish();
    return view;
  }

  find(id: string): Commitment {
    const c = this.requireLive().commitments.find((x) => x.id === id);
    if (!c) throw this.error("not_found", "noSession");
    return c;
  }

  commitment(sessionId: string, position: number, text: string, tag: string | null): Commitment {
    return {
      id: newId("c"),
      sessionId,
      position,
      text,
      tag,
      estimateMinutes: null,
      outcome: "pending",
      note: null,
      feedbackWanted: false,
      carriedFrom: null,
      carryCount: 0,
    };
  }

  summary(l: Live, status: "finished" | "abandoned", report: ClosingReport | null): SessionSummary {
    const now = Date.now();
    return {
      id: l.id,
      templateName: l.templateName,
      status,
      startedAt: iso(l.startedAt),
      endedAt: iso(now),
      focusSecs: this.focusNow(l, now),
      pauseSecs: 0,
      interruptions: l.interruptions,
      commitments: l.commitments.map((c) => ({ ...c })),
      overallNote: report?.overallNote ?? null,
      focusRating: report?.focusRating ?? null,
    };
  }
}
