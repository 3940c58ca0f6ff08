/**
 * Preloaded into a measured child (`node --import dist/bench/fs-read-hook.js …`): counts the
 * files under `BENCH_READ_DIR` the process opened or read through `node:fs`, and the bytes it read
 * from them, and writes `{files, bytes}` (the files' paths) to `BENCH_READ_FILE` at exit (a worker
 * thread to `BENCH_READ_FILE.thread-N`, also before the loader's last message). It wraps every way the
 * planner could read a file — `open`/`openSync`/`fs.promises.open` (then `read`/`readSync`/the
 * FileHandle's `read`, `readv`, `readFile`), `readFile`/`readFileSync`/`fs.promises.readFile`, and
 * `createReadStream` (which opens and reads through `fs.open`/`fs.read`) — and then re-exports the
 * wrapped functions to ESM importers (`syncBuiltinESMExports`). The folder benchmark checks it
 * against the files' access times, which the kernel keeps whatever API reads them.
 */
import fs from "node:fs";
import { syncBuiltinESMExports } from "node:module";
import { resolve, sep } from "node:path";
import { pathToFileURL } from "node:url";
import workerThreads, { isMainThread, threadId, type WorkerOptions } from "node:worker_threads";

const dir = process.env.BENCH_READ_DIR;
const out = process.env.BENCH_READ_FILE;
if (dir && out) {
  install(resolve(dir) + sep, out);
  if (isMainThread) hookWorkers();
}

/**
 * `--import` preloads only the main thread: workers the measured process starts (the manifest
 * loader) import this hook first, then their own module.
 */
function hookWorkers(): void {
  const hook = import.meta.url;
  class HookedWorker extends workerThreads.Worker {
    constructor(file: string | URL, options: WorkerOptions = {}) {
      if (options.eval === true) {
        super(file, options);
        return;
      }
      const target = file instanceof URL ? file.href : pathToFileURL(file).href;
      const code = `import(${JSON.stringify(hook)}).then(() => import(${JSON.stringify(target)}))`;
      super(code, { ...options, eval: true });
    }
  }
  (workerThreads as { Worker: typeof workerThreads.Worker }).Worker = HookedWorker;
  syncBuiltinESMExports();
}

function install(prefix: string, out: string): void {
  const files = new Set<string>();
  let bytes = 0;
  const watchedFds = new Set<number>();
  const watched = (path: unknown): path is string | Buffer | URL => {
    if (typeof path !== "string" && !(path instanceof Buffer) && !(path instanceof URL))
      return false;
    const text = path instanceof URL ? path.pathname : path.toString();
    if (!resolve(text).startsWith(prefix)) return false;
    files.add(resolve(text));
    return true;
  };
  const length = (data: unknown) =>
    typeof data === "string" ? Buffer.byteLength(data) : ((data as Buffer | null)?.length ?? 0);
  type Fn = (...args: unknown[]) => unknown;
  const wrapCallback = (args: unknown[], onResult: (...result: unknown[]) => void) => {
    const last = args.length - 1;
    const callback = args[last];
    if (typeof callback !== "function") return args;
    const copy = [...args];
    copy[last] = (...result: unknown[]) => {
      if (result[0] == null) onResult(...result);
      (callback as Fn)(...result);
    };
    return copy;
  };
  const f = fs as unknown as Record<string, Fn>;
  const p = fs.promises as unknown as Record<string, Fn>;

  const open = f.open as Fn;
  f.open = (...args) =>
    open(
      ...(watched(args[0]) ? wrapCallback(args, (_e, fd) => watchedFds.add(fd as number)) : args),
    );
  const openSync = f.openSync as Fn;
  f.openSync = (...args) => {
    const fd = openSync(...args) as number;
    if (watched(args[0])) watchedFds.add(fd);
    return fd;
  };
  const close = f.close as Fn;
  f.close = (...args) => {
    watchedFds.delete(args[0] as number);
    return close(...args);
  };
  const closeSync = f.closeSync as Fn;
  f.closeSync = (...args) => {
    watchedFds.delete(args[0] as number);
    return closeSync(...args);
  };
  const read = f.read as Fn;
  f.read = (...args) =>
    read(
      ...(watchedFds.has(args[0] as number)
        ? wrapCallback(args, (_e, n) => {
            bytes += n as number;
          })
        : args),
    );
  const readSync = f.readSync as Fn;
  f.readSync = (...args) => {
    const n = readSync(...args) as number;
    if (watchedFds.has(args[0] as number)) bytes += n;
    return n;
  };
  const readFile = f.readFile as Fn;
  f.readFile = (...args) =>
    readFile(
      ...(watched(args[0])
        ? wrapCallback(args, (_e, data) => {
            bytes += length(data);
          })
        : args),
    );
  const readFileSync = f.readFileSync as Fn;
  f.readFileSync = (...args) => {
    const before = bytes;
    const data = readFileSync(...args);
    // Node 20's readFileSync may go through fs.openSync and fs.readSync, counted already.
    if (watched(args[0]) && bytes === before) bytes += length(data);
    return data;
  };
  const readFilePromise = p.readFile as Fn;
  p.readFile = async (...args) => {
    const data = await readFilePromise(...args);
    if (watched(args[0])) bytes += length(data);
    return data;
  };
  const openPromise = p.open as Fn;
  const handles = new WeakSet<object>();
  p.open = async (...args) => {
    const handle = (await openPromise(...args)) as object;
    if (watched(args[0])) {
      handles.add(handle);
      wrapHandlePrototype(Object.getPrototypeOf(handle) as Record<string, Fn>);
    }
    return handle;
  };
  let wrapped = false;
  const wrapHandlePrototype = (proto: Record<string, Fn>) => {
    if (wrapped) return;
    wrapped = true;
    const handleRead = proto.read as Fn;
    proto.read = async function (this: object, ...args: unknown[]) {
      const result = (await handleRead.apply(this, args)) as { bytesRead: number };
      if (handles.has(this)) bytes += result.bytesRead;
      return result;
    };
    const handleReadv = proto.readv as Fn;
    proto.readv = async function (this: object, ...args: unknown[]) {
      const result = (await handleReadv.apply(this, args)) as { bytesRead: number };
      if (handles.has(this)) bytes += result.bytesRead;
      return result;
    };
    const handleReadFile = proto.readFile as Fn;
    proto.readFile = async function (this: object, ...args: unknown[]) {
      const data = await handleReadFile.apply(this, args);
      if (handles.has(this)) bytes += length(data);
      return data;
    };
  };
  syncBuiltinESMExports();
  // Each thread counts its own reads (the manifest loads on a worker thread): a worker writes
  // beside the main thread's file, and the benchmark adds them up.
  const write = () => {
    const file = isMainThread ? out : `${out}.thread-${threadId}`;
    fs.writeFileSync(file, JSON.stringify({ files: [...files], bytes }));
  };
  process.on("exit", write);
  // A worker stopped by its process need not run its exit handlers: the loader's also writes
  // before it posts its last message (`done` or `crash`, after its last read; not before each
  // chunk: a hundred thousand paths take a while to write).
  const port = workerThreads.parentPort;
  if (!isMainThread && port !== null) {
    const post = port.postMessage.bind(port);
    port.postMessage = (...args: Parameters<typeof post>) => {
      const type = (args[0] as { type?: unknown } | null)?.type;
      if (type === "done" || type === "crash") write();
      post(...args);
    };
  }
}
