/**
 * Card numbers as people write them. An EM4100 tag carries 40 bits: a version (customer)
 * byte and a 32-bit id. Readers and access systems print them as
 * - hex10: all 40 bits, 10 hex digits (0013A8F2AB);
 * - dec10: the 32-bit id in decimal, 10 digits (the number printed on most cards);
 * - w26: what a Wiegand-26 reader would send: facility = bits 16–23, card = bits 0–15,
 *   as "099,00999".
 */
export type CardFormat = 'hex10' | 'dec10' | 'w26'

export function formatEm4100(hex10: string, format: CardFormat): string {
  const value = BigInt(`0x${hex10}`)
  const id = Number(value & 0xffffffffn)
  switch (format) {
    case 'hex10':
      return hex10.toUpperCase()
    case 'dec10':
      return String(id).padStart(10, '0')
    case 'w26':
      return formatFacilityCard((id >>> 16) & 0xff, id & 0xffff, 3)
  }
}

export function formatFacilityCard(facility: number, card: number, facilityDigits: number): string {
  return `${String(facility).padStart(facilityDigits, '0')},${String(card).padStart(5, '0')}`
}
