import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { TEST_SERVER_KEY } from './test-env';

/** The built service; specs that spawn it need `npm run build` first (npm test does it). */
export const SERVICE_MAIN = join(__dirname, '..', '..', 'dist', 'main.js');

const STARTUP_TIMEOUT_MS = 30_000;

/** A log line at warn, or at error and above: pino's JSON levels (the service), or a plain WARN/ERROR (the bench's baseline). */
export const WARN_LINE = /"level":40\b|\bWARN\b/;
export const ERROR_LINE = /"level":(50|60)\b|\bERROR\b/;

/** A Node server running as its own process (the built service, or the bench's baseline). */
export interface NodeServer {
  url: string;
  port: number;
  child: ChildProcess;
  /** Everything the process printed (stdout and stderr), for failure messages. */
  output(): string;
  /** Sends `signal` (SIGTERM by default) unless it already exited; resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export interface NodeServerOptions {
  script: string;
  /** The whole environment of the process. */
  env: NodeJS.ProcessEnv;
  /** Polled until it answers 2xx. */
  readyPath: string;
  nodeFlags?: string[];
  cwd?: string;
  port?: number;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Starts `node <nodeFlags> <script>` with PORT set, and resolves once `readyPath` answers; the one way specs and the bench start servers. */
export async function startNodeServer({ script, env, readyPath, nodeFlags = [], cwd, port }: NodeServerOptions): Promise<NodeServer> {
  if (!existsSync(script)) throw new Error(`${script} is missing: run "npm run build" first (npm test does it)`);
  const listenOn = port ?? (await freePort());
  const child = spawn(process.execPath, [...nodeFlags, script], { cwd, env: { ...env, PORT: String(listenOn) }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk) => (output += String(chunk)));
  child.stderr.on('data', (chunk) => (output += String(chunk)));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const server: NodeServer = {
    url: `http://127.0.0.1:${listenOn}`,
    port: listenOn,
    child,
    output: () => output,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${script} exited with ${child.exitCode}:\n${output}`);
    try {
      if ((await fetch(server.url + readyPath, { signal: AbortSignal.timeout(1000) })).ok) return server;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await server.stop('SIGKILL');
  throw new Error(`${script} did not become ready in ${STARTUP_TIMEOUT_MS / 1000} s:\n${output}`);
}

/** Starts the built service (dist/main.js) as its own process, in production mode with the test server key. */
export function startServiceProcess(env: Record<string, string>): Promise<NodeServer> {
  return startNodeServer({
    script: SERVICE_MAIN,
    env: { ...process.env, NODE_ENV: 'production', SERVER_KEY: TEST_SERVER_KEY, ...env },
    readyPath: '/health/ready',
  });
}
