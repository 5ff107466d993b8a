import type { ActivityKind } from '@ejia/protocol'
import Type, { type Static } from 'typebox'

/**
 * Duty (坐班) rules of the station. The hub's rota editor starts a new rota with them, and
 * the kiosk serves them to its UI (GET /api/ui-settings); a rota the hub sends carries its
 * own grace, which wins. The hub's defaults are the same numbers (hub/src/http/schemas.ts).
 */
export const DutyDefaults = Type.Object(
  {
    graceLateMin: Type.Integer({
      minimum: 0,
      maximum: 120,
      default: 5,
      title: 'Grace for coming late (minutes)',
      description: 'A clock-in this many minutes after the shift start still counts as on time',
    }),
    graceEarlyMin: Type.Integer({
      minimum: 0,
      maximum: 120,
      default: 5,
      title: 'Grace for leaving early (minutes)',
      description: 'A clock-out this many minutes before the shift end still counts as on time',
    }),
    duplicateWithinMin: Type.Integer({
      minimum: 0,
      maximum: 60,
      default: 3,
      title: 'Duplicate window (minutes)',
      description: 'Clock-ins (or clock-outs) of the same cadre this close together count as one',
    }),
  },
  {
    additionalProperties: false,
    default: {},
    title: 'Duty defaults',
    description: 'Grace and duplicate rules for duty clock-ins, used until the hub sends a rota with its own',
  },
)
export type DutyDefaults = Static<typeof DutyDefaults>

const hours = (kind: string, fallback: number) =>
  Type.Number({
    minimum: 0.5,
    maximum: 12,
    default: fallback,
    title: `Hours of a ${kind}`,
    description: `Hours credited to each attendee of a ${kind} unless its plan says otherwise`,
  })

/** Default hours per activity kind, one field per kind of protocol's ActivityKind. */
const defaultHours = Type.Object(
  {
    themeDay: hours('theme day (主题党日)', 2),
    branchAssembly: hours('branch assembly (支部党员大会)', 2),
    committeeMeeting: hours('committee meeting (支委会)', 1.5),
    groupMeeting: hours('group meeting (党小组会)', 1),
    partyLecture: hours('party lecture (党课)', 1.5),
    study: hours('study session', 1),
    other: hours('other activity', 1),
  } satisfies Record<ActivityKind, unknown>,
  {
    additionalProperties: false,
    default: {},
    title: 'Default hours per kind',
    description: 'Study hours an activity of each kind is worth when its plan gives none',
  },
)

/** Activity (三会一课, 主题党日) defaults of the station. */
export const ActivityDefaults = Type.Object(
  {
    themeDayOfMonth: Type.Integer({
      minimum: 1,
      maximum: 28,
      default: 25,
      title: 'Theme day of the month',
      description:
        'Day of the month the member activity day (主题党日) falls on; at most 28, so every month has it',
    }),
    defaultHours,
  },
  {
    additionalProperties: false,
    default: {},
    title: 'Activity defaults',
    description: 'When the monthly theme day is and how many hours each kind of activity is worth',
  },
)
export type ActivityDefaults = Static<typeof ActivityDefaults>

/** What the kiosk screen does; served to the kiosk UI by GET /api/ui-settings (docs/KIOSK.md). */
export const UiOptions = Type.Object(
  {
    idleTimeoutS: Type.Integer({
      minimum: 5,
      maximum: 600,
      default: 30,
      title: 'Idle timeout (seconds)',
      description: 'The screen goes back to the start after this long without a touch',
    }),
    resultTimeoutS: Type.Integer({
      minimum: 2,
      maximum: 120,
      default: 8,
      title: 'Result timeout (seconds)',
      description: 'How long a sign-in result stays on the screen',
    }),
    voice: Type.Boolean({
      default: true,
      title: 'Voice',
      description: 'Speak results aloud (the browser speech voice for the language)',
    }),
    sound: Type.Boolean({
      default: true,
      title: 'Sounds',
      description: 'Beep on key presses, successes and failures',
    }),
    language: Type.Enum(['zh-CN'], {
      default: 'zh-CN',
      title: 'Language',
      description: 'Language of the screen and the voice; only zh-CN for now',
    }),
  },
  {
    additionalProperties: false,
    default: {},
    title: 'Kiosk screen',
    description: 'Timeouts, voice, sounds and language of the kiosk UI',
  },
)
export type UiOptions = Static<typeof UiOptions>
