import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { Em4100Sim, WiegandSim } from './devices/cardReaderSims.js'
import { parseDeviceScript, runDeviceScript, type SimulatedDevice } from './devices/deviceScript.js'
import { Gm65Sim } from './devices/gm65Sim.js'
import { R307Sim } from './devices/r307Sim.js'
import { PtyEndpoint, type SerialEndpoint, TcpEndpoint } from './devices/serialEndpoint.js'

export const DEVICE_USAGE = `  ejia-sim device <rdm6300|em4100-13byte|wg-serial|r307|as608|gm65> [--tcp PORT] [--script FILE] [--exit]
      A simulated reader speaking its exact bytes on a pseudo-terminal (the default; the
      agent opens the printed path) or on tcp://127.0.0.1:PORT. Prints {"port": …}.
      The script says what happens when, e.g. "at 3s card 0013A8F2AB for 1.5s";
      --exit ends after the script, otherwise it keeps the line open until Ctrl-C.`

/** `ejia-sim device …`: one simulated device, scripted. */
export async function runDeviceCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      tcp: { type: 'string' },
      script: { type: 'string' },
      exit: { type: 'boolean', default: false },
    },
  })
  const model = positionals[0]
  const endpoint: SerialEndpoint = values.tcp
    ? await TcpEndpoint.create(Number(values.tcp))
    : await PtyEndpoint.create()
  let sim: SimulatedDevice
  switch (model) {
    case 'rdm6300':
      sim = new Em4100Sim(endpoint)
      break
    case 'em4100-13byte':
      sim = new Em4100Sim(endpoint, { variant: 'binaryChecksum', crlf: true, repeatMs: 120 })
      break
    case 'wg-serial':
      sim = new WiegandSim(endpoint)
      break
    case 'r307':
      sim = new R307Sim(endpoint)
      break
    case 'as608':
      sim = new R307Sim(endpoint, { address: 0xffffffff, password: 0, capacity: 300 })
      break
    case 'gm65':
      sim = new Gm65Sim(endpoint)
      break
    default:
      await endpoint.close()
      throw new SyntaxError(`unknown device model "${model ?? ''}"\n${DEVICE_USAGE}`)
  }
  console.log(JSON.stringify({ model, port: endpoint.agentPort }))
  if (values.script)
    await runDeviceScript(parseDeviceScript(readFileSync(values.script, 'utf8')), sim, endpoint)
  if (values.exit) {
    await endpoint.close()
    return
  }
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve)
    process.once('SIGTERM', resolve)
  })
  await endpoint.close()
}
