import { useSignal } from '@preact/signals'
import { useEffect } from 'preact/hooks'
import { Button } from '../../components/Button.js'
import { Icon } from '../../components/Icon.js'
import { useKiosk } from '../../context.js'
import { zh } from '../../strings.js'
import { ModeScreen } from '../Duty/index.js'

/**
 * 我的学时: mode lookup, so whoever identifies (card, face or PIN) is only looked up, nothing is
 * recorded; the identified outcome opens the hours on the result screen.
 */
export function Study() {
  const { nav, fb } = useKiosk()
  const ready = useSignal<'setting' | 'ready' | 'failed'>('setting')
  useEffect(() => {
    void nav.enterMode('lookup').then((ok) => {
      ready.value = ok ? 'ready' : 'failed'
      if (ok) fb.say(zh.study.prompt)
    })
  }, [])
  return (
    <ModeScreen title={zh.study.title} testId="study-screen" ready={ready.value}>
      <div class="prompt" data-testid="study-prompt">
        <Icon name="book" class="prompt-icon" />
        <p class="prompt-text">{zh.study.prompt}</p>
        <div class="prompt-more">
          <Button
            label={zh.methods.face.label}
            icon="face"
            kind="primary"
            size="xl"
            testId="study-face"
            onPress={() => nav.go({ name: 'face', flow: 'lookup' })}
          />
          <Button
            label={zh.methods.pin.label}
            icon="keypad"
            kind="primary"
            size="xl"
            testId="study-pin"
            onPress={() => nav.go({ name: 'pin', flow: 'lookup' })}
          />
        </div>
      </div>
    </ModeScreen>
  )
}
