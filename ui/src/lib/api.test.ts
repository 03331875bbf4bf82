import { describe, expect, it } from "vitest";
import type { ErrorCode } from "../bindings/ipc";
import { isApiError, toApiError } from "./api";

describe("errors from Rust", () => {
  it("keep their message for every code of the contract, the rooms' unreachable too", () => {
    const codes: ErrorCode[] = ["invalid_input", "not_found", "wrong_state", "storage", "internal", "unreachable"];
    for (const code of codes) {
      const e = { code, message: "Der Raum-Server ist nicht erreichbar." };
      expect(isApiError(e), code).toBe(true);
      expect(toApiError(e)).toEqual(e);
    }
  });
  it("are never shown as a raw object", () => {
    expect(isApiError({ code: "toString", message: "x" })).toBe(false);
    expect(toApiError({ code: "nope", message: "x" }).message).not.toContain("[object");
    expect(toApiError("plain text")).toEqual({ code: "internal", message: "plain text" });
  });
});
