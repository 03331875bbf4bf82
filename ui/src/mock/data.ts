// The person's data as files, as Rust keeps them (src-tauri/data_commands.rs): the backups in
// the data folder (three samples, newest first; a restore keeps one more) and the exports into
// the Downloads folder, each under a new name. Nothing is read or written for real.
//   &backups=none (no backups yet) | confirm (the question before restoring the newest) |
//   restored (that restore done) | refused (refused: a session is in progress)
//   &export=open (History's export unfolded) | done (one export made)
//   &import=confirm (the question before importing the newest JSON backup) | done (imported) |
//   again (imported twice: nothing new) | refused (the cut-off one refused) | path (a path
//   typed into the field, refused: no file there)
// The JSON backups to import are three samples in the Downloads folder, one of them cut off; the
// import's words come from the catalogs, as Rust's do.
import de from "../../../locales/de.json";
import en from "../../../locales/en.json";
import type { ApiError } from "../bindings/ipc";
import type { BackupEntry } from "../bindings/ipc";
import type { ExportDone } from "../bindings/ipc";
import type { ExportFormat } from "../bindings/ipc";
import type { ExportRequest } from "../bindings/ipc";
import type { ImportReport } from "../bindings/ipc";
import type { ImportableFile } from "../bindings/ipc";
import type { Language } from "../bindings/ipc";
import type { RestoredBackup } from "../bindings/ipc";

const catalogs: Record<Language, Record<string, string>> = { de, en };

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
  /** the JSON backups in the Downloads folder, newest first */
  importable: ImportableFile[];
  /** the paths of the listed backups that are cut off */
  #broken = new Set<string>();
  /** the paths imported so far: a second import adds nothing */
  #imported = new Set<string>();
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
    const file = (name: string, d: Date, size: number): ImportableFile => ({
      name,
      path: `${DOWNLOADS}/${name}`,
      size,
      modified: d.toISOString(),
    });
    this.importable = [
      file(`worktogether-backup-${localDay(at(0, 8, 30))}.json`, at(0, 8, 30), 3_412_000),
      file("worktogether-backup-from-the-old-laptop-before-the-move-to-berlin.json", at(6, 17, 5), 33_180_000),
      file(`worktogether-backup-${localDay(at(9, 11, 0))} (2).json`, at(9, 11, 0), 1_706_000),
    ];
    this.#broken.add(this.importable[2]!.path);
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

  #message(key: string, params: Record<string, string | number> = {}): string {
    let text = catalogs[this.#lang()][key] ?? key;
    for (const [name, value] of Object.entries(params)) text = text.replaceAll(`{${name}}`, String(value));
    return text;
  }

  #counted(key: string, count: number): string {
    return this.#message(`${key}.${count === 1 ? "one" : "other"}`, { count });
  }

  /** Imports the JSON backup at `path` as Rust does: a listed one adds its sessions once; a cut-off
   * one, a path that is not whole, not a .json file or not there is refused. */
  importBackup(path: string): ImportReport {
    const text = path.trim();
    const refuse = (code: ApiError["code"], key: string, params: Record<string, string | number> = {}): never => {
      throw { code, message: this.#message(key, { path: text, ...params }) } satisfies ApiError;
    };
    if (text === "") refuse("invalid_input", "importUi.error.empty");
    if (!text.startsWith("/") && !text.startsWith("~/")) refuse("invalid_input", "importUi.error.relative");
    if (!this.importable.some((f) => f.path === text)) {
      if (text.endsWith("/")) refuse("invalid_input", "importUi.error.folder");
      refuse("not_found", "importUi.error.missing");
    }
    if (!/\.json$/i.test(text)) refuse("invalid_input", "importUi.error.notJson");
    if (this.#broken.has(text)) refuse("invalid_input", "import.truncated", { line: 812, column: 40 });
    const again = this.#imported.has(text);
    this.#imported.add(text);
    const [sessions, commitments] = again ? [0, 0] : [12, 37];
    const present = again ? 12 : 3;
    const counts = {
      sessions: this.#counted("cli.import.sessions", sessions),
      commitments: this.#counted("cli.import.commitments", commitments),
      templates: this.#counted("cli.import.templates", again ? 0 : 1),
      present: this.#counted("cli.import.present", present),
    };
    const lines = again
      ? [this.#message("importUi.nothingNew", { present: counts.present })]
      : [
          this.#message("cli.import.done_present", counts),
          this.#message("cli.import.renamed", { from: "Deep work", to: "Deep work (2)" }),
          this.#counted("cli.import.settings_kept", 2),
        ];
    return {
      sessions: { added: sessions, present },
      commitments: { added: commitments, present: again ? 37 + 9 : 9 },
      templates: { added: again ? 0 : 1, present: again ? 4 : 3 },
      settings: { added: 0, present: 9 },
      settingsDiffering: 2,
      templatesRenamed: again ? 0 : 1,
      lines,
    };
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
      case "list_importable":
        return { answer: structuredClone(this.importable) };
      case "import_backup":
        return { answer: this.importBackup(args.path as string) };
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
  const importing = params.get("import");
  if (importing === "confirm" || importing === "done" || importing === "again") {
    const confirm = (then?: () => void) =>
      click("import-item-start", () => click("import-confirm", then && (() => setTimeout(then, 100))));
    if (importing === "confirm") click("import-item-start");
    else confirm(importing === "again" ? () => confirm() : undefined);
  }
  if (importing === "refused") {
    whenThere("import-list", (list) => {
      list.querySelectorAll<HTMLElement>('[data-testid="import-item-start"]')[2]?.click();
      setTimeout(() => click("import-confirm"), 50);
    });
  }
  if (importing === "path") {
    whenThere("import-path", (el) => {
      const input = el as HTMLInputElement;
      input.value = "/home/anna/Dokumente/Sicherungen/worktogether-backup-vom-alten-laptop-2025-11-02.json";
      input.dispatchEvent(new Event("input", { bubbles: true }));
      click("import-path-start");
    });
  }
  const exporting = params.get("export");
  if (exporting === "open" || exporting === "done") {
    click("history-export-toggle", () => {
      if (exporting === "done") click("export-start");
    });
  }
}
