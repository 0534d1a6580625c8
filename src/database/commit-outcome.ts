/**
 * COMMIT was sent and no answer came back (the connection broke): the write may or may not have been
 * applied. Never answered as "nothing was written" (a 503); with an Idempotency-Key the record tells.
 */
export class CommitOutcomeUnknown extends Error {
  constructor(readonly reason: unknown) {
    super(`COMMIT got no answer (${(reason as Error)?.message ?? String(reason)}): the outcome is unknown`);
  }
}
