/**
 * Roster ids are `<station id>-<code>` (e.g. 339901001001-m001). At the kiosk people type only
 * the code after the dash and the station's own id is put in front; a full id (with the dash)
 * is taken as it is, for a cadre of another station.
 */
export function expandPersonId(typed: string, stationId: string | undefined): string {
  const t = typed.trim()
  if (t.includes('-') || !stationId) return t
  return `${stationId}-${t}`
}
