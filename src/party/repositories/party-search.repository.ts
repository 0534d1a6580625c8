import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { Page } from '../../common/validation/pagination';
import { selectEntities } from '../../database/fixed-sql';
import { MembershipStatus } from '../entities/membership.entity';
import { Party } from '../entities/party.entity';
import { queryGrams, searchIndexOf } from '../search/search-text';

/** A page request over parties: `term` is what the name or description must hold, folded (searchTerm; '' = all). */
export interface PartySearch {
  term: string;
  skip: number;
  limit: number;
}

/**
 * Every statement of list and search, and of the search index they read (`party_search`, `party_gram`,
 * see search-text.ts). A search with a query of three or more characters starts from the parties
 * holding its grams, newest first, and checks the substring only on those: a rare name is found by a
 * few index reads, a common word stops after a page of matches. Shorter queries scan.
 */
@Injectable()
export class PartySearchRepository {
  constructor(@InjectRepository(Party) private readonly parties: Repository<Party>) {}

  /** Indexes a new party, or re-indexes one whose name or description changed, in the change's transaction. */
  index(party: Pick<Party, 'id' | 'name' | 'description'>, tx: EntityManager): Promise<void> {
    return writeSearchIndex(tx, [party]);
  }

  /** A page of matching parties, newest first. */
  search({ term, skip, limit }: PartySearch): Promise<Party[]> {
    const match = matching(term);
    return selectEntities(this.parties.manager, Party, `${match.page} LIMIT ? OFFSET ?`, [...match.parameters, limit, skip]);
  }

  /** How many parties match (with no query, a scan of the party table's smallest index). */
  async count(term: string): Promise<number> {
    const match = matching(term);
    const [row]: { n: number | string }[] = await this.parties.manager.query(match.count, match.parameters);
    return Number(row.n);
  }

  /** Matching parties where the player's membership is accepted, newest first: through the player's memberships (index on player, status), a handful of rows. */
  async searchMine(playerId: number, { term, skip, limit }: PartySearch): Promise<Page<Party>> {
    const from =
      'FROM membership m INNER JOIN party p ON p.id = m.party_id' +
      (term ? ' INNER JOIN party_search s ON s.party_id = p.id' : '') +
      ` WHERE m.player_id = ? AND m.status = ?${term ? ' AND INSTR(s.text, ?) > 0' : ''}`;
    const parameters = [playerId, MembershipStatus.ACCEPTED, ...(term ? [term] : [])];
    const [list, [count]] = await Promise.all([
      selectEntities(this.parties.manager, Party, `SELECT p.* ${from} ORDER BY p.id DESC LIMIT ? OFFSET ?`, [...parameters, limit, skip]),
      this.parties.manager.query<{ n: number | string }[]>(`SELECT COUNT(*) AS n ${from}`, parameters),
    ]);
    return { list, totalCount: Number(count.n) };
  }
}

/** Rows per INSERT of the search index: a 2,000-character description alone has up to ~2,000 grams. */
const ROWS_PER_INSERT = 500;

/**
 * Writes the parties' search text and grams, replacing any they had. The `party_search` row goes last:
 * it marks a party as indexed, so the migration that indexes existing parties (and uses this, many
 * parties at a time) can resume where it was interrupted.
 */
export async function writeSearchIndex(manager: EntityManager, parties: Pick<Party, 'id' | 'name' | 'description'>[]): Promise<void> {
  if (parties.length === 0) return;
  const ids = parties.map((party) => party.id);
  const idList = ids.map(() => '?').join(', ');
  await manager.query(`DELETE FROM party_search WHERE party_id IN (${idList})`, ids);
  await manager.query(`DELETE FROM party_gram WHERE party_id IN (${idList})`, ids);
  const indexed = parties.map(({ id, name, description }) => ({ id, ...searchIndexOf(name, description) }));
  await insertRows(
    manager,
    'party_gram (gram, party_id)',
    indexed.flatMap(({ id, grams }) => grams.map((gram) => [gram, id])),
  );
  await insertRows(
    manager,
    'party_search (party_id, text)',
    indexed.map(({ id, text }) => [id, text]),
  );
}

async function insertRows(manager: EntityManager, into: string, rows: unknown[][]): Promise<void> {
  for (let start = 0; start < rows.length; start += ROWS_PER_INSERT) {
    const chunk = rows.slice(start, start + ROWS_PER_INSERT);
    const placeholders = chunk.map((row) => `(${row.map(() => '?').join(', ')})`).join(', ');
    await manager.query(`INSERT INTO ${into} VALUES ${placeholders}`, chunk.flat());
  }
}

/**
 * A search's page (newest first, without LIMIT) and count statements, which take the same parameters.
 * With grams, the first gram's index entries (gram, party_id) are read newest first and joined to the
 * other grams' by primary key; the folded text then confirms the substring, byte for byte (INSTR on a
 * binary collation, or SQLite's). Counts never read the party rows.
 */
function matching(term: string): { page: string; count: string; parameters: unknown[] } {
  if (!term) return { page: 'SELECT p.* FROM party p ORDER BY p.id DESC', count: 'SELECT COUNT(*) AS n FROM party', parameters: [] };
  const [first, ...others] = queryGrams(term);
  const index =
    first === undefined
      ? { tables: 'party_search s', id: 's.party_id', where: 'INSTR(s.text, ?) > 0', parameters: [term] }
      : {
          tables:
            'party_gram g0' +
            others.map((_, i) => ` INNER JOIN party_gram g${i + 1} ON g${i + 1}.gram = ? AND g${i + 1}.party_id = g0.party_id`).join('') +
            ' INNER JOIN party_search s ON s.party_id = g0.party_id',
          id: 'g0.party_id',
          where: 'g0.gram = ? AND INSTR(s.text, ?) > 0',
          parameters: [...others, first, term],
        };
  return {
    page: `SELECT p.* FROM ${index.tables} INNER JOIN party p ON p.id = ${index.id} WHERE ${index.where} ORDER BY ${index.id} DESC`,
    count: `SELECT COUNT(*) AS n FROM ${index.tables} WHERE ${index.where}`,
    parameters: index.parameters,
  };
}
