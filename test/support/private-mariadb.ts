import { ChildProcess, execFile, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createConnection } from 'mysql2/promise';
import { freePort } from './service-process';

const run = promisify(execFile);

/**
 * A MariaDB server of the test's own, on another port and in a temporary data directory, that the
 * test may freeze (SIGSTOP), stop and restart. The shared server on 3306 is never touched.
 */
export class PrivateMariaDb {
  private server: ChildProcess | null = null;

  private constructor(
    readonly dir: string,
    readonly port: number,
  ) {}

  static async create(): Promise<PrivateMariaDb> {
    const dir = mkdtempSync(join(tmpdir(), 'party-mariadb-'));
    chmodSync(dir, 0o755);
    await run('mariadb-install-db', ['--no-defaults', `--datadir=${dir}/data`, '--user=mysql', '--skip-test-db', '--auth-root-authentication-method=normal'], {
      timeout: 120_000,
    });
    const db = new PrivateMariaDb(dir, await freePort());
    await db.start();
    await db.admin((connection) => connection.query('CREATE DATABASE party'));
    return db;
  }

  get url(): string {
    return `mariadb://root@127.0.0.1:${this.port}/party`;
  }

  get pid(): number {
    return this.server!.pid!;
  }

  async start(): Promise<void> {
    this.server = spawn(
      '/usr/sbin/mariadbd',
      [
        '--no-defaults',
        `--datadir=${this.dir}/data`,
        `--socket=${this.dir}/data/mysqld.sock`,
        `--pid-file=${this.dir}/data/mysqld.pid`,
        `--port=${this.port}`,
        '--bind-address=127.0.0.1',
        '--user=mysql',
        '--skip-grant-tables',
        '--skip-log-bin',
        '--innodb-buffer-pool-size=32M',
      ],
      { stdio: 'ignore' },
    );
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        await this.admin((connection) => connection.query('SELECT 1'));
        return;
      } catch (error) {
        if (Date.now() > deadline || this.server.exitCode !== null) {
          throw new Error(`private MariaDB did not start: ${(error as Error).message}`, { cause: error });
        }
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  }

  freeze(): void {
    process.kill(this.pid, 'SIGSTOP');
  }

  thaw(): void {
    process.kill(this.pid, 'SIGCONT');
  }

  /** Stops the server abruptly, as a crash or a lost host would. */
  async kill(): Promise<void> {
    const server = this.server!;
    const exited = new Promise((resolve) => server.once('exit', resolve));
    server.kill('SIGKILL');
    await exited;
  }

  async destroy(): Promise<void> {
    if (this.server && this.server.exitCode === null && this.server.signalCode === null) {
      this.thaw();
      await this.kill();
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  async admin<T>(work: (connection: Awaited<ReturnType<typeof createConnection>>) => Promise<T>): Promise<T> {
    const connection = await createConnection({ host: '127.0.0.1', port: this.port, user: 'root', connectTimeout: 2000 });
    try {
      return await work(connection);
    } finally {
      await connection.end();
    }
  }
}
