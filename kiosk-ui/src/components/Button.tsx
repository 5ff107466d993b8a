import type { ComponentChildren } from 'preact'
import { useKiosk } from '../context.js'
import { zh } from '../strings.js'
import { Icon, type IconName } from './Icon.js'

interface Props {
  label: string
  onPress: () => void
  hint?: string
  icon?: IconName
  kind?: 'primary' | 'secondary' | 'plain' | 'danger' | 'ok'
  size?: 'xl' | 'lg' | 'md'
  busy?: boolean
  disabled?: boolean
  testId?: string
  children?: ComponentChildren
}

/**
 * Every press answers at once (issue 6: within 100 ms): the CSS pressed state and a click tone
 * on pointer-down, before the click and whatever it waits for; a busy button says 请稍候.
 */
export function Button(p: Props) {
  const { fb } = useKiosk()
  const kind = p.kind ?? 'secondary'
  const size = p.size ?? 'lg'
  return (
    <button
      type="button"
      class={`btn btn-${kind} btn-${size}${p.busy ? ' is-busy' : ''}`}
      disabled={p.disabled || p.busy}
      aria-busy={p.busy ? 'true' : undefined}
      data-testid={p.testId}
      onPointerDown={() => fb.click()}
      onClick={p.onPress}
    >
      {p.icon && <Icon name={p.icon} class="btn-icon" />}
      <span class="btn-label">{p.busy ? zh.common.wait : p.label}</span>
      {p.hint && <span class="btn-hint">{p.hint}</span>}
      {p.children}
    </button>
  )
}
