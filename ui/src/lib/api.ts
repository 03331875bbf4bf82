// The one typed wrapper around the Tauri commands of docs/ipc.md. One function per command.
import { invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import type { ApiError } from "../bindings/ApiError";
import type { AppInfo } from "../bindings/AppInfo";
import type { CarryOverSuggestion } from "../bindings/CarryOverSuggestion";
import type { FirstScreen } from "../bindings/FirstScreen";
import type { Language } from "../bindings/Language";
import type { ClosingReport } from "../bindings/ClosingReport";
import type { CommitmentDraft } from "../bindings/CommitmentDraft";
import type { OutcomeEntry } from "../bindings/OutcomeEntry";
import type { PhaseChange } from "../bindings/PhaseChange";
import type { SessionSummary } from "../bindings/SessionSummary";
import type { SessionView } from "../bindings/SessionView";
import type { SettingChange } from "../bindings/SettingChange";
import type { SettingsView } from "../bindings/SettingsView";
import type { Template } from "../bindings/Template";
import type { TemplateDraft } from "../bindings/TemplateDraft";

const ERROR_CODES = ["invalid_input", "not_found", "wrong_state", "storage", "internal"] as const;

export function isApiError(e: unknown): e is ApiError {
  return (
    typeof e === "object" &&
    e !== null &&
    typeof (e as { message?: unknown }).message === "string" &&
    ERROR_CODES.includes((e as { code?: unknown }).code as (typeof ERROR_CODES)[number])
  );
}

/** Whatever a command rejected with, as an ApiError (never a raw stack). */
export function toApiError(e: unknown): ApiError {
  if (isApiError(e)) return e;
  if (typeof e === "string") return { code: "internal", message: e };
  if (e instanceof Error) return { code: "internal", message: e.message };
  return { code: "internal", message: String(e) };
}

async function call<T>(cmd: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(cmd, args);
  } catch (e) {
    throw toApiError(e);
  }
}

export const appInfo = () => call<AppInfo>("app_info");
export const firstScreen = (since: string) => call<FirstScreen>("first_screen", { since });

/** The first screen as asked for by index.html before the bundle loaded (once; see `init`). */
export async function earlyFirstScreen(): Promise<{ since: string; answer: FirstScreen } | null> {
  const w = globalThis as { __worktogetherFirstScreen?: { since: string; answer: Promise<FirstScreen> } };
  const early = w.__worktogetherFirstScreen;
  if (!early) return null;
  delete w.__worktogetherFirstScreen;
  try {
    return { since: early.since, answer: await early.answer };
  } catch (e) {
    throw toApiError(e);
  }
}
export const catalog = (language: Language) => call<Record<string, string>>("catalog", { language });
export const listTemplates = () => call<Template[]>("list_templates");
export const saveTemplate = (draft: TemplateDraft) => call<Template>("save_template", { draft });
export const deleteTemplate = (id: string) => call<null>("delete_template", { id });
export const startSession = (templateId: string) => call<SessionView>("start_session", { templateId });
export const currentSession = () => call<SessionView | null>("current_session");
export const addCommitment = (draft: CommitmentDraft) => call<SessionView>("add_commitment", { draft });
export const updateCommitment = (id: string, draft: CommitmentDraft) =>
  call<SessionView>("update_commitment", { id, draft });
export const removeCommitment = (id: string) => call<SessionView>("remove_commitment", { id });
export const moveCommitment = (id: string, position: number) =>
  call<SessionView>("move_commitment", { id, position });
export const tickCommitment = (id: string, done: boolean) => call<SessionView>("tick_commitment", { id, done });
export const draftOutcome = (entry: OutcomeEntry) => call<SessionView>("draft_outcome", { entry });
export const draftClosingNotes = (overallNote: string | null, focusRating: number | null) =>
  call<SessionView>("draft_closing_notes", { overallNote, focusRating });
export const carryOverSuggestions = () => call<CarryOverSuggestion[]>("carry_over_suggestions");
export const carryOver = (ids: string[]) => call<SessionView>("carry_over", { ids });
export const pauseSession = (note: string | null) => call<SessionView>("pause_session", { note });
export const resumeSession = () => call<SessionView>("resume_session");
export const skipPhase = () => call<SessionView>("skip_phase");
export const extendPhase = (minutes: number) => call<SessionView>("extend_phase", { minutes });
export const endSessionEarly = () => call<SessionView>("end_session_early");
export const abandonSession = () => call<null>("abandon_session");
export const closeSession = (report: ClosingReport) => call<SessionSummary>("close_session", { report });
export const listSessions = (since: string | null, limit: number) =>
  call<SessionSummary[]>("list_sessions", { since, limit });
export const settings = () => call<SettingsView>("settings");
export const changeSetting = (change: SettingChange) => call<SettingsView>("change_setting", { change });
export const openDataFolder = () => call<null>("open_data_folder");
export const uiReady = () => call<null>("ui_ready");

export const onSession = (handler: (view: SessionView | null) => void): Promise<UnlistenFn> =>
  listen<SessionView | null>("session", (e) => handler(e.payload));
export const onPhaseChanged = (handler: (change: PhaseChange) => void): Promise<UnlistenFn> =>
  listen<PhaseChange>("phase-changed", (e) => handler(e.payload));
export const onSettings = (handler: (view: SettingsView) => void): Promise<UnlistenFn> =>
  listen<SettingsView>("settings", (e) => handler(e.payload));
