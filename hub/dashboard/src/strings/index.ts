import { configPage } from './config.js'
import { fleetPages } from './fleet.js'
import { recordPages } from './records.js'
import { shell } from './shell.js'
import { statsPages } from './stats.js'

/**
 * Every string the dashboard shows, Simplified Chinese. Views take their words from here and
 * nowhere else, so wording is reviewed in one place; each page's words are in a file of their
 * own beside this one.
 */
export const zh = { ...shell, ...fleetPages, ...recordPages, ...statsPages, ...configPage }

/** A kind the dashboard has no label for is shown by its code. */
export const alarmKindLabel = (kind: string): string => zh.alarms.kinds[kind] ?? kind

export function deviceLabel(device: string): string {
  if (device.startsWith('serial:')) return zh.serialDevice(device.slice('serial:'.length))
  return zh.devices[device] ?? device
}
