import { useEffect } from 'preact/hooks'
import { Button } from '../../components/Button.js'
import { ALL_FALLBACKS, Fallbacks } from '../../components/Fallbacks.js'
import { Icon } from '../../components/Icon.js'
import { ScreenFrame } from '../../components/ScreenFrame.js'
import { useKiosk } from '../../context.js'
import type { Flow, ReaderMethod } from '../../screens.js'
import { zh } from '../../strings.js'

/**
 * Card, QR or fingerprint: a prompt, and the result arrives by itself on the stream (the reader
 * talks to the agent, not to this page). A reader in fault says so and offers the other ways.
 */
export function Reader({ method, flow }: { method: ReaderMethod; flow: Flow }) {
  const { state, nav, fb } = useKiosk()
  const devices = state.devices.value
  const device = devices.find((d) => d.kind === method)
  const faults = state.status.value?.health.faults ?? []
  const broken =
    devices.length > 0 &&
    (!device || device.fault !== null || faults.some((f) => f.device === `serial:${device.name}`))

  useEffect(() => {
    if (broken) fb.failure(zh.idle.deviceTrouble(zh.deviceKind[method] ?? ''))
    else fb.say(zh.reader.prompt[method])
  }, [broken])

  return (
    <ScreenFrame
      title={zh.reader.title[method]}
      testId="reader"
      footer={
        method !== 'card' && !broken ? null : (
          <Button label={zh.methods.face.label} icon="face" onPress={() => nav.go({ name: 'face', flow })} />
        )
      }
    >
      {broken ? (
        <div class="face-failed">
          <p class="fail-text" role="alert" data-testid="reader-broken">
            {zh.idle.deviceTrouble(zh.deviceKind[method] ?? '')}
          </p>
          <Fallbacks options={ALL_FALLBACKS.filter((f) => f !== method)} flow={flow} />
        </div>
      ) : (
        <div class="prompt" data-testid="reader-prompt">
          <Icon
            name={method === 'qr' ? 'qr' : method === 'fingerprint' ? 'fingerprint' : 'card'}
            class="prompt-icon"
          />
          <p class="prompt-text">{zh.reader.prompt[method]}</p>
          <p class="prompt-wait">
            <span class="pulse" aria-hidden="true" />
            {zh.reader.waiting}
          </p>
          {method !== 'card' && <p class="muted">{zh.reader.alsoCard}</p>}
          <div class="prompt-more">
            <Button
              label={zh.methods.pin.label}
              icon="keypad"
              onPress={() => nav.go({ name: 'pin', flow })}
            />
          </div>
        </div>
      )}
    </ScreenFrame>
  )
}
