import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { Agent, request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN, cleanEnv } from "../helpers/cli.js";
import { APP, emulator } from "./helpers.js";

/**
 * Request bodies are read only once the credentials passed, and as they stream in: a body over
 * the limit is refused without being buffered. The memory test runs the built CLI's emulator in
 * its own process (`npm run build` first) and reads its peak RSS from /proc.
 */
const MB = 1024 * 1024;
const chunk = Buffer.alloc(MB, 0x61);

/** Sends `megabytes` of body to `url` (declared in content-length unless `chunked`). */
function sendBody(
  url: string,
  options: { megabytes: number; headers?: Record<string, string>; chunked?: boolean },
): Promise<{ status: number; body: string } | { error: string }> {
  return new Promise((resolve) => {
    const headers: Record<string, string | number> = { ...options.headers };
    if (!options.chunked) headers["content-length"] = options.megabytes * MB;
    // Keep-alive, as API clients connect: with `Connection: close` the server would end the
    // connection after its early reply, and the rest of the body would meet a closed socket.
    const agent = new Agent({ keepAlive: true });
    const done = (result: { status: number; body: string } | { error: string }) => {
      agent.destroy();
      resolve(result);
    };
    const req = request(url, { method: "POST", headers, agent });
    req.on("response", (res) => {
      let body = "";
      res.setEncoding("utf8").on("data", (d: string) => {
        body += d;
      });
      res.on("end", () => done({ status: res.statusCode ?? 0, body }));
      res.on("error", (error) => done({ error: error.message }));
    });
    // A socket error before any reply is a failure the assertions show.
    req.on("error", (error) => done({ error: (error as NodeJS.ErrnoException).code ?? "" }));
    let sent = 0;
    const write = () => {
      while (sent < options.megabytes) {
        sent++;
        if (!req.write(chunk)) {
          req.once("drain", write);
          return;
        }
      }
      req.end();
    };
    write();
  });
}

describe("request bodies", () => {
  it("a body over the limit streamed without a length is refused with 413 / 40033", async () => {
    const emu = await emulator({ maxRequestBytes: 2 * MB });
    try {
      const r = await sendBody(`${emu.url}${APP}/inputs`, {
        megabytes: 20,
        chunked: true,
        headers: { authorization: "Key t", "content-type": "application/json" },
      });
      expect(r).toMatchObject({ status: 413 });
      expect(JSON.parse((r as { body: string }).body).status.code).toBe(40033);
      // The emulator is unharmed and answers the next request.
      expect((await emu.get(`${APP}/inputs/status`)).status).toBe(200);
    } finally {
      await emu.close();
    }
  });

  it("a body with a declared length over the limit is refused before it is read", async () => {
    const emu = await emulator({ maxRequestBytes: 2 * MB });
    try {
      const r = await sendBody(`${emu.url}${APP}/inputs`, {
        megabytes: 20,
        headers: { authorization: "Key t" },
      });
      expect(r).toMatchObject({ status: 413 });
    } finally {
      await emu.close();
    }
  });

  it("credentials are checked before the body: a bad token gets 401 whatever the body", async () => {
    const emu = await emulator({ pat: "right" });
    try {
      const r = await emu.call("POST", `${APP}/inputs`, {
        raw: "this is not JSON",
        headers: { authorization: "Key wrong" },
      });
      expect(r.status).toBe(401);
      expect(r.body.status.code).toBe(11009);
    } finally {
      await emu.close();
    }
  });
});

describe("six unauthenticated 100 MB bodies at once", () => {
  let child: ChildProcess;
  let url: string;
  beforeAll(async () => {
    child = spawn(
      process.execPath,
      [BIN, "emulator", "--port", "0", "--db", ":memory:", "--pat", "the-pat"],
      { env: cleanEnv(), stdio: ["ignore", "pipe", "pipe"] },
    );
    url = await new Promise<string>((resolve, reject) => {
      let out = "";
      child.stdout?.setEncoding("utf8").on("data", (d: string) => {
        out += d;
        const found = /listening on (http:\/\/\S+)/.exec(out)?.[1];
        if (found) resolve(found);
      });
      child.once("exit", (code) => reject(new Error(`the emulator exited (${code}): ${out}`)));
    });
  });
  afterAll(async () => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    }
  });

  /** The emulator process's peak resident set so far, in MB (Linux: VmHWM). */
  const peakRssMb = () => {
    const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
    const kb = Number(/^VmHWM:\s+(\d+) kB$/m.exec(status)?.[1]);
    expect(kb).toBeGreaterThan(0);
    return kb / 1024;
  };

  it("do not take the emulator past a few hundred MB, and each gets its 401 or is cut off", async () => {
    const before = peakRssMb();
    const results = await Promise.all(
      ["Key wrong", "Key wrong", "Bearer x", "Bearer x", "", "Key wrong"].map((auth) =>
        sendBody(`${url}${APP}/inputs`, {
          megabytes: 100,
          headers: auth ? { authorization: auth, "content-type": "application/json" } : {},
        }),
      ),
    );
    for (const r of results) {
      // The answer comes before the body is read; a client still sending may see the reset.
      if ("status" in r) expect(r.status).toBe(401);
      else expect(["ECONNRESET", "EPIPE"]).toContain(r.error);
    }
    expect(results.some((r) => "status" in r)).toBe(true);
    const after = peakRssMb();
    // 600 MB went in; buffering even one body whole would show.
    expect(after).toBeLessThan(300);
    expect(after - before).toBeLessThan(100);
    // Still serving.
    const ok = await fetch(`${url}${APP}/inputs/status`, {
      headers: { authorization: "Key the-pat" },
    });
    expect(ok.status).toBe(200);
  });
});
