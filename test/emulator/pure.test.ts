import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseStatusCode, statusCodeName } from "../../src/api/status-names.js";
import { formatMicros, formatNanos, ManualClock, MicrosClock } from "../../src/emulator/clock.js";
import { sniffImage } from "../../src/emulator/image-sniff.js";
import { checkInputId, decodeBase64 } from "../../src/emulator/input-parse.js";
import { matchRoute } from "../../src/emulator/routes.js";
import { PNG_1x1 } from "./helpers.js";

describe("timestamps", () => {
  it("render microseconds as RFC 3339 with 6 digits, agreeing with Date", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4_102_444_800_000_000 }), (us) => {
        const text = formatMicros(us);
        expect(text).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
        expect(text.slice(0, 23)).toBe(new Date(Math.floor(us / 1000)).toISOString().slice(0, 23));
        expect(Number(text.slice(20, 26))).toBe(us % 1_000_000);
        expect(formatNanos(us, 7)).toBe(`${text.slice(0, 26)}007Z`);
      }),
    );
  });

  it("never repeats a clock reading", () => {
    const clock = new MicrosClock();
    const readings = Array.from({ length: 1000 }, () => clock.now());
    expect(new Set(readings).size).toBe(1000);
    expect([...readings].sort((a, b) => a - b)).toEqual(readings);
  });
});

describe("image sniffing", () => {
  it("recognises the accepted formats and reads sizes", () => {
    expect(sniffImage(PNG_1x1)).toEqual({ format: "PNG", width: 1, height: 1 });
    const gif = Buffer.from("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7", "base64");
    expect(sniffImage(gif)).toEqual({ format: "GIF", width: 1, height: 1 });
    const jpeg = Buffer.from([
      0xff, 0xd8, 0xff, 0xe0, 0x00, 0x04, 0x00, 0x00, 0xff, 0xc0, 0x00, 0x11, 0x08, 0x01, 0x80,
      0x02, 0x00, 0x03,
    ]);
    expect(sniffImage(jpeg)).toEqual({ format: "JPEG", width: 512, height: 384 });
    const bmp = Buffer.alloc(30);
    bmp.write("BM", 0, "latin1");
    bmp.writeInt32LE(640, 18);
    bmp.writeInt32LE(-480, 22);
    expect(sniffImage(bmp)).toEqual({ format: "BMP", width: 640, height: 480 });
    const webp = Buffer.alloc(30);
    webp.write("RIFF", 0, "latin1");
    webp.write("WEBPVP8X", 8, "latin1");
    webp.writeUIntLE(99, 24, 3);
    webp.writeUIntLE(49, 27, 3);
    expect(sniffImage(webp)).toEqual({ format: "WEBP", width: 100, height: 50 });
    expect(sniffImage(Buffer.from("II*\u0000rest", "latin1"))).toEqual({ format: "TIFF" });
  });

  it("refuses everything else", () => {
    expect(sniffImage(Buffer.from("<html></html>"))).toBeNull();
    expect(sniffImage(Buffer.alloc(0))).toBeNull();
  });
});

describe("request details", () => {
  it("decodes standard and URL-safe base64, with or without padding, and refuses the rest", () => {
    expect(decodeBase64("aGk=")?.toString()).toBe("hi");
    expect(decodeBase64("aGk")?.toString()).toBe("hi");
    expect(decodeBase64("-_8")).toEqual(Buffer.from([0xfb, 0xff]));
    expect(decodeBase64("a")).toBeUndefined();
    expect(decodeBase64("aGk=x")).toBeUndefined();
    expect(decodeBase64("**")).toBeUndefined();
  });

  it("checks ids: 1–48 letters, digits, _ and -", () => {
    expect(checkInputId("a")).toBeUndefined();
    expect(checkInputId("A_b-9".padEnd(48, "x"))).toBeUndefined();
    expect(checkInputId("x".repeat(49))?.details).toBe(
      "id must be between 1 and 48 characters long",
    );
    expect(checkInputId("a.b")?.code).toBe(39999);
  });

  it("routes both path forms to the RPCs of the protos", () => {
    expect(matchRoute("GET", "/v2/inputs")).toEqual({
      kind: "endpoint",
      endpoint: "ListInputs",
      app: { kind: "short" },
    });
    expect(matchRoute("DELETE", "/v2/users/u/apps/a/inputs/stream")).toMatchObject({
      endpoint: "DeleteInput",
      inputId: "stream",
    });
    expect(matchRoute("GET", "/v2/users/u/apps/a/inputs/status")).toMatchObject({
      endpoint: "GetInputCount",
    });
    expect(matchRoute("GET", "/v2/users/u/apps/a/inputs/%E0%A4%A")).toEqual({ kind: "not-found" });
    expect(matchRoute("GET", "/v2/users//apps/a/inputs")).toEqual({ kind: "not-found" });
  });
});

describe("parseStatusCode (the one table, shared with the client)", () => {
  it("reads numbers, numeric strings, enum names and their deprecated aliases", () => {
    expect(parseStatusCode(30000)).toBe(30000);
    expect(parseStatusCode("30001")).toBe(30001);
    expect(parseStatusCode("INPUT_SUCCESS")).toBe(30000);
    expect(parseStatusCode("INPUT_DOWNLOAD_IN_PROGRESS")).toBe(30003);
    expect(parseStatusCode("INPUT_STORAGE_HOST_FAILED")).toBe(30210);
    expect(parseStatusCode("ZERO")).toBe(0);
    expect(statusCodeName(30000)).toBe("INPUT_SUCCESS");
  });

  it("refuses anything else", () => {
    for (const value of [-1, 1.5, "NOPE", "", "12a", null, undefined, {}])
      expect(parseStatusCode(value)).toBeUndefined();
  });
});

describe("ManualClock", () => {
  it("runs due timers in time order as it advances, including timers they set", () => {
    const clock = new ManualClock(1000);
    const fired: string[] = [];
    clock.setTimer(() => fired.push(`b@${clock.nowMs()}`), 20);
    clock.setTimer(() => {
      fired.push(`a@${clock.nowMs()}`);
      clock.setTimer(() => fired.push(`c@${clock.nowMs()}`), 5);
    }, 10);
    const cancel = clock.setTimer(() => fired.push("never"), 15);
    cancel();
    clock.advance(14);
    expect(fired).toEqual(["a@1010"]);
    expect(clock.nowMs()).toBe(1014);
    clock.advance(100);
    expect(fired).toEqual(["a@1010", "c@1015", "b@1020"]);
    expect(clock.nowMs()).toBe(1114);
  });

  it("drives MicrosClock: strictly increasing, following the manual time", () => {
    const clock = new ManualClock(2000);
    const micros = new MicrosClock(clock);
    expect(micros.now()).toBe(2_000_000);
    expect(micros.now()).toBe(2_000_001);
    clock.advance(1);
    expect(micros.now()).toBe(2_001_000);
  });
});
