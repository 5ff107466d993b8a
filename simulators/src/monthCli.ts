import { parseArgs } from 'node:util'
import type { Logger } from 'pino'
import { seedMonth } from './month/seedMonth.js'
import { seedStation } from './month/seedStation.js'

export const MONTH_USAGE = `  ejia-sim month --api http://HOST:PORT --token T --hub mqtt://HOST:PORT --registry FILE
                 --town CODE --month YYYY-MM [--configs DIR] [--seed N]
      Puts a generated month of one town's work into a running hub: people with cards,
      weekly duty rotas, activity plans with leave, corrections (asked for and decided by
      two people) over the HTTP API, and every kiosk event over MQTT as its station. The
      token is a district operator's API token (or EJIA_HUB_TOKEN); the corrections are
      decided by the operator town-office-CODE, which the seeder makes or resets. The
      town's villages must be numbered 001, 002, … and none of their kiosks connected.
      Running it again changes nothing. Prints a JSON summary.
  ejia-sim seed-station --api http://HOST:PORT --token T --station ID [--month YYYY-MM]
      Gives one station a roster (names, cards, PINs for its c001, m001 and v001), a
      weekday duty rota for its cadres and a theme day on the 25th of the month (by
      default the next 25th). Prints a JSON summary with the PINs.`

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/
/** The hub's API tokens: `ejia_<id>_<secret>` (POST /api/auth/tokens). */
const TOKEN = /^ejia_\S+$/

/**
 * `ejia-sim month …` and `ejia-sim seed-station …`; returns the JSON summary to print. The
 * API token is `--token` or, kept out of the process list, EJIA_HUB_TOKEN.
 */
export async function runSeedCommand(
  command: 'month' | 'seed-station',
  argv: string[],
  log: Logger,
  env: Record<string, string | undefined> = process.env,
) {
  const { values } = parseArgs({
    args: argv,
    options: {
      api: { type: 'string' },
      token: { type: 'string' },
      hub: { type: 'string' },
      registry: { type: 'string' },
      configs: { type: 'string' },
      town: { type: 'string' },
      month: { type: 'string' },
      seed: { type: 'string', default: '1' },
      station: { type: 'string' },
    },
  })
  const given = { ...values, token: values.token ?? env.EJIA_HUB_TOKEN }
  const need = (name: keyof typeof given, pattern?: RegExp): string => {
    const v = given[name]
    if (typeof v !== 'string' || (pattern && !pattern.test(v)))
      throw new SyntaxError(`--${name} is missing or malformed\n\n${MONTH_USAGE}`)
    return v
  }
  if (command === 'seed-station') {
    return seedStation({
      apiUrl: need('api', /^https?:\/\//),
      token: need('token', TOKEN),
      stationId: need('station', /^\d{12}$/),
      month: values.month ? need('month', MONTH) : nextThemeDayMonth(),
      log,
    })
  }
  return seedMonth({
    apiUrl: need('api', /^https?:\/\//),
    token: need('token', TOKEN),
    hubUrl: need('hub', /^(mqtt|tcp):\/\//),
    registryFile: need('registry'),
    ...(values.configs ? { configsDir: values.configs } : {}),
    townCode: need('town', /^\d{9}$/),
    month: need('month', MONTH),
    seed: Number(need('seed', /^\d{1,9}$/)),
    log,
  })
}

/**
 * The month of the next theme day (the 25th), in China time (UTC+8, as the stations keep):
 * this month's until the 25th has passed, then next month's. A plan already past when the
 * kiosk comes up would only ever show everyone absent.
 */
function nextThemeDayMonth(): string {
  const today = new Date(Date.now() + 8 * 3600_000)
  const next =
    today.getUTCDate() <= 25 ? today : new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() + 1, 1))
  return next.toISOString().slice(0, 7)
}
