import type { ComponentChildren } from 'preact'
import { useKiosk } from '../context.js'
import { parentOf } from '../screens.js'
import { zh } from '../strings.js'
import { Button } from './Button.js'

/**
 * The frame of every screen but idle: a title, the content, and at the bottom the way out
 * (issue 6: no screen is a dead end). 返回 shows when it leads somewhere other than home, or
 * when the screen has its own step back.
 */
export function ScreenFrame(p: {
  title: string
  children: ComponentChildren
  onBack?: () => void
  footer?: ComponentChildren
  testId?: string
}) {
  const { state, nav } = useKiosk()
  const showBack = p.onBack !== undefined || parentOf(state.screen.value).name !== 'idle'
  return (
    <section class="screen" data-testid={p.testId}>
      <header class="screen-head">
        <h1>{p.title}</h1>
      </header>
      <div class="screen-body">{p.children}</div>
      <footer class="screen-foot">
        {showBack && <Button label={zh.common.back} onPress={p.onBack ?? nav.back} testId="back" />}
        {p.footer}
        <Button label={zh.common.home} onPress={nav.home} kind="plain" testId="home" />
      </footer>
    </section>
  )
}
