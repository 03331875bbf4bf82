// The mock's backups and exports are named as Rust names them (src-tauri/backups.rs, exports.rs).
import { describe, expect, it } from "vitest";
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
});
