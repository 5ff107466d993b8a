/**
 * Simple line pictures for the main buttons: an elderly villager who does not read the label
 * still recognises a card or a face. Drawn inline, so the kiosk needs no icon font or emoji font.
 */
const PATHS = {
  face: 'M12 3a9 9 0 1 0 0 18a9 9 0 1 0 0-18M8.5 10v1M15.5 10v1M8 15c2 2 6 2 8 0',
  card: 'M3 6h18v12H3zM3 10h18M6 15h4',
  qr: 'M4 4h6v6H4zM14 4h6v6h-6zM4 14h6v6H4zM14 14h2v2h-2zM18 18h2v2h-2zM14 18h2M18 14h2',
  fingerprint:
    'M7 10a5 5 0 0 1 10 0v4M10 10a2 2 0 0 1 4 0v5a4 4 0 0 1-2 3.5M7 13v2a5 5 0 0 0 2 4M4.5 8A8 8 0 0 1 19.5 8',
  clock: 'M12 3a9 9 0 1 0 0 18a9 9 0 1 0 0-18M12 7v5l3 3',
  book: 'M3 5c3-1 6-1 9 1c3-2 6-2 9-1v13c-3-1-6-1-9 1c-3-2-6-2-9-1zM12 6v13',
  keypad: 'M4 3h4v4H4zM10 3h4v4h-4zM16 3h4v4h-4zM4 10h4v4H4zM10 10h4v4h-4zM16 10h4v4h-4zM10 17h4v4h-4z',
  people: 'M9 4a3 3 0 1 0 0 6a3 3 0 1 0 0-6M3 20c0-4 3-6 6-6s6 2 6 6M16 5a3 3 0 0 1 0 6M18 14c2 1 3 3 3 6',
  camera: 'M3 7h4l2-3h6l2 3h4v12H3zM12 9a4 4 0 1 0 0 8a4 4 0 1 0 0-8',
  check: 'M4 12l5 5L20 6',
  cross: 'M6 6l12 12M18 6L6 18',
} as const

export type IconName = keyof typeof PATHS

export function Icon({ name, class: cls }: { name: IconName; class?: string }) {
  return (
    <svg class={cls ?? 'icon'} viewBox="0 0 24 24" aria-hidden="true" fill="none" stroke="currentColor">
      <path d={PATHS[name]} stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round" />
    </svg>
  )
}
