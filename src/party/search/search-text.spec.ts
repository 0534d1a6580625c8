import { FIELD_SEPARATOR, foldForSearch, MAX_QUERY_GRAMS, queryGrams, searchIndexOf, searchTerm } from './search-text';

const grams = (name: string, description: string) => searchIndexOf(name, description).grams;

describe('search text', () => {
  it.each([
    ['Pokémon', 'pokemon'],
    ['POKEMON', 'pokemon'],
    ['ｐｏｋｅｍｏｎ', 'pokemon'],
    ['Äpfel Über', 'apfel uber'],
    ['ﬁre', 'fire'],
    ['tab\there', 'tab here'],
    ['100% a_b \\', '100% a_b \\'],
    ['\ud800x\udc00', '\ufffdx\ufffd'],
    ['ΟΔΟΣ', 'οδοσ'],
    ['İstanbul', 'istanbul'],
  ])('folds %j to %j', (text, folded) => {
    expect(foldForSearch(text)).toBe(folded);
  });

  it('takes a query of only accents for one that finds nothing, and no query for one that finds everything', () => {
    expect([searchTerm('\u0301'), searchTerm(''), searchTerm('É'), searchTerm(' ')]).toEqual([null, '', 'e', ' ']);
  });

  it('keeps name and description apart, and never folds anything into the separator', () => {
    expect(searchIndexOf('Raid', 'Bring potions').text).toBe(`raid${FIELD_SEPARATOR}bring potions`);
    expect(foldForSearch(`a${FIELD_SEPARATOR}b`)).toBe('a b');
  });

  it('grams every field separately, by code point, without duplicates', () => {
    expect(grams('abcd', 'xyz').sort()).toEqual(['abc', 'bcd', 'xyz']);
    expect(grams('aaaa', '')).toEqual(['aaa']);
    expect(grams('ab', 'c')).toEqual([]);
    expect(grams('😀ab', '')).toEqual(['😀ab']);
  });

  it('looks a query up by at most a few grams, the first and last among them, and by none when it is short', () => {
    expect(queryGrams('ra')).toEqual([]);
    expect(queryGrams('raid')).toEqual(['rai', 'aid']);
    const long = queryGrams('speedrun practice');
    expect(long).toHaveLength(MAX_QUERY_GRAMS);
    expect(long[0]).toBe('spe');
    expect(long[MAX_QUERY_GRAMS - 1]).toBe('ice');
  });

  it('finds what a substring of the name or description finds, in any script: every slice folds into the folded text, with all its grams', () => {
    const parties = [
      ['Friday Raid #31415', 'Weekly raid, bring potions'],
      ['ΟΔΟΣΟ ΣΙΣΥΦΟΣ', 'Ἀθῆναι'],
      ['한국 파티', '하나 둘'],
      ['काम दल', 'ป่าไม้'],
      ['ＢＩＧ ﬁre Pokémon', 'Äpfel Über İstanbul 😀'],
    ];
    for (const [name, description] of parties) {
      const index = searchIndexOf(name, description);
      const indexed = new Set(index.grams);
      for (const field of [name, description]) {
        const characters = Array.from(field);
        for (let start = 0; start < characters.length; start++) {
          for (let end = start + 1; end <= characters.length; end++) {
            const query = foldForSearch(characters.slice(start, end).join(''));
            expect(index.text.includes(query)).toBe(true);
            for (const gram of queryGrams(query)) expect(indexed.has(gram)).toBe(true);
          }
        }
      }
    }
  });

  it.each([
    ['하', '한국'], // a Hangul syllable is not a prefix of another
    ['कम', 'काम'], // a Devanagari vowel sign is a letter, not an accent
    ['ปา', 'ป่า'], // nor is a Thai tone mark
  ])('does not find %j in %j', (query, text) => {
    expect(foldForSearch(text).includes(foldForSearch(query))).toBe(false);
  });
});
