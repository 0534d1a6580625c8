import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';

/*
 * Hot paths (every session check, party reads, the join and leave locks) run fixed SQL instead of
 * TypeORM's query builder: building the query and hydrating through it costs about twice the
 * statement itself. Rows still go through TypeORM's own per-column conversions (JSON, booleans,
 * dates), so the entities stay the one description of the columns. SQL uses `?` placeholders, which
 * both mysql2 and sql.js take.
 */

/** Runs `sql` and turns each row into an `entity`, ignoring columns the entity does not have. */
export async function selectEntities<T extends ObjectLiteral>(
  manager: EntityManager,
  entity: EntityTarget<T>,
  sql: string,
  parameters: unknown[],
): Promise<T[]> {
  const rows: Record<string, unknown>[] = await manager.query(sql, parameters);
  return rows.map((row) => hydrate(manager, entity, row));
}

export async function selectEntity<T extends ObjectLiteral>(
  manager: EntityManager,
  entity: EntityTarget<T>,
  sql: string,
  parameters: unknown[],
): Promise<T | null> {
  return (await selectEntities(manager, entity, sql, parameters))[0] ?? null;
}

/** Runs a write in the unit of work `tx`; resolves to the rows it affected (matched, for an UPDATE on MySQL). */
export async function execute(tx: EntityManager, sql: string, parameters: unknown[]): Promise<number> {
  if (!tx.queryRunner) throw new Error('execute() needs a transaction');
  const result = await tx.queryRunner.query(sql, parameters, true);
  return result.affected ?? 0;
}

export function hydrate<T extends ObjectLiteral>(manager: EntityManager, entity: EntityTarget<T>, row: Record<string, unknown>): T {
  const metadata = manager.connection.getMetadata(entity);
  const driver = manager.connection.driver;
  const result = metadata.create() as Record<string, unknown>;
  for (const column of metadata.columns) {
    if (column.databaseName in row) result[column.propertyName] = driver.prepareHydratedValue(row[column.databaseName], column);
  }
  return result as T;
}

/** A value as the driver stores it in `entity.property` (e.g. a Date for a DATETIME column on sql.js). */
export function columnValue<T extends ObjectLiteral>(manager: EntityManager, entity: EntityTarget<T>, property: keyof T & string, value: unknown): unknown {
  const column = manager.connection.getMetadata(entity).findColumnWithPropertyName(property);
  if (!column) throw new Error(`no column ${property}`);
  return manager.connection.driver.preparePersistentValue(value, column);
}
