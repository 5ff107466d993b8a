/** A row of tabs: one is on; each tab is `<testIdPrefix>-<key>` for tests. */
export function Tabs<K extends string>(props: {
  keys: readonly K[]
  current: K
  label: (key: K) => string
  onSelect: (key: K) => void
  testIdPrefix: string
}) {
  return (
    <div class="tabs" role="tablist">
      {props.keys.map((k) => (
        <button
          key={k}
          type="button"
          role="tab"
          aria-selected={props.current === k}
          class={props.current === k ? 'tab on' : 'tab'}
          data-testid={`${props.testIdPrefix}-${k}`}
          onClick={() => props.onSelect(k)}
        >
          {props.label(k)}
        </button>
      ))}
    </div>
  )
}
