import { describe, expect, it } from 'vitest'
import { PAGE_SIZE, pageOf } from './paging.js'

describe('pageOf', () => {
  it('cuts 5,000 rows into pages of PAGE_SIZE', () => {
    expect(PAGE_SIZE).toBe(100)
    expect(pageOf(5000, 0)).toEqual({ page: 0, pages: 50, from: 0, to: 100 })
    expect(pageOf(5000, 7)).toEqual({ page: 7, pages: 50, from: 700, to: 800 })
    expect(pageOf(5000, 49)).toEqual({ page: 49, pages: 50, from: 4900, to: 5000 })
  })

  it('ends with a short page', () => {
    expect(pageOf(250, 2)).toEqual({ page: 2, pages: 3, from: 200, to: 250 })
    expect(pageOf(101, 1)).toEqual({ page: 1, pages: 2, from: 100, to: 101 })
    expect(pageOf(100, 1)).toEqual({ page: 0, pages: 1, from: 0, to: 100 })
  })

  it('keeps to the pages there are when the list shrinks under it', () => {
    expect(pageOf(150, 9)).toEqual({ page: 1, pages: 2, from: 100, to: 150 })
    expect(pageOf(150, -3)).toEqual({ page: 0, pages: 2, from: 0, to: 100 })
    expect(pageOf(0, 4)).toEqual({ page: 0, pages: 1, from: 0, to: 0 })
  })

  it('takes another page size', () => {
    expect(pageOf(7, 1, 3)).toEqual({ page: 1, pages: 3, from: 3, to: 6 })
  })
})
