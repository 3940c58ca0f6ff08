import { createServer, type IncomingMessage, request, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** Which request to hold: by method and by the path (query excluded) it ends with. */
export interface HoldRule {
  method: string;
  pathEnds: string;
  /** Hold the n-th matching request (1-based). */
  nth: number;
}

/**
 * A loopback proxy in front of the emulator that holds one chosen request until the test releases
 * it. The test sees the request arrive (`held`), does what it wants while that request is in
 * flight (send a signal to the CLI), then `release`s it to the emulator. No timing involved: each
 * step waits for the previous one to have happened.
 */
export async function startGateProxy(target: string, rule: HoldRule) {
  const upstream = new URL(target);
  let seen = 0;
  let onHeld: () => void = () => {};
  const held = new Promise<void>((resolve) => {
    onHeld = resolve;
  });
  let release: () => void = () => {};
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  const forward = (req: IncomingMessage, res: ServerResponse, body: Buffer) => {
    const out = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (reply) => {
        res.writeHead(reply.statusCode ?? 502, reply.headers);
        reply.pipe(res);
      },
    );
    out.on("error", () => res.destroy());
    out.end(body);
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const path = (req.url ?? "").split("?")[0] ?? "";
      if (req.method === rule.method && path.endsWith(rule.pathEnds) && ++seen === rule.nth) {
        onHeld();
        void released.then(() => forward(req, res, body));
        return;
      }
      forward(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    /** Resolves once the chosen request has arrived and is being held. */
    held,
    release,
    close: () =>
      new Promise<void>((resolve) => {
        release();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
