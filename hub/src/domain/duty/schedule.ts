/**
 * The duty rota and how its shifts fall on the calendar live in the protocol package, so
 * that the hub (which judges shifts) and the kiosk (which shows them) read a rota alike.
 */
export {
  type DutyRota as DutySchedule,
  rotaInForce,
  type ShiftInstance,
  type ShiftPattern,
  shiftsOn,
} from '@ejia/protocol'
