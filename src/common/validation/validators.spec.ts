import { describe, expect, it } from '@jest/globals';
import { nameListProblem, stringMapProblem } from './validators';
import { parsePositiveInt32 } from './id-param.pipe';

const limits = { maxKeys: 2, maxKeyLength: 9, maxValueLength: 4 };

describe('stringMapProblem', () => {
  it.each([
    [{}, null],
    [{ a: 'x', bcd: 'wxyz' }, null],
    [{ a: 'x', b: 'x', c: 'x' }, 'must have at most 2 keys'],
    [{ abcdefghij: 'x' }, 'keys must be 1..9 characters'],
    [{ '': 'x' }, 'keys must be 1..9 characters'],
    [{ a: 1 }, 'value of "a" must be a string'],
    [{ a: 'vwxyz' }, 'value of "a" must be at most 4 characters'],
    [JSON.parse('{"__proto__":"x"}'), 'key "__proto__" is not allowed'],
    [[], 'must be an object of string values'],
    [null, 'must be an object of string values'],
    ['{}', 'must be an object of string values'],
  ])('%j → %s', (value, problem) => {
    expect(stringMapProblem(value, limits)).toBe(problem);
  });
});

describe('nameListProblem', () => {
  it.each([
    [[], null],
    [['red', 'ab'], null],
    [['a', 'b', 'c'], 'must have at most 2 names'],
    [['a', 'a'], 'names must be unique'],
    [[''], 'names must be strings of 1..3 characters'],
    [['abcd'], 'names must be strings of 1..3 characters'],
    [[1], 'names must be strings of 1..3 characters'],
    ['red', 'must be an array of strings (or a string holding a JSON array)'],
  ])('%j → %s', (value, problem) => {
    expect(nameListProblem(value, 2, 3)).toBe(problem);
  });
});

describe('parsePositiveInt32', () => {
  it.each([
    ['1', 1],
    ['2147483647', 2147483647],
    ['2147483648', null],
    ['0', null],
    ['-1', null],
    ['1.0', null],
    ['0x10', null],
    [' 1', null],
    ['', null],
    [undefined, null],
  ])('%j → %j', (raw, expected) => {
    expect(parsePositiveInt32(raw)).toBe(expected);
  });
});
