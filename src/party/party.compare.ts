import { Membership } from './entities/membership.entity';
import { Party } from './entities/party.entity';

/*
 * Whether a write changed anything (SPEC §7: a write that changes nothing raises no version and sends
 * no event). Variables are maps: the same keys and values in another order are the same variables.
 */

const sortedVariables = (variables: Record<string, string>) => Object.entries(variables).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

/** The fields an edit sets, comparable (the owner is compared apart: a transfer is its own event). */
export function editableFields({ name, description, image, maxMemberCount, isPrivate, teams, channels, data, variables }: Party): string {
  return JSON.stringify([name, description, image, maxMemberCount, isPrivate, teams, channels, data, sortedVariables(variables)]);
}

/** A membership's own data, comparable. */
export function memberDataFields({ data, variables }: Pick<Membership, 'data' | 'variables'>): string {
  return JSON.stringify([data, sortedVariables(variables)]);
}
