// Dev/preview only: mock.html?state=…&lang=de|en&theme=light|dark
// state: home | home-empty | fast | commitment | focus | paused | break | closing | history | history-empty
//        | template (&template=<name>, default "Deep work") | template-new | fast-edit (seconds-long phases)
//          with &name=<new name> and &step=save|invalid|delete|delete-confirm|esc
//        | settings (&sleep=pause_while_asleep starts from that value; &focus=<test id> focuses a control)
//        | settings-saved (one change made)
//        | settings-error (the change is refused)
import { mockIPC } from "@tauri-apps/api/mocks";
import type { Commitment } from "../bindings/Commitment";
import type { Language } from "../bindings/Language";
import type { SessionSummary } from "../bindings/SessionSummary";
import { FakeBackend, TEMPLATES } from "./fake";

const params = new URLSearchParams(location.search);
const state = params.get("state") ?? "home";
const lang: Language = params.get("lang") === "de" ? "de" : "en";
const theme = params.get("theme");
if (theme === "dark" || theme === "light") document.documentElement.dataset.theme = theme;

const texts = {
  en: {
    c: ["Finish the October bookkeeping", "Write the newsletter draft", "Update the website’s price page"],
    tags: ["Bookkeeping", "Social Media", "Website"],
    s: ["Reply to the tax adviser", "Plan next week’s Instagram posts", "Sort receipts for Q3"],
    note: "Got through all receipts except two.",
    leftOff: "Halfway through the September receipts, the fuel bills are next",
    overall: "Good flow after a slow start. The break helped.",
  },
  de: {
    c: ["Buchhaltung für Oktober abschließen", "Newsletter-Entwurf schreiben", "Preisseite der Website aktualisieren"],
    tags: ["Buchhaltung", "Social Media", "Website"],
    s: ["Steuerberaterin antworten", "Instagram-Posts für nächste Woche planen", "Belege für Q3 sortieren"],
    note: "Alle Belege bis auf zwei erledigt.",
    leftOff: "Mitten in den Belegen für September, als Nächstes die Tankquittungen",
    overall: "Nach zähem Start guter Flow. Die Pause hat geholfen.",
  },
}[lang];

const fake = new FakeBackend(lang);
const MIN = 60_000;
const now = Date.now();

function commitment(i: number, sessionId: string, over: Partial<Commitment> = {}): Commitment {
  return {
    id: `seed-${sessionId}-${i}`,
    sessionId,
    position: i,
    text: texts.c[i % 3]!,
    tag: i === 1 ? null : texts.tags[i % 3]!,
    estimateMinutes: null,
    outcome: "pending",
    note: null,
    feedbackWanted: false,
    carriedFrom: null,
    carryCount: 0,
    ...over,
  };
}

function pastSession(daysAgo: number, hour: number, i: number): SessionSummary {
  const start = new Date();
  start.setDate(start.getDate() - daysAgo);
  start.setHours(hour, 0, 0, 0);
  const id = `past-${i}`;
  const abandoned = i === 2;
  return {
    id,
    templateName: i % 2 === 0 ? "Worktogether" : "Pomodoro",
    status: abandoned ? "abandoned" : "finished",
    startedAt: start.toISOString(),
    endedAt: new Date(start.getTime() + (abandoned ? 35 : 130) * MIN).toISOString(),
    focusSecs: abandoned ? 25 * 60 : 100 * 60 - i * 60,
    pauseSecs: 0,
    interruptions: i === 1 ? 2 : 0,
    commitments: abandoned
      ? [commitment(2, id)]
      : [
          commitment(0, id, { outcome: "done", note: texts.note, feedbackWanted: i === 0 }),
          commitment(1, id, { outcome: "partly" }),
          commitment(2, id, { outcome: "not_done", carryCount: 1 }),
        ],
    overallNote: abandoned ? null : texts.overall,
    focusRating: abandoned ? null : 4 - (i % 2),
  };
}

function liveAt(index: number, minutesIntoPhase: number) {
  fake.start("tpl-worktogether", now - (10 + minutesIntoPhase) * MIN);
  const l = fake.live!;
  l.index = index;
  l.states = l.plan.map((_, i) => (i < index ? (i === 2 ? "skipped" : "done") : i === index ? "current" : "upcoming"));
  l.phaseStartedAt = now - minutesIntoPhase * MIN;
  l.deadline = l.phaseStartedAt + l.plan[index]!.durationSecs * 1000;
  l.focusBefore = index > 1 ? 50 * 60 : 0;
  l.commitments = [0, 1, 2].map((i) => commitment(i, l.id));
  fake.schedule();
}

