import { FIELD_SEPARATOR, foldForSearch, MAX_QUERY_GRAMS, partyGrams, queryGrams, searchText } from './search-text';

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
  ])('folds %j to %j', (text, folded) => {
    expect(foldForSearch(text)).toBe(folded);
  });

  it('keeps name and description apart, and never folds anything into the separator', () => {
    expect(searchText('Raid', 'Bring potions')).toBe(`raid${FIELD_SEPARATOR}bring potions`);
    expect(foldForSearch(`a${FIELD_SEPARATOR}b`)).toBe('a b');
  });

  it('grams every field separately, by code point, without duplicates', () => {
    expect(partyGrams('abcd', 'xyz').sort()).toEqual(['abc', 'bcd', 'xyz']);
    expect(partyGrams('aaaa', '')).toEqual(['aaa']);
    expect(partyGrams('ab', 'c')).toEqual([]);
    expect(partyGrams('😀ab', '')).toEqual(['😀ab']);
  });

  it('looks a query up by at most a few grams, the first and last among them, and by none when it is short', () => {
    expect(queryGrams('ra')).toEqual([]);
    expect(queryGrams('raid')).toEqual(['rai', 'aid']);
    const long = queryGrams('speedrun practice');
    expect(long).toHaveLength(MAX_QUERY_GRAMS);
    expect(long[0]).toBe('spe');
    expect(long[MAX_QUERY_GRAMS - 1]).toBe('ice');
  });

  it('finds every party holding the query: each of its grams is among the party grams', () => {
    const name = 'Friday Raid #31415';
    const description = 'Weekly raid, bring potions';
    const grams = new Set(partyGrams(name, description));
    const folded = searchText(name, description);
    for (let start = 0; start < folded.length; start++) {
      for (let end = start + 3; end <= folded.length; end++) {
        const query = folded.slice(start, end);
        if (query.includes(FIELD_SEPARATOR)) continue;
        for (const gram of queryGrams(query)) expect(grams.has(gram)).toBe(true);
      }
    }
  });
});
