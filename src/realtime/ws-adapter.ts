import { Logger } from '@nestjs/common';
import { WsAdapter } from '@nestjs/platform-ws';
import type { WebSocket, WebSocketServer } from 'ws';

/**
 * Nest's WsAdapter, except that an error on one client's socket (a frame over 4 KiB, a protocol
 * violation) is that client's doing: it is logged at debug, not as an ERROR line of the service; the
 * socket is closed by `ws` (1009, 1002) and dropped by EventSockets. Errors of the server itself are
 * still errors.
 */
export class PartyWsAdapter extends WsAdapter {
  private readonly clientErrors = new Logger('EventSockets');

  override bindErrorHandler(server: WebSocketServer): WebSocketServer {
    server.on('connection', (ws: WebSocket) => ws.on('error', (error: Error) => this.clientErrors.debug(`client socket error: ${error.message}`)));
    server.on('error', (error: Error) => this.logger.error(error));
    return server;
  }
}
