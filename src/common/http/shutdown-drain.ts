import { Injectable } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';

/** Time for requests already sent (buffered, not yet parsed) to be read before idle sockets are closed. */
const DRAIN_GRACE_MS = 500;

/**
 * SIGTERM drain (SPEC §8): every answer from then on says `Connection: close` (in-flight ones too, if
 * their headers are not out yet), and idle keep-alive sockets are closed, so keep-alive clients move
 * to another process instead of being served until a hard deadline cuts them off. Requests already
 * received are answered; the server then closes (app.close) and the process exits 0.
 */
@Injectable()
export class ShutdownDrain {
  private draining = false;
  private readonly inFlight = new Set<Response>();

  readonly middleware = (_req: Request, res: Response, next: NextFunction): void => {
    if (this.draining) res.setHeader('Connection', 'close');
    else {
      this.inFlight.add(res);
      res.once('close', () => this.inFlight.delete(res));
    }
    next();
  };

  /**
   * Starts draining, and resolves after a short grace in which requests already in the sockets' buffers
   * are read (and answered with Connection: close); the caller then closes the server, which closes the
   * sockets left idle.
   */
  async start(): Promise<void> {
    this.draining = true;
    for (const res of this.inFlight) if (!res.headersSent) res.setHeader('Connection', 'close');
    this.inFlight.clear();
    await new Promise((resolve) => setTimeout(resolve, DRAIN_GRACE_MS));
  }
}
