import { ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** A server process the bench started, with the tail of its output kept for when something goes wrong. */
export interface ServerProcess {
  name: string;
  url: string;
  child: ChildProcess;
  /** The last lines the process printed (stdout and stderr). */
  output: string[];
  /** How many lines it printed that mention WARN or ERROR (Nest's log levels; e.g. "lock conflict, retrying"). */
  logged: { warn: number; error: number };
}

const OUTPUT_LINES_KEPT = 200;
const STARTUP_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 5_000;

/** Every process still running, so cleanup can end them even when the run fails half-way. */
const running = new Set<ServerProcess>();

export { freePort } from '../test/support/service-process';

export interface StartOptions {
  name: string;
  /** Run as `node <nodeFlags> <script>` (never through npm, so the pid is the server's own and its RSS is the server's). */
  script: string;
  nodeFlags: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  port: number;
  /** Polled until it answers 200. */
  readyPath: string;
}

/** Starts a server and resolves once it is ready. */
export async function startServer({ name, script, nodeFlags, cwd, env, port, readyPath }: StartOptions): Promise<ServerProcess> {
  const child = spawn(process.execPath, [...nodeFlags, script], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  const logged = { warn: 0, error: 0 };
  const pending = { stdout: '', stderr: '' };
  const keep = (stream: 'stdout' | 'stderr') => (chunk: Buffer) => {
    // A chunk may end mid-line: keep the unfinished part until the rest arrives.
    const lines = (pending[stream] + chunk.toString('utf8')).split('\n');
    pending[stream] = lines.pop() ?? '';
    for (const line of lines) {
      if (!line) continue;
      if (/\bWARN\b/.test(line)) logged.warn++;
      if (/\bERROR\b/.test(line)) logged.error++;
      output.push(line);
      if (output.length > OUTPUT_LINES_KEPT) output.shift();
    }
  };
  child.stdout!.on('data', keep('stdout'));
  child.stderr!.on('data', keep('stderr'));
  const server: ServerProcess = {
    name,
    url: `http://127.0.0.1:${port}`,
    child,
    output,
    logged,
  };
  running.add(server);
  child.once('exit', () => running.delete(server));
  await waitUntilReady(server, readyPath);
  return server;
}

async function waitUntilReady(server: ServerProcess, readyPath: string): Promise<void> {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (server.child.exitCode !== null) break;
    try {
      const response = await fetch(server.url + readyPath, { signal: AbortSignal.timeout(1000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  throw new Error(`${server.name} did not become ready (exit code ${server.child.exitCode}); its output:\n${server.output.join('\n')}`);
}

/** SIGTERM, then SIGKILL if it has not exited within the grace period. */
export async function stopServer(server: ServerProcess): Promise<void> {
  const { child } = server;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
  await exited;
  clearTimeout(timer);
}

export async function stopAllServers(): Promise<void> {
  await Promise.all([...running].map(stopServer));
}

/** Last resort from a synchronous 'exit' handler: no waiting possible, so kill outright. */
export function killAllServersNow(): void {
  for (const server of running) server.child.kill('SIGKILL');
}

/** One field of /proc/<pid>/status in MB (VmRSS: now, VmHWM: the peak so far); null once the process is gone. */
export function memoryMb(pid: number, field: 'VmRSS' | 'VmHWM'): number | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
    return match ? Number(match[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/**
 * Polls VmRSS while a scenario runs and returns its peak. (VmHWM is the peak over the whole life of the
 * process, seeding included, so it cannot tell one scenario from another.)
 */
export function sampleRss(pid: number, everyMs = 100): { stop(): number } {
  let peak = memoryMb(pid, 'VmRSS') ?? 0;
  const timer = setInterval(() => {
    peak = Math.max(peak, memoryMb(pid, 'VmRSS') ?? 0);
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, memoryMb(pid, 'VmRSS') ?? 0);
    },
  };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
