// The commands and events of the IPC contract, generated from Rust into ../bindings/ipc.ts
// (tauri-specta; a Rust test rewrites it and `make bindings-check` fails when it is stale).
// What is not generated lives here: every rejection turned into an ApiError, the first
// screen asked for early by index.html, and listening with a plain payload handler.
import type { UnlistenFn } from "@tauri-apps/api/event";
import type { ApiError } from "../bindings/ipc";
import type { FirstScreen } from "../bindings/ipc";
import { commands, events } from "../bindings/ipc";

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

type Commands = typeof commands;

/** A generated command that rejects only with an ApiError. */
function checked<K extends keyof Commands>(name: K): Commands[K] {
  const command = commands[name] as (...args: unknown[]) => Promise<unknown>;
  return (async (...args: unknown[]) => {
    try {
      return await command(...args);
    } catch (e) {
      throw toApiError(e);
    }
  }) as Commands[K];
}

const all = Object.fromEntries(
  (Object.keys(commands) as (keyof Commands)[]).map((name) => [name, checked(name)]),
) as Commands;

export const {
  appInfo,
  firstScreen,
  catalog,
  listTemplates,
  saveTemplate,
  deleteTemplate,
  startSession,
  currentSession,
  addCommitment,
  updateCommitment,
  removeCommitment,
  moveCommitment,
  tickCommitment,
  draftOutcome,
  draftClosingNotes,
  carryOverSuggestions,
  carryOver,
  pauseSession,
  resumeSession,
  skipPhase,
  extendPhase,
  endSessionEarly,
  abandonSession,
  closeSession,
  listSessions,
  settings,
  changeSetting,
  openDataFolder,
  uiReady,
} = all;

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

type Payload<E> = E extends { listen: (cb: (event: { payload: infer P }) => void) => unknown } ? P : never;

function on<E extends (typeof events)[keyof typeof events]>(
  event: E,
  handler: (payload: Payload<E>) => void,
): Promise<UnlistenFn> {
  return event.listen((e) => handler(e.payload as Payload<E>));
}

export const onSession = (handler: (view: Payload<typeof events.session>) => void) => on(events.session, handler);
export const onPhaseChanged = (handler: (change: Payload<typeof events.phaseChanged>) => void) =>
  on(events.phaseChanged, handler);
export const onSettings = (handler: (view: Payload<typeof events.settings>) => void) => on(events.settings, handler);
