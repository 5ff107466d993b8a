/**
 * Tables whose rows vary in height (a station's rejected config with its reasons, a command
 * with its progress) are paged rather than windowed as the fleet grid is: a window needs rows
 * of one height (pages/Fleet/FleetGrid.tsx). A page is enough to scan and few enough rows that
 * a district of 5,000 stations draws as fast as a town of 50.
 */
export const PAGE_SIZE = 100

/** A page of a list: its index, how many pages there are, and the rows it shows, [from, to). */
export interface PageAt {
  page: number
  pages: number
  from: number
  to: number
}

/**
 * Page `page` of `total` rows, `size` a page. Clamped: a list that shrank under it (a filter, a
 * poll) shows its last page, and an empty list is one empty page.
 */
export function pageOf(total: number, page: number, size = PAGE_SIZE): PageAt {
  const pages = Math.max(1, Math.ceil(total / size))
  const at = Math.min(Math.max(0, Math.floor(page)), pages - 1)
  return { page: at, pages, from: at * size, to: Math.min(total, (at + 1) * size) }
}
