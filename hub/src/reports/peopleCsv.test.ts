import { describe, expect, it } from 'vitest'
import { PEOPLE_HEADER, parsePeopleCsv } from './peopleCsv.js'

const HEADER = PEOPLE_HEADER.join(',')

/** Each found by test/fuzz/csvImport.test.ts. */
describe('parsePeopleCsv, on what the fuzzer found', () => {
  it('refuses a role word that is a name on every JavaScript object', () => {
    for (const word of ['constructor', 'toString', '__proto__']) {
      const { people, problems } = parsePeopleCsv(`${HEADER}\n339901001001,p-1,张三,${word},,,\n`)
      expect(people).toEqual([])
      expect(problems).toEqual([{ line: 2, message: `角色 "${word}" must be 党员, 干部 or 群众` }])
    }
  })

  it('holds to the limits of the API: a name of at most 32 characters, at most 10 fingerprints', () => {
    const text = [
      HEADER,
      `339901001001,p-1,${'张'.repeat(33)},党员,,,`,
      `339901001001,p-2,"  ",党员,,,`,
      `339901001001,p-3,李四,党员,,,${Array.from({ length: 11 }, (_, i) => i).join(';')}`,
      `339901001001,p-4,${'王'.repeat(32)},党员,,,`,
    ].join('\n')
    const { people, problems } = parsePeopleCsv(text)
    expect(people.map((p) => p.personId)).toEqual(['p-4'])
    expect(problems).toEqual([
      { line: 2, message: '姓名 is at most 32 characters' },
      { line: 3, message: '姓名 is empty' },
      { line: 4, message: 'at most 8 cards, 8 QR tokens and 10 fingerprints' },
    ])
  })

  it('numbers lines as an editor does, past blank lines and cells on two lines', () => {
    const text = [
      HEADER,
      '',
      '339901001001,p-1,"张',
      '三",党员,,,',
      '',
      '339901001001,p 2,李四,党员,,,',
    ].join('\r\n')
    const { people, problems } = parsePeopleCsv(text)
    expect(people.map((p) => p.name)).toEqual(['张\r\n三'])
    expect(problems.map((p) => p.line)).toEqual([6])
  })
})
