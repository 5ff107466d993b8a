import { readFileSync } from 'node:fs'

/** USER_HZ: the unit of /proc/<pid>/stat times, 100 on Linux x86 and arm (man 5 proc). */
const TICKS_PER_S = 100

/** CPU seconds a process has used so far, user plus system (/proc/<pid>/stat fields 14 and 15). */
export function cpuSecondsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  // the command name (field 2) may hold spaces: count the fields after its closing parenthesis
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_S
}
