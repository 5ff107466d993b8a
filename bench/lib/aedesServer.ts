/**
 * A bare aedes broker on a plain TCP server, as a process of its own (so it has a core of its
 * own, as Mosquitto has): `node aedesServer.js` listens on an ephemeral port of 127.0.0.1 and
 * prints `{"port":N}` once listening. The same aedes and the same `connectTimeout` as the hub's
 * embedded broker (hub/src/broker/embeddedBroker.ts), without its station logins and ACL hooks.
 * Stops on SIGTERM.
 */
import { createServer } from 'node:net'
import { Aedes } from 'aedes'

const broker = await Aedes.createBroker({ connectTimeout: 10_000 })
const server = createServer(broker.handle)
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
const { port } = server.address() as { port: number }
console.log(JSON.stringify({ port }))

process.once('SIGTERM', () => {
  server.close()
  broker.close(() => process.exit(0))
})
