/*
 * What "a case-insensitive substring of the name or description" (SPEC, list/search) means, decided in
 * one place for both databases: text and query are folded the same way, then compared byte for byte.
 * MariaDB's collation and SQLite's ASCII-only LOWER() used to disagree (SQLite missed "äpfel" in
 * "Äpfel"); now both agree, and the folded text can be indexed by trigrams, so a search reads a few
 * index entries instead of every party (see PartySearchRepository).
 */

/** Characters in a trigram: long enough to be selective, short enough that any 3-character query uses the index. */
export const GRAM_LENGTH = 3;
/** A query's grams looked up in the index: a few selective ones narrow to a handful of parties; the substring check does the rest. */
export const MAX_QUERY_GRAMS = 4;
/** Between the folded name and description, so neither a gram nor a match spans the two. Folding turns every control character into a space, so it never occurs in folded text. */
export const FIELD_SEPARATOR = '\u001f';

/**
 * Combining diacritics only (Latin, Greek, Cyrillic accents and the like), never the vowel signs and
 * other marks that are letters of their script (Devanagari, Thai…): "कम" must not find "काम".
 */
// The ranges are the combining-diacritics blocks, on purpose: the rule's "combined character" is the point.
// eslint-disable-next-line no-misleading-character-class
const DIACRITICS = /[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+/gu;
const CONTROLS = /\p{Cc}/gu;
const LONE_SURROGATES = /\p{Cs}/gu;

/**
 * Compatibility-decomposed (full-width and ligature forms become plain letters), accents dropped,
 * recomposed (a Hangul syllable is one character again, so "하" does not find "한"), lowercased with
 * the Greek final sigma as σ (JavaScript lowers Σ by its place in the word), control characters as
 * spaces: "Pokémon", "POKEMON" and "ｐｏｋｅｍｏｎ" all fold to "pokemon". A lone surrogate (JSON allows
 * "\ud800") becomes U+FFFD, as UTF-8 stores it anyway. Queries fold the same way, so a change here
 * needs a migration that rebuilds the index.
 */
export function foldForSearch(text: string): string {
  return text
    .replace(LONE_SURROGATES, '\ufffd')
    .normalize('NFKD')
    .replace(DIACRITICS, '')
    .normalize('NFC')
    .toLowerCase()
    .replace(/ς/g, 'σ')
    .replace(CONTROLS, ' ');
}

/**
 * What a list request searches for: the folded query, '' for no query (every party), or null for a
 * query with nothing left once folded (only accents), which finds no party.
 */
export function searchTerm(query: string): string | null {
  const term = foldForSearch(query);
  return query !== '' && term === '' ? null : term;
}

/**
 * A party's index entries, each field folded once: the stored text (name and description apart) and
 * every distinct trigram of the name and of the description (by code point, never across the two).
 */
export function searchIndexOf(name: string, description: string): { text: string; grams: string[] } {
  const fields = [foldForSearch(name), foldForSearch(description)];
  return { text: fields.join(FIELD_SEPARATOR), grams: [...new Set(fields.flatMap(gramsOf))] };
}

/**
 * The grams a folded query is looked up by: none below GRAM_LENGTH characters (a scan then), else up
 * to MAX_QUERY_GRAMS distinct ones spread over the query, first and last included. Any party holding
 * the query holds every one of its grams, so the lookup never misses a match.
 */
export function queryGrams(foldedQuery: string): string[] {
  const all = [...new Set(gramsOf(foldedQuery))];
  if (all.length <= MAX_QUERY_GRAMS) return all;
  return Array.from({ length: MAX_QUERY_GRAMS }, (_, i) => all[Math.round((i * (all.length - 1)) / (MAX_QUERY_GRAMS - 1))]);
}

function gramsOf(folded: string): string[] {
  const characters = Array.from(folded); // code points: an emoji is one character, as in a utf8mb4 VARCHAR(3)
  const grams: string[] = [];
  for (let i = 0; i + GRAM_LENGTH <= characters.length; i++) grams.push(characters.slice(i, i + GRAM_LENGTH).join(''));
  return grams;
}
