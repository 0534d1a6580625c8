import { InitialSchema1763776800000 } from './1763776800000-initial-schema';

/** Every migration, oldest first. */
export const MIGRATIONS = [InitialSchema1763776800000];
