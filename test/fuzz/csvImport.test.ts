import { parseRegistry, parseStationCsv, provision, validateStationConfig } from '@ejia/firmware-config'
import fc from 'fast-check'
import { Compile } from 'typebox/compile'
import { afterAll, describe, expect, it } from 'vitest'
import { PersonBody } from '../../hub/src/http/schemas.js'
import { PEOPLE_HEADER, parsePeopleCsv } from '../../hub/src/reports/peopleCsv.js'
import { FUZZ_TEST_TIMEOUT_MS, FuzzReport } from './harness.js'
import { hostileString, PROTO_WORDS } from './hostile.js'

/**
 * Target 4: the two spreadsheets offices send, the provisioning station list
 * (firmware-config) and the hub's roster import. Arbitrary text never throws; a file built
 * from known good and bad rows comes back as exactly the good rows, and every bad row is
 * reported on the line where it starts, whatever quoting, line ends, blank lines, BOM and
 * cell sizes surround it. The HTTP side of the roster import is fuzzed in hubApi.test.ts.
 */
const report = new FuzzReport()
afterAll(() => report.print())

/** RFC 4180 quoting, as a spreadsheet writes a cell that needs it. */
const cell = (v: string) => (/[",\r\n]|^\s|\s$/.test(v) ? `"${v.replaceAll('"', '""')}"` : v)

interface Line {
  cells: string[]
  good: boolean
}

/** Lays rows out as a file, and says on which line each row starts. */
function layout(
  header: string[],
  rows: Line[],
  style: { eol: string; bom: boolean; blanksBefore: number[] },
): { text: string; starts: number[] } {
  const out: string[] = [header.map(cell).join(',')]
  let line = 1
  const starts: number[] = []
  rows.forEach((r, i) => {
    for (let b = 0; b < (style.blanksBefore[i] ?? 0); b++) out.push('')
    line += 1 + (style.blanksBefore[i] ?? 0)
    starts.push(line)
    const text = r.cells.map(cell).join(',')
    out.push(text)
    line += (text.match(/\r\n|\r|\n/g) ?? []).length
  })
  return { text: (style.bom ? '\uFEFF' : '') + out.join(style.eol), starts }
}

const fileStyle = (rows: number) =>
  fc.record({
    eol: fc.constantFrom('\n', '\r\n'),
    bom: fc.boolean(),
    blanksBefore: fc.array(fc.constantFrom(0, 0, 0, 1, 2), { minLength: rows, maxLength: rows }),
  })

/** Text a good cell may hold: quotes, commas, line breaks, Chinese, huge, but not blank. */
const goodText = (maxLength: number) =>
  fc
    .oneof(
      fc.constantFrom('肖家沟村', '城关镇', 'a,b', 'say "hi"', 'two\nlines', 'x\r\ny', ...PROTO_WORDS),
      fc.string({ unit: 'grapheme', minLength: 1, maxLength }),
      fc.constant('长'.repeat(Math.min(maxLength, 50_000))),
    )
    .map((s) => s.trim())
    .filter((s) => s.length > 0 && s.length <= maxLength && !s.includes('\u0000'))

const noTwelveDigits = hostileString().filter((s) => !/^\s*[0-9]{12}\s*$/.test(s))
const lines = (text: string) => text.split(/\r\n|\r|\n/).length

describe('fuzzing the station CSV of provisioning', { timeout: FUZZ_TEST_TIMEOUT_MS }, () => {
  const HEADERS = [
    ['镇/街道', '村/社区', '站点编码', '联系人', '联系电话'],
    ['乡镇', '村居', '统计用区划代码', '负责人', '手机'],
  ]

  it('arbitrary text: no throw, and whatever it reads is a valid station', async () => {
    await report.run(
      'csv: station list, arbitrary text',
      [
        fc.oneof(
          fc.string({ unit: 'binary', maxLength: 400 }),
          fc
            .array(
              fc.oneof(hostileString(), fc.constantFrom('"', ',', '\n', '\r', '\uFEFF', '339901001001')),
              {
                maxLength: 60,
              },
            )
            .map((parts) => `${HEADERS[0]!.join(',')}\n${parts.join('')}`),
        ),
      ],
      (text) => {
        const { rows, problems } = parseStationCsv(text)
        const ids = rows.map((r) => r.stationId)
        expect(new Set(ids).size).toBe(ids.length)
        for (const r of rows) {
          expect(r.stationId).toMatch(/^[0-9]{12}$/)
          expect(r.townName.length * r.villageName.length).toBeGreaterThan(0)
        }
        for (const p of problems) {
          expect(p.line).toBeGreaterThanOrEqual(0)
          expect(p.line).toBeLessThanOrEqual(lines(text))
          expect(p.message.length).toBeGreaterThan(0)
        }
      },
      { runs: 1500 },
    )
  })

  it('known rows in any layout: the good ones read, each bad one reported on its line', async () => {
    // one town per file, as provisioning wants one name per town code
    const row = (i: number, town: string) =>
      fc.oneof(
        fc.record({
          town: fc.constant(town),
          village: goodText(64),
          contact: fc.constantFrom('张三', ''),
          id: fc.constant(`3399010${String(10_000 + i).slice(1)}`.padEnd(12, '7')),
          good: fc.constant(true),
        }),
        fc.record({
          town: goodText(20),
          village: goodText(20),
          id: noTwelveDigits,
          good: fc.constant(false),
        }),
        fc.record({
          town: fc.constant(town),
          village: goodText(90).filter((v) => [...v].length > 64),
          id: fc.constant('339901001998'),
          good: fc.constant(false),
        }),
        fc.record({
          town: fc.constant(town),
          village: goodText(20),
          contact: fc.constant('张'.repeat(33)),
          id: fc.constant('339901001997'),
          good: fc.constant(false),
        }),
        fc.record({
          town: fc.constantFrom('', '  '),
          village: goodText(20),
          id: fc.constant('339901001999'),
          good: fc.constant(false),
        }),
      )
    const file = fc
      .tuple(fc.integer({ min: 1, max: 12 }), goodText(64))
      .chain(([n, town]) =>
        fc.tuple(
          fc.tuple(...Array.from({ length: n }, (_, i) => row(i, town))),
          fileStyle(n),
          fc.constantFrom(...HEADERS),
        ),
      )
    await report.run(
      'csv: station list, known rows',
      [file],
      ([rows, style, header]) => {
        const { text, starts } = layout(
          header,
          rows.map((r) => ({
            cells: [r.town, r.village, r.id, 'contact' in r ? r.contact : '张三', '13900000000'],
            good: r.good,
          })),
          style,
        )
        const { rows: read, problems } = parseStationCsv(text)
        expect(read.map((r) => [r.townName, r.villageName, r.stationId])).toEqual(
          rows.filter((r) => r.good).map((r) => [r.town, r.village, r.id]),
        )
        const badLines = starts.filter((_, i) => !rows[i]!.good)
        expect([...new Set(problems.map((p) => p.line))]).toEqual(badLines)
        expect(read.map((r) => r.line)).toEqual(starts.filter((_, i) => rows[i]!.good))
        // what the list accepted, provisioning turns into a registry and configs that load
        const bundle = provision(read, {
          districtName: '青山区',
          hubUrl: 'mqtt://127.0.0.1:1883',
          allowPlain: true,
        })
        expect(bundle.problems).toEqual([])
        parseRegistry(bundle.registry)
        for (const c of bundle.configs) validateStationConfig(c)
      },
      { runs: 600 },
    )
  })
})

describe('fuzzing the roster CSV the hub imports', { timeout: FUZZ_TEST_TIMEOUT_MS }, () => {
  const personValidator = Compile(PersonBody)

  it('arbitrary text: no throw, and every person read is one the API would take', async () => {
    const header = PEOPLE_HEADER.join(',')
    const roleWord = fc.constantFrom('党员', '干部', '群众', 'member', '党员、干部', ...PROTO_WORDS)
    await report.run(
      'csv: roster, arbitrary text',
      [
        fc.oneof(
          fc.string({ unit: 'binary', maxLength: 400 }),
          fc
            .array(
              fc.oneof(
                hostileString(),
                roleWord,
                fc.constantFrom('"', ',', ';', '\n', '\r\n', '\uFEFF', '339901001001', 'p-1', '0013A8F2AB'),
              ),
              { maxLength: 80 },
            )
            .map((parts) => `${header}\n${parts.join('')}`),
          // one well-formed row whose cells are hostile
          fc
            .tuple(
              fc.constant('339901001001'),
              fc.constant('p-1'),
              hostileString(),
              roleWord,
              hostileString(),
            )
            .map((cells) => `${header}\n${cells.map(cell).join(',')}`),
        ),
      ],
      (text) => {
        const { people, problems } = parsePeopleCsv(text)
        for (const p of people) {
          const errors = [...personValidator.Errors(p)].map((e) => `${e.instancePath} ${e.message}`)
          expect(errors, JSON.stringify(p)).toEqual([])
        }
        const ids = people.map((p) => p.personId)
        expect(new Set(ids).size).toBe(ids.length)
        for (const p of problems) {
          expect(p.line).toBeGreaterThanOrEqual(0)
          expect(p.line).toBeLessThanOrEqual(lines(text))
        }
      },
      { runs: 1500 },
    )
  })

  it('known rows in any layout: the good ones read as written, each bad one reported on its line', async () => {
    const good = (i: number) =>
      fc.record({
        personId: fc.constant(`p-${i}`),
        name: goodText(32),
        roles: fc.constantFrom('党员', '干部、党员', 'villager', '群众;member'),
        cards: fc.constantFrom('', '0013A8F2AB', '099,00999', '0013A8F2AB;1234567890'),
        fingerprints: fc.constantFrom('', '3', '1;2;65535'),
        good: fc.constant(true),
      })
    const bad = (i: number) =>
      fc
        .oneof(
          fc.record({ personId: fc.constant(`p-${i}`), name: fc.constant(''), roles: fc.constant('党员') }),
          fc.record({
            personId: fc.constant(`p-${i}`),
            name: goodText(20),
            roles: fc.constantFrom('boss', '', ...PROTO_WORDS),
          }),
          fc.record({
            personId: fc.constantFrom('', 'p 1', '张三', "p'1"),
            name: goodText(20),
            roles: fc.constant('党员'),
          }),
        )
        .map((r) => ({ ...r, cards: '', fingerprints: '70000', good: false }))
    const file = fc
      .integer({ min: 1, max: 10 })
      .chain((n) =>
        fc.tuple(fc.tuple(...Array.from({ length: n }, (_, i) => fc.oneof(good(i), bad(i)))), fileStyle(n)),
      )
    await report.run(
      'csv: roster, known rows',
      [file],
      ([rows, style]) => {
        const { text, starts } = layout(
          PEOPLE_HEADER,
          rows.map((r) => ({
            cells: ['339901001001', r.personId, r.name, r.roles, r.cards, '', r.fingerprints],
            good: r.good,
          })),
          style,
        )
        const { people, problems } = parsePeopleCsv(text)
        expect(people.map((p) => [p.personId, p.name, p.cards.join(';')])).toEqual(
          rows.filter((r) => r.good).map((r) => [r.personId, r.name, r.cards]),
        )
        const badLines = starts.filter((_, i) => !rows[i]!.good)
        expect([...new Set(problems.map((p) => p.line))]).toEqual(badLines)
      },
      { runs: 600 },
    )
  })
})
