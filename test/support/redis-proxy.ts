import { createConnection, createServer, Server, Socket } from 'node:net';
import { testRedisUrl } from './test-env';

/** A TCP proxy to the test Redis that can be made to hang: it then takes bytes and answers nothing. */
export async function hangableProxy(): Promise<{ port: number; hang(hung: boolean): void; close(): Promise<void> }> {
  const target = new URL(testRedisUrl());
  let hung = false;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = createConnection({ host: target.hostname, port: Number(target.port || 6379) });
    sockets.add(client).add(upstream);
    client.on('data', (chunk) => (hung ? undefined : upstream.write(chunk)));
    upstream.on('data', (chunk) => (hung ? undefined : client.write(chunk)));
    const end = () => [client, upstream].forEach((socket) => socket.destroy());
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    hang: (value) => (hung = value),
    close: () => {
      sockets.forEach((socket) => socket.destroy());
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
