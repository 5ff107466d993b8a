import { csvRecords } from '@ejia/firmware-config'
import { CARD_NUMBER_PATTERN } from '@ejia/protocol'
import type { Person, Role } from '../storage/workStore.js'
import { toCsv } from './csv.js'

const ROLE_NAMES: Record<string, Role> = {
  党员: 'member',
  干部: 'cadre',
  群众: 'villager',
  member: 'member',
  cadre: 'cadre',
  villager: 'villager',
}
const ROLE_LABELS: Record<Role, string> = { member: '党员', cadre: '干部', villager: '群众' }
const CARD = new RegExp(CARD_NUMBER_PATTERN)
export const PEOPLE_HEADER = ['站点编码', '人员编号', '姓名', '角色', '卡号', '二维码', '指纹页号']

/** The roster as offices keep it: one person a line, lists separated by ; (roles by 、 too). */
export function parsePeopleCsv(text: string): {
  people: Person[]
  problems: { line: number; message: string }[]
} {
  const problems: { line: number; message: string }[] = []
  let records: { cells: string[]; line: number }[]
  try {
    records = csvRecords(text)
  } catch (err) {
    return {
      people: [],
      problems: [{ line: 0, message: `not a readable CSV file: ${(err as Error).message}` }],
    }
  }
  const [first, ...rows] = records
  const col = (name: string) => first?.cells.indexOf(name) ?? -1
  const missing = PEOPLE_HEADER.slice(0, 4).filter((h) => col(h) < 0)
  if (missing.length > 0)
    return {
      people: [],
      problems: [{ line: first?.line ?? 1, message: `missing column(s): ${missing.join(', ')}` }],
    }
  const list = (v: string | undefined) =>
    (v ?? '')
      .split(/[;；]/)
      .map((x) => x.trim())
      .filter(Boolean)
  const people: Person[] = []
  const seen = new Set<string>()
  rows.forEach(({ cells: r, line }) => {
    // trimmed here too: csv-parse keeps the blanks inside quotes, and "  " is no name
    const cell = (name: string) => (col(name) >= 0 ? (r[col(name)] ?? '').trim() : '')
    const personId = cell('人员编号')
    const stationId = cell('站点编码')
    const roleWords = cell('角色')
      .split(/[、;；,，/]/)
      .map((x) => x.trim())
      .filter(Boolean)
    // own keys only: ROLE_NAMES.constructor is Object (found by test/fuzz/csvImport.test.ts)
    const roles = roleWords.map((w) => (Object.hasOwn(ROLE_NAMES, w) ? ROLE_NAMES[w] : undefined))
    const before = problems.length
    if (!/^[A-Za-z0-9_.:-]{1,64}$/.test(personId))
      problems.push({ line, message: `人员编号 "${personId}" must be letters, digits, _ . : -` })
    if (seen.has(personId)) problems.push({ line, message: `人员编号 ${personId} appears twice` })
    if (!/^[0-9]{12}$/.test(stationId))
      problems.push({ line, message: `站点编码 "${stationId}" is not a 12-digit code` })
    if (cell('姓名') === '') problems.push({ line, message: '姓名 is empty' })
    // the API's limit (PersonBody), in code points as JSON Schema counts them
    if ([...cell('姓名')].length > 32) problems.push({ line, message: '姓名 is at most 32 characters' })
    if (roles.length === 0 || roles.some((x) => x === undefined))
      problems.push({ line, message: `角色 "${cell('角色')}" must be 党员, 干部 or 群众` })
    const cards = list(cell('卡号'))
    const badCards = cards.filter((c) => !CARD.test(c))
    if (badCards.length > 0)
      problems.push({
        line,
        message: `卡号 ${badCards.join(', ')}: a card is 10 hex digits, 10 decimal digits, or W26 "fac,card"`,
      })
    const qrTokens = list(cell('二维码'))
    if (qrTokens.some((t) => t.length < 8 || t.length > 128))
      problems.push({ line, message: '二维码 tokens are 8 to 128 characters' })
    const fingerprints = list(cell('指纹页号')).map(Number)
    if (cards.length > 8 || qrTokens.length > 8 || fingerprints.length > 10)
      problems.push({ line, message: 'at most 8 cards, 8 QR tokens and 10 fingerprints' })
    if (fingerprints.some((f) => !Number.isInteger(f) || f < 0 || f > 65535))
      problems.push({ line, message: '指纹页号 must be whole numbers 0–65535' })
    seen.add(personId)
    if (problems.length > before) return
    people.push({
      personId,
      stationId,
      name: cell('姓名'),
      roles: [...new Set(roles as Role[])],
      cards,
      qrTokens,
      fingerprints,
      // PINs are never in a file; an import keeps the PIN a person already has
      pinHash: null,
    })
  })
  return { people, problems }
}

export function peopleToCsv(people: readonly Person[]): string {
  return toCsv(
    PEOPLE_HEADER,
    people.map((p) => [
      p.stationId,
      p.personId,
      p.name,
      p.roles.map((r) => ROLE_LABELS[r]).join('、'),
      p.cards.join(';'),
      p.qrTokens.join(';'),
      p.fingerprints.join(';'),
    ]),
  )
}
