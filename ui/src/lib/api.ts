// The commands and events of the IPC contract, generated from Rust into ../bindings/ipc.ts
// (tauri-specta; a Rust test rewrites it and `make bindings-check` fails when it is stale).
// What is not generated lives here: every rejection turned into an ApiError, the first
// screen asked for early by index.html, and listening with a plain payload handler.
import type { UnlistenFn } from "@tauri-apps/api/event";
import type { ApiError } from "../bindings/ipc";
import type { ErrorCode } from "../bindings/ipc";
import type { FirstScreen } from "../bindings/ipc";
import { commands, events } from "../bindings/ipc";

// Every code of the contract: a code missing here does not compile, so a new one (like the
// rooms' "unreachable") is never taken for a raw error.
const ERROR_CODES: Record<ErrorCode, true> = {
  invalid_input: true,
  not_found: true,
  wrong_state: true,
  storage: true,
  internal: true,
  unreachable: true,
};

export function isApiError(e: unknown): e is ApiError {
  if (typeof e !== "object" || e === null) return false;
  const { code, message } = e as { code?: unknown; message?: unknown };
  return typeof message === "string" && typeof code === "string" && Object.hasOwn(ERROR_CODES, code);
}

/** Whatever a command rejected with, as an ApiError (never a raw stack). */
export function toApiError(e: unknown): ApiError {
  if (isApiError(e)) return e;
  if (typeof e === "string") return { code: "internal", message: e };
  if (e instanceof Error) return { code: "internal", message: e.message };
  // a code this page does not know yet: its message is still Rust's words
  const message = typeof e === "object" && e !== null ? (e as { message?: unknown }).message : undefined;
  if (typeof message === "string") return { code: "internal", message };
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
  historyPage,
  sessionRecord,
  historyFacets,
  statistics,
  weeklyReview,
  planCarries,
  unplanCarries,
  schedule,
  previewBlock,
  saveBlock,
  deleteBlock,
  changeOccurrence,
  startBlock,
  snoozeBlock,
  saveRoutine,
  deleteRoutine,
  markRoutineDay,
  commitToRoutine,
  settings,
  changeSetting,
  openDataFolder,
  listBackups,
  makeBackup,
  restoreBackup,
  exportHistory,
  showExport,
  listImportable,
  importBackup,
  uiReady,
  rooms,
  joinRoom,
  createRoom,
  leaveRoom,
  tokenPlace,
  takeJoinLink,
  joinRoomSession,
  leaveRoomSession,
  startSharedSession,
  controlSharedSession,
  shareWithRoom,
  shareOwnSession,
  giveKudos,
  openVideoLink,
  setOpenLinkAtStart,
  askHost,
  postAhead,
  markAnswered,
  updateRoom,
  removeMember,
  handOverHost,
  changeRoomCode,
  deleteRoom,
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
export const onRooms = (handler: (list: Payload<typeof events.rooms>) => void) => on(events.rooms, handler);
export const onJoinLink = (handler: (link: Payload<typeof events.joinLink>) => void) => on(events.joinLink, handler);
export const onShowSession = (handler: () => void) => on(events.showSession, handler);
export const onShowReview = (handler: () => void) => on(events.showReview, handler);
/** A block or routine changed, or what became of one of their days: read the schedule again. */
export const onScheduleChanged = (handler: () => void) => on(events.scheduleChanged, handler);
