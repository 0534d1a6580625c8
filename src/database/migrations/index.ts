import { InitialSchema1763776800000 } from './1763776800000-initial-schema';
import { PartyBans1763863200000 } from './1763863200000-party-bans';
import { LongVariables1763949600000 } from './1763949600000-long-variables';
import { GuestDevices1764028800000 } from './1764028800000-guest-devices';
import { IdempotencyRecords1764115200000 } from './1764115200000-idempotency-records';
import { SessionRevocation1764201600000 } from './1764201600000-session-revocation';
import { PartyEvents1764288000000 } from './1764288000000-party-events';
import { PartySearch1764374400000 } from './1764374400000-party-search';

/** Every migration, oldest first. */
export const MIGRATIONS = [
  InitialSchema1763776800000,
  PartyBans1763863200000,
  LongVariables1763949600000,
  GuestDevices1764028800000,
  IdempotencyRecords1764115200000,
  SessionRevocation1764201600000,
  PartyEvents1764288000000,
  PartySearch1764374400000,
];
