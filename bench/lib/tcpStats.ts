import { readFileSync } from 'node:fs'

/**
 * The kernel's TcpExt counters (/proc/net/netstat), machine-wide: `ListenOverflows` and
 * `ListenDrops` count connections refused because a listen queue was full (the hub's accept
 * backlog during a storm). Other processes of the machine count too: compare before and after.
 */
export function tcpExt(): Record<string, number> {
  const lines = readFileSync('/proc/net/netstat', 'utf8').split('\n')
  const at = lines.findIndex((l) => l.startsWith('TcpExt:'))
  const names = (lines[at] ?? '').split(' ').slice(1)
  const values = (lines[at + 1] ?? '').split(' ').slice(1).map(Number)
  return Object.fromEntries(names.map((n, i) => [n, values[i] ?? 0]))
}

/** Max open files of a process (its RLIMIT_NOFILE soft limit), from /proc/PID/limits. */
export function openFilesLimit(pid: number | 'self' = 'self'): number {
  const limits = readFileSync(`/proc/${pid}/limits`, 'utf8')
  return Number(/^Max open files\s+(\d+)/m.exec(limits)?.[1] ?? Number.NaN)
}

/**
 * The sockets of a local TCP port (IPv4, /proc/net/tcp): connections established to it, and
 * how many wait in its listen socket's accept queue (`rx_queue` of a LISTEN line: connections
 * the kernel has completed and the server has not yet accepted).
 */
export function portSockets(port: number): { established: number; acceptQueue: number } {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0')
  let established = 0
  let acceptQueue = 0
  for (const line of readFileSync('/proc/net/tcp', 'utf8').split('\n').slice(1)) {
    const f = line.trim().split(/\s+/)
    if (!f[1]?.endsWith(`:${hexPort}`)) continue
    if (f[3] === '01') established++
    else if (f[3] === '0A') acceptQueue = Number.parseInt(f[4]?.split(':')[1] ?? '0', 16)
  }
  return { established, acceptQueue }
}
