import { readdirSync, readFileSync, writeFileSync } from 'node:fs'

/** USER_HZ, the unit of /proc's CPU times (man 5 proc): 100 on Linux x86 and arm. */
const TICKS_PER_S = 100

/**
 * Resets a process's VmHWM to its current VmRSS (proc(5), /proc/PID/clear_refs, "5"), so the
 * peak read later is the peak of what happened since.
 */
export function resetPeakMemory(pid: number): void {
  writeFileSync(`/proc/${pid}/clear_refs`, '5')
}

/** The pid of this process's child whose command name is `comm`, e.g. the Mosquitto startMosquitto() ran. */
export function childPidNamed(comm: string): number {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'))
      if (name === comm && Number(statFields(Number(entry))[1]) === process.pid) return Number(entry)
    } catch {
      // the process ended while we looked
    }
  }
  throw new Error(`no child process named ${comm}`)
}

/** The fields of /proc/PID/stat after the command name (which may hold spaces), from `state` on. */
function statFields(pid: number): string[] {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  return stat
    .slice(stat.lastIndexOf(')') + 2)
    .trim()
    .split(' ')
}

/**
 * CPU time the whole machine has spent busy so far (all cores, not idle or iowait), seconds,
 * from /proc/stat: with the busy time of the processes measured, how much went to others.
 */
export function machineBusySeconds(): number {
  const cpu = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').split(/\s+/).slice(1).map(Number)
  // user nice system idle iowait irq softirq steal (guest time is already in user)
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = cpu
  return (user + nice + system + irq + softirq + steal) / TICKS_PER_S
}
