import { describe, expect, it } from 'vitest'
import { drawInspectionSample } from './inspection.js'

const stations = Array.from(
  { length: 517 },
  (_, i) => `3399010${String(Math.floor(i / 40) + 1).padStart(2, '0')}${String(i).padStart(3, '0')}`,
)

describe('inspection sample', () => {
  it('draws about 10% of branches, reproducibly from the seed', () => {
    const a = drawInspectionSample(stations, 20261127)
    expect(a).toHaveLength(52)
    expect(new Set(a).size).toBe(52)
    expect(drawInspectionSample([...stations].reverse(), 20261127)).toEqual(a) // order of input does not matter
    expect(drawInspectionSample(stations, 20261128)).not.toEqual(a)
    expect(drawInspectionSample(stations.slice(0, 3), 1)).toHaveLength(1)
  })
})
