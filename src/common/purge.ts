/**
 * Deletes in bounded batches: `purgeBatch(limit)` deletes at most `limit` rows and says how many; it
 * runs until a batch comes back short or `maxBatches` ran, so one call's work (and lock time) is bounded.
 */
export async function purgeInBatches(purgeBatch: (limit: number) => Promise<number>, batchSize = 500, maxBatches = 20): Promise<number> {
  let purged = 0;
  for (let batch = 0; batch < maxBatches; batch++) {
    const deleted = await purgeBatch(batchSize);
    purged += deleted;
    if (deleted < batchSize) break;
  }
  return purged;
}
