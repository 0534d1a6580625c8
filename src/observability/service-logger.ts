import { Injectable } from '@nestjs/common';
import { Logger } from 'nestjs-pino';

/** Nest's start-up chatter useful only when debugging: one line per mapped route and per module. (The controllers themselves stay at info.) */
const DEBUG_CONTEXTS = new Set(['RouterExplorer', 'InstanceLoader']);

/** Nest's logger on pino (nestjs-pino), with route mapping and module loading at debug level. */
@Injectable()
export class ServiceLogger extends Logger {
  override log(message: unknown, ...optionalParams: unknown[]): void {
    const context = optionalParams[optionalParams.length - 1];
    if (typeof context === 'string' && DEBUG_CONTEXTS.has(context)) this.debug(message, ...optionalParams);
    else super.log(message, ...optionalParams);
  }
}