switch (state) {
  case "fast-edit":
    // a template saved by the tests, with seconds-long phases: shown rounded up, kept as is
    TEMPLATES.push({
      id: "tpl-fast",
      name: "Fast",
      builtin: false,
      phases: [
        { kind: "commitment", durationSecs: 12 },
        { kind: "focus", durationSecs: 5 },
        { kind: "break", durationSecs: 90 },
        { kind: "focus", durationSecs: 5 },
        { kind: "closing", durationSecs: 3 },
      ],
    });
    break;
  case "fast":
    // seconds-long phases, to watch the phase changes arrive as events
    TEMPLATES.push({
      id: "tpl-fast",
      name: "Fast",
      builtin: false,
      phases: [
        { kind: "commitment", durationSecs: 3 },
        { kind: "focus", durationSecs: 3 },
        { kind: "break", durationSecs: 2 },
        { kind: "focus", durationSecs: 2 },
        { kind: "closing", durationSecs: 3 },
      ],
    });
    break;
  case "home":
    fake.history = [pastSession(0, 9, 0), pastSession(1, 14, 1), pastSession(3, 9, 2)];
    break;
  case "commitment":
    fake.start("tpl-worktogether", now - 3 * MIN);
    fake.live!.commitments = [commitment(0, fake.live!.id, { estimateMinutes: 45 }), commitment(1, fake.live!.id)];
    fake.suggestions = texts.s.map((text, i) => ({
      commitment: { ...commitment(i, "old"), id: `sugg-${i}`, text, carryCount: i === 2 ? 3 : i, tag: i === 1 ? "Social Media" : null },
      sessionStartedAt: new Date(now - (i + 1) * 86_400_000).toISOString(),
    }));
    break;
  case "focus":
    liveAt(1, 22);
    fake.live!.commitments[0]!.outcome = "done";
    break;
  case "paused":
    liveAt(1, 31);
    fake.live!.status = "paused";
    fake.live!.pausedSince = now - 4 * MIN;
    fake.live!.pauseNote = texts.leftOff;
    fake.live!.remainingAtPause = 19 * 60 + 12;
    fake.live!.interruptions = 1;
    fake.schedule();
    break;
  case "break":
    liveAt(2, 3);
    fake.live!.states[2] = "current";
    fake.live!.commitments[0]!.outcome = "done";
    break;
  case "closing":
    liveAt(4, 12);
    fake.live!.states = ["done", "done", "done", "done", "current"];
    fake.live!.focusBefore = 100 * 60;
    fake.live!.commitments[0]!.outcome = "done";
    break;
  case "settings":
  case "settings-saved":
  case "settings-error":
    if (params.get("sleep") === "pause_while_asleep") fake.settings.sleepMode = "pause_while_asleep";
    fake.failSettings = state === "settings-error";
    break;
  case "history":
    fake.history = [0, 1, 2, 3, 4].map((i) => pastSession(i * 2, 9 + i, i));
    break;
}

mockIPC((cmd, payload) => fake.handle(cmd, (payload ?? {}) as Record<string, unknown>), { shouldMockEvents: true });

await import("../main");

/** Click the element with this test hook once it is there. */
function clickWhenThere(testId: string, then?: () => void) {
  const el = document.querySelector<HTMLElement>(`[data-testid="${CSS.escape(testId)}"]`);
  if (!el) {
    setTimeout(() => clickWhenThere(testId, then), 20);
    return;
  }
  el.click();
  if (then) setTimeout(then, 50);
}

if (state === "template" || state === "template-new" || state === "fast-edit") {
  const name = state === "fast-edit" ? "Fast" : (params.get("template") ?? "Deep work");
  const step = params.get("step");
  const setValue = (input: HTMLInputElement | undefined, value: string) => {
    if (!input) return;
    input.value = value;
    input.dispatchEvent(new Event("input", { bubbles: true }));
  };
  clickWhenThere(state === "template-new" ? "template-new" : `template-edit-${name}`, () => {
    const newName = params.get("name");
    if (newName !== null) setValue(document.querySelector<HTMLInputElement>('[data-testid="template-name"]') ?? undefined, newName);
    if (step === "delete") clickWhenThere("template-delete");
    if (step === "delete-confirm") clickWhenThere("template-delete", () => clickWhenThere("template-delete-confirm"));
    if (step === "save") setTimeout(() => clickWhenThere("template-save"), 50);
    if (step === "esc") {
      document.activeElement?.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape", bubbles: true }));
    }
    if (step === "invalid") {
      setValue(document.querySelector<HTMLInputElement>('[data-testid="template-name"]') ?? undefined, "Pomodoro");
      setValue(document.querySelectorAll<HTMLInputElement>('.editor input[type="number"]')[1], "0");
    }
  });
}

if (state.startsWith("settings")) {
  clickWhenThere("nav-settings", () => {
    // &focus=<test id>: show that control's keyboard focus
    const focus = params.get("focus");
    if (focus) setTimeout(() => document.querySelector<HTMLElement>(`[data-testid="${CSS.escape(focus)}"]`)?.focus(), 100);
    if (state === "settings") return;
    const other = fake.settings.sleepMode === "keep_wall_clock" ? "pause_while_asleep" : "keep_wall_clock";
    clickWhenThere(`sleep-mode-${other}`);
  });
}

if (state.startsWith("history")) {
  const click = () => {
    const nav = document.querySelector<HTMLButtonElement>('[data-testid="nav-history"]');
    if (nav) nav.click();
    else setTimeout(click, 20);
  };
  click();
}
