import { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ERROR_LINE, startNodeServer, WARN_LINE } from '../test/support/service-process';

/** A server process the bench started (through the specs' own startNodeServer). */
export interface ServerProcess {
  name: string;
  url: string;
  child: ChildProcess;
  /** The last lines the process printed (stdout and stderr). */
  outputLines(): string[];
  /** How many lines it logged at warn or error (pino's JSON levels 40, 50+; the baseline's plain WARN/ERROR), e.g. "lock conflict, retrying". */
  logged(): { warn: number; error: number };
}

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
export async function startServer({ name, ...options }: StartOptions): Promise<ServerProcess> {
  const started = await startNodeServer(options);
  const lines = () => started.output().split('\n').filter(Boolean);
  const server: ServerProcess = {
    name,
    url: started.url,
    child: started.child,
    outputLines: lines,
    logged: () => ({ warn: lines().filter((line) => WARN_LINE.test(line)).length, error: lines().filter((line) => ERROR_LINE.test(line)).length }),
  };
  running.add(server);
  started.child.once('exit', () => running.delete(server));
  return server;
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

/** The process's pids: itself and its children (a cluster's primary and workers). */
function processTree(pid: number): number[] {
  try {
    return [pid, ...readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number)];
  } catch {
    return [pid]; // gone, or no children file
  }
}

/**
 * CPU seconds (user + system, all threads) the process and its children have used so far. Per request,
 * it is what a server costs regardless of what else the machine does (this VM's steal time, MariaDB,
 * the load generator), so it compares runs that req/s alone cannot.
 */
export function cpuSeconds(pid: number): number {
  const ticksPerSecond = 100; // USER_HZ, 100 on Linux
  let ticks = 0;
  for (const each of processTree(pid)) {
    try {
      const fields = readFileSync(`/proc/${each}/stat`, 'utf8').split(') ')[1].split(' ');
      ticks += Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15 of proc(5))
    } catch {
      // exited
    }
  }
  return ticks / ticksPerSecond;
}

/** The largest VmRSS among the process and its children (a cluster's primary and workers): memory per serving process. */
function largestRssMb(pid: number): number {
  return Math.max(...processTree(pid).map((each) => memoryMb(each, 'VmRSS') ?? 0));
}

/**
 * Polls VmRSS while a scenario runs and returns its peak, per process. (VmHWM is the peak over the whole
 * life of the process, seeding included, so it cannot tell one scenario from another.)
 */
export function sampleRss(pid: number, everyMs = 100): { stop(): number } {
  let peak = largestRssMb(pid);
  const timer = setInterval(() => {
    peak = Math.max(peak, largestRssMb(pid));
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, largestRssMb(pid));
    },
  };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The Node flags of `npm run start:prod`, so the service runs here exactly as in production. */
export function productionNodeFlags(): string[] {
  const scripts = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')).scripts as Record<string, string>;
  return scripts['start:prod'].split(/\s+/).filter((word) => word.startsWith('--'));
}
