// The person's data as files, as Rust keeps them (src-tauri/data_commands.rs): the backups in
// the data folder (three samples, newest first; a restore keeps one more) and the exports into
// the Downloads folder, each under a new name. Nothing is read or written for real.
//   &backups=none (no backups yet) | confirm (the question before restoring the newest) |
//   restored (that restore done) | refused (refused: a session is in progress)
//   &export=open (History's export unfolded) | done (one export made)
import type { ApiError } from "../bindings/ipc";
import type { BackupEntry } from "../bindings/ipc";
import type { ExportDone } from "../bindings/ipc";
import type { ExportFormat } from "../bindings/ipc";
import type { ExportRequest } from "../bindings/ipc";
import type { Language } from "../bindings/ipc";
import type { RestoredBackup } from "../bindings/ipc";

const DOWNLOADS = "/home/anna/Downloads";

/** The name Rust gives a backup made at `at`: `worktogether-2026-12-03T151700Z.sqlite3`. */
export function backupName(at: Date): string {
  const iso = at.toISOString();
  return `worktogether-${iso.slice(0, 10)}T${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z.sqlite3`;
}

const exportNames: Record<ExportFormat, [string, string]> = {
  commitments: ["commitments", "csv"],
  sessions: ["sessions", "csv"],
  invoices: ["invoices", "csv"],
  json: ["backup", "json"],
  markdown: ["report", "md"],
};

/** A local day `YYYY-MM-DD`. */
const localDay = (d: Date) =>
  `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;

export class MockData {
  backups: BackupEntry[];
  /** refuse a restore as Rust does while a session is in progress */
  refuseRestore = false;
  #exported = new Set<string>();
  #lang: () => Language;

  constructor(lang: () => Language, now = new Date()) {
    this.#lang = lang;
    const at = (daysAgo: number, hour: number, minute: number) => {
      const d = new Date(now);
      d.setDate(d.getDate() - daysAgo);
      d.setHours(hour, minute, 12, 0);
      return d;
    };
    this.backups = [at(0, 9, 14), at(1, 9, 2), at(2, 14, 41)].map((d, i) => this.#entry(d, 2_480_000 - i * 61_000));
  }

  #entry(at: Date, size: number): BackupEntry {
    const madeAt = new Date(Math.floor(at.getTime() / 1000) * 1000);
    return { id: backupName(madeAt), madeAt: madeAt.toISOString(), size };
  }

  #refusal(code: ApiError["code"], en: string, de: string): ApiError {
    return { code, message: this.#lang() === "de" ? de : en };
  }

  /** One more backup, named for now (or the next free second). */
  make(now = new Date()): BackupEntry {
    let at = now;
    while (this.backups.some((b) => b.id === backupName(at))) at = new Date(at.getTime() + 1000);
    const made = this.#entry(at, this.backups[0]?.size ?? 2_480_000);
    this.backups = [made, ...this.backups];
    return made;
  }

  restore(name: string): RestoredBackup {
    const restored = this.backups.find((b) => b.id === name);
    if (!restored) {
      throw this.#refusal(
        "not_found",
        "There is no backup of that name (any more). Nothing was changed.",
        "Eine Sicherung dieses Namens gibt es nicht (mehr). Nichts wurde geändert.",
      );
    }
    if (this.refuseRestore) {
      throw this.#refusal(
        "wrong_state",
        "A session is already running. Finish or abandon it first.",
        "Es läuft schon eine Session. Schließ sie erst ab oder brich sie ab.",
      );
    }
    return { restored, kept: this.make() };
  }

  export(request: ExportRequest, now = new Date()): ExportDone {
    if (request.from && request.to && request.to < request.from) {
      throw this.#refusal(
        "invalid_input",
        "The range ends before it begins.",
        "Der Zeitraum endet, bevor er beginnt.",
      );
    }
    const [what, extension] = exportNames[request.format];
    const stem = `worktogether-${what}-${localDay(now)}`;
    let fileName = `${stem}.${extension}`;
    for (let n = 2; this.#exported.has(fileName); n++) fileName = `${stem} (${n}).${extension}`;
    this.#exported.add(fileName);
    const count = request.format === "markdown" ? null : request.format === "json" ? 12 : 37;
    return { path: `${DOWNLOADS}/${fileName}`, fileName, folder: DOWNLOADS, count };
  }

  handle(cmd: string, args: Record<string, unknown>): { answer: unknown } | null {
    switch (cmd) {
      case "list_backups":
        return { answer: structuredClone(this.backups) };
      case "make_backup":
        return { answer: this.make() };
      case "restore_backup":
        return { answer: this.restore(args.name as string) };
      case "export_history":
        return { answer: this.export(args.request as ExportRequest) };
      case "show_export":
        return { answer: null };
      default:
        return null;
    }
  }
}

/** Runs `then` with the element of this test hook once it is there (lazy screens load late). */
function whenThere(testId: string, then: (el: HTMLElement) => void, tries = 250) {
  const el = document.querySelector<HTMLElement>(`[data-testid="${CSS.escape(testId)}"]`);
  if (el) then(el);
  else if (tries > 0) setTimeout(() => whenThere(testId, then, tries - 1), 20);
}

const click = (testId: string, then?: () => void) =>
  whenThere(testId, (el) => {
    el.click();
    if (then) setTimeout(then, 50);
  });

/** The steps `&backups=` and `&export=` ask for, once their screen is up. */
export function stage(data: MockData, params: URLSearchParams): void {
  const backups = params.get("backups");
  if (backups === "none") data.backups = [];
  if (backups === "refused") data.refuseRestore = true;
  if (backups === "confirm" || backups === "restored" || backups === "refused") {
    click("backup-restore", () => {
      if (backups !== "confirm") click("backup-restore-confirm");
    });
  }
  const exporting = params.get("export");
  if (exporting === "open" || exporting === "done") {
    click("history-export-toggle", () => {
      if (exporting === "done") click("export-start");
    });
  }
}
