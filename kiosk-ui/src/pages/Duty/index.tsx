import { useSignal } from '@preact/signals'
import type { ComponentChildren } from 'preact'
import { useEffect } from 'preact/hooks'
import { Button } from '../../components/Button.js'
import { Icon } from '../../components/Icon.js'
import { ScreenFrame } from '../../components/ScreenFrame.js'
import { Spinner } from '../../components/Spinner.js'
import { useKiosk } from '../../context.js'
import { hhmm } from '../../format.js'
import { errorText, zh } from '../../strings.js'

/**
 * 值班打卡: the kiosk goes to duty mode (PUT /api/mode), the cadre shows a card, face or PIN, and
 * the punch arrives as an outcome; the result screen puts the mode back to check-in.
 */
export function Duty() {
  const { state, nav, fb } = useKiosk()
  const ready = useSignal<'setting' | 'ready' | 'failed'>('setting')
  useEffect(() => {
    void nav.enterMode('duty').then((ok) => {
      ready.value = ok ? 'ready' : 'failed'
      if (ok) fb.say(zh.duty.prompt)
      else fb.failure(errorText('other'))
    })
  }, [])
  const onDuty = state.today.value?.duty.onDuty ?? []
  return (
    <ModeScreen title={zh.duty.title} testId="duty" ready={ready.value}>
      <div class="prompt" data-testid="duty-prompt">
        <Icon name="clock" class="prompt-icon" />
        <p class="prompt-text">{zh.duty.prompt}</p>
        {onDuty.length > 0 && (
          <p class="muted">
            {zh.duty.onDutyNow}：{onDuty.map((p) => `${p.name ?? p.personId} ${hhmm(p.since)}`).join('、')}
          </p>
        )}
        <div class="prompt-more">
          <Button
            label={zh.duty.face}
            icon="face"
            kind="primary"
            size="xl"
            testId="duty-face"
            onPress={() => nav.go({ name: 'face', flow: 'duty' })}
          />
          <Button
            label={zh.duty.pin}
            icon="keypad"
            kind="primary"
            size="xl"
            testId="duty-pin"
            onPress={() => nav.go({ name: 'pin', flow: 'duty' })}
          />
        </div>
      </div>
    </ModeScreen>
  )
}

/** A screen that first switches the kiosk's mode: a spinner until the agent took it. */
export function ModeScreen(p: {
  title: string
  testId: string
  ready: 'setting' | 'ready' | 'failed'
  children: ComponentChildren
}) {
  return (
    <ScreenFrame title={p.title} testId={p.testId}>
      {p.ready === 'setting' && <Spinner label={zh.common.wait} />}
      {p.ready === 'failed' && (
        <p class="fail-text" role="alert">
          {errorText('other')}
        </p>
      )}
      {p.ready === 'ready' && p.children}
    </ScreenFrame>
  )
}
