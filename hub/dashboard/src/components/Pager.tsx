import { useState } from 'preact/hooks'
import { PAGE_SIZE, type PageAt, pageOf } from '../paging.js'
import { zh } from '../strings/index.js'

/**
 * The page shown of `total` rows, and a way to turn it. It goes back to the first page when
 * `resetKey` changes (a new filter), and stays where it is when only the rows do (a poll).
 */
export function usePaging(total: number, resetKey: string, size = PAGE_SIZE) {
  const [state, setState] = useState({ key: resetKey, page: 0 })
  const at = pageOf(total, state.key === resetKey ? state.page : 0, size)
  return { at, go: (page: number) => setState({ key: resetKey, page }) }
}

/** First, previous, next and last page, and where the rows shown are; nothing when one page holds them all. */
export function Pager(props: { at: PageAt; total: number; onPage: (page: number) => void; testId: string }) {
  const { at, total, onPage } = props
  if (at.pages <= 1) return null
  const last = at.pages - 1
  const turn = (page: number, label: string, name: string) => (
    <button
      type="button"
      disabled={page === at.page || page < 0 || page > last}
      data-testid={`${props.testId}-${name}`}
      onClick={() => onPage(page)}
    >
      {label}
    </button>
  )
  return (
    <nav class="pager" data-testid={props.testId} data-page={at.page + 1} data-pages={at.pages}>
      {turn(0, zh.pager.first, 'first')}
      {turn(at.page - 1, zh.pager.previous, 'previous')}
      <span class="muted" data-testid={`${props.testId}-at`}>
        {zh.pager.at(at.page + 1, at.pages, at.from + 1, at.to, total)}
      </span>
      {turn(at.page + 1, zh.pager.next, 'next')}
      {turn(last, zh.pager.last, 'last')}
    </nav>
  )
}
