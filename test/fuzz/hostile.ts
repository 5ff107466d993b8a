import fc from 'fast-check'

/**
 * Values that have broken parsers elsewhere, to mix into what fast-check makes up: it
 * rarely writes `__proto__` or a leap second by chance.
 */

/** SQL injection, as a filter value would carry it. Each must come back as "no such value". */
export const SQL_INJECTIONS = [
  "' OR '1'='1",
  "' OR 1=1 --",
  '" OR ""="',
  "'; DROP TABLE events; --",
  "339901001001' OR '1'='1",
  "1' UNION SELECT name, sql FROM sqlite_master --",
  '1 OR 1=1',
  "%' --",
  '%',
  '_',
  "\\'; SELECT pg_sleep(5); --",
  "admin'--",
  "') OR ('a'='a",
  '1;SELECT 1',
] as const

/** Keys and words that reach plain-object lookups (`ROLES[word]`) and JSON merges. */
export const PROTO_WORDS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'valueOf',
  'hasOwnProperty',
] as const

/** Text that trips encoders, regexes and databases. */
export const NASTY_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\uFEFF',
  '\uD800',
  '\uDFFF\uD800',
  '😀',
  '签到',
  '\u202Eabc',
  '\r\n',
  '"',
  "'",
  '\\',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the text itself, for code that might template it
  '${x}',
  '../../etc/passwd',
  '%00',
  '%2e%2e%2f',
  'null',
  'undefined',
  'NaN',
  '-0',
  '1e999',
  'true',
  '[]',
  '{}',
  'a'.repeat(300),
  'x'.repeat(70_000),
  ...SQL_INJECTIONS,
  ...PROTO_WORDS,
] as const

/** Numbers at the edges of what JSON and JavaScript agree on. */
export const NASTY_NUMBERS = [
  0,
  -0,
  -1,
  1,
  0.5,
  2 ** 31,
  2 ** 32,
  2 ** 53,
  2 ** 53 + 2,
  -(2 ** 53),
  Number.MAX_VALUE,
  Number.MIN_VALUE,
  1e21,
] as const

/**
 * Date and time text: valid, almost valid, and valid to a JSON Schema `date-time` check
 * but not to `new Date` (a leap second, lower-case separators, a space for the T).
 */
export const NASTY_TIMES = [
  '2026-11-25T01:30:00.000Z',
  '2026-11-25T01:30:00Z',
  '2026-11-25T01:30:00+08:00',
  '2026-11-25t01:30:00z',
  '2026-11-25 01:30:00Z',
  '2026-12-31T23:59:60Z',
  '2026-06-30T23:59:60Z',
  '2026-12-31T23:59:60+00:00',
  '2027-01-01T07:59:60+08:00',
  '2026-02-29T00:00:00Z',
  '2024-02-29T00:00:00Z',
  '2026-13-01T00:00:00Z',
  '0000-01-01T00:00:00Z',
  '9999-12-31T23:59:59.999999999Z',
  '2026-11-25T24:00:00Z',
  '2026-11-25',
  '2026-11-25T01:30',
  '1970-01-01T00:00:00Z',
  '275760-09-13T00:00:00Z',
] as const

export const NASTY_DATES = [
  '2026-11-25',
  '0000-01-01',
  '0001-01-01',
  '9999-12-31',
  '2026-02-29',
  '2024-02-29',
  '2026-02-30',
  '2026-00-10',
  '2026-13-01',
  '0000-00-00',
  '9999-99-99',
  '2026-1-1',
  '20261125',
] as const

/** A hostile scalar: made-up text and numbers, with the dictionaries above well represented. */
export const hostileString = (): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...NASTY_STRINGS, ...NASTY_TIMES, ...NASTY_DATES) },
    { weight: 2, arbitrary: fc.string({ maxLength: 40 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
    { weight: 1, arbitrary: fc.nat().map(String) },
  )

export const hostileNumber = (): fc.Arbitrary<number> =>
  fc.oneof(
    fc.constantFrom(...NASTY_NUMBERS),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
  )

/** Any JSON value, with hostile leaves and `__proto__`-style keys now and then. */
export const hostileJson = (maxDepth = 3): fc.Arbitrary<unknown> =>
  fc.letrec<{ value: unknown }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', maxDepth, withCrossShrink: true },
      hostileString(),
      hostileNumber(),
      fc.boolean(),
      fc.constant(null),
      fc.array(tie('value'), { maxLength: 5 }),
      fc.dictionary(fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom(...PROTO_WORDS)), tie('value'), {
        maxKeys: 5,
      }),
    ),
  })).value
