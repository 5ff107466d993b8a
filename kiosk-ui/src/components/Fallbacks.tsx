import type { Fallback } from '../api/types.js'
import { useKiosk } from '../context.js'
import type { Flow } from '../screens.js'
import { zh } from '../strings.js'
import { Button } from './Button.js'
import type { IconName } from './Icon.js'

const ICONS: Record<Fallback, IconName> = { card: 'card', qr: 'qr', pin: 'keypad', vouch: 'people' }
export const ALL_FALLBACKS: Fallback[] = ['card', 'qr', 'pin', 'vouch']

/** The other ways in, as big buttons: a failed face or a locked PIN always leads somewhere. */
export function Fallbacks({ options, flow }: { options: readonly Fallback[]; flow: Flow }) {
  const { nav } = useKiosk()
  const open = (f: Fallback) => {
    if (f === 'card' || f === 'qr') nav.go({ name: 'reader', method: f, flow })
    else if (f === 'pin') nav.go({ name: 'pin', flow })
    // a vouch is always a check-in: a cadre cannot vouch a duty punch or a lookup
    else nav.go({ name: 'vouch' })
  }
  const shown = flow === 'checkin' ? options : options.filter((f) => f !== 'vouch')
  return (
    <div class="fallbacks" data-testid="fallbacks">
      {shown.map((f) => (
        <Button
          key={f}
          label={zh.fallbacks[f]}
          icon={ICONS[f]}
          kind="primary"
          size="xl"
          onPress={() => open(f)}
          testId={`fallback-${f}`}
        />
      ))}
    </div>
  )
}
