// The mock's backups and exports are named as Rust names them (src-tauri/backups.rs, exports.rs).
import { describe, expect, it } from "vitest";
import type { ApiError } from "../bindings/ipc";
import type { ImportReport } from "../bindings/ipc";
import { MockData, backupName } from "./data";

describe("the mock's files", () => {
  it("names a backup as Rust does, and never two alike", () => {
    expect(backupName(new Date("2026-12-03T15:17:00.400Z"))).toBe("worktogether-2026-12-03T151700Z.sqlite3");
    const data = new MockData(() => "en", new Date("2026-12-03T15:17:00Z"));
    const at = new Date("2026-12-03T16:00:00Z");
    const [a, b] = [data.make(at), data.make(at)];
    expect(b.id).not.toBe(a.id);
  });

  it("keeps the replaced data as one more backup, and refuses unknown names", () => {
    const data = new MockData(() => "de");
    const before = data.backups.length;
    const done = data.restore(data.backups[2]!.id);
    expect(data.backups.length).toBe(before + 1);
    expect(data.backups[0]).toEqual(done.kept);
    expect(() => data.restore("../worktogether.sqlite3")).toThrow();
  });

  it("exports under a new name each time", () => {
    const data = new MockData(() => "en");
    const now = new Date(2026, 11, 3, 10, 0);
    const request = { format: "commitments", from: null, to: null, tag: null } as const;
    expect(data.export(request, now).fileName).toBe("worktogether-commitments-2026-12-03.csv");
    expect(data.export(request, now).fileName).toBe("worktogether-commitments-2026-12-03 (2).csv");
    expect(data.export({ ...request, format: "markdown" }, now)).toMatchObject({ fileName: "worktogether-report-2026-12-03.md", count: null });
  });

  it("imports a listed JSON backup once and refuses what Rust refuses, in the person's words", () => {
    const data = new MockData(() => "en");
    expect(data.handle("list_importable", {})?.answer).toEqual(data.importable);
    const [good, , broken] = data.importable;
    const first = data.handle("import_backup", { path: good!.path })?.answer as ImportReport;
    expect(first.sessions).toEqual({ added: 12, present: 3 });
    expect(first.lines[0]).toBe("Imported 12 sessions, 37 commitments and 1 template; 3 sessions were already there.");
    const again = data.importBackup(good!.path);
    expect(again.sessions.added + again.commitments.added + again.templates.added).toBe(0);
    expect(again.lines).toEqual(["Nothing was added: 12 sessions were already there."]);
    const refused = (path: string) => {
      try {
        data.importBackup(path);
      } catch (e) {
        return e as ApiError;
      }
      throw new Error(`${path} was imported`);
    };
    expect(refused(broken!.path).message).toMatch(/^The backup ends too early, at line 812/);
    expect(refused("/home/anna/gone.json")).toEqual({ code: "not_found", message: "There is no file at /home/anna/gone.json. Nothing was imported." });
    expect(refused("backup.json").message).toContain("is not a whole path");
    expect(refused("  ").message).toBe("Enter the path of a backup file first.");
    const german = new MockData(() => "de");
    expect(german.importBackup(german.importable[0]!.path).lines[0]).toMatch(/^Importiert: 12 Sessions/);
  });
});
