/** A turning ring: something is happening, the press was heard. */
export function Spinner({ label }: { label?: string }) {
  return (
    <p class="spinner" role="status">
      <span class="spinner-ring" aria-hidden="true" />
      {label}
    </p>
  )
}
