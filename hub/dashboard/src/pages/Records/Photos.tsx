import { useEffect, useState } from 'preact/hooks'
import type { ActivityPhotoView, PersonRow } from '../../api/types.js'
import { dateTime } from '../../format.js'
import { zh } from '../../strings/index.js'

/** An activity's photos as thumbnails; a click shows the full photo over the page (Escape closes). */
export function Photos(props: { photos: ActivityPhotoView[]; people: ReadonlyMap<string, PersonRow> }) {
  const [open, setOpen] = useState<ActivityPhotoView | null>(null)
  useEffect(() => {
    if (!open) return
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && setOpen(null)
    addEventListener('keydown', onKey)
    return () => removeEventListener('keydown', onKey)
  }, [open])
  if (props.photos.length === 0) return <p class="muted">{zh.activity.noPhotos}</p>
  return (
    <>
      <div class="photos" data-testid="photos">
        {props.photos.map((p) => (
          <figure key={p.photoId} class="photo" data-testid="photo" data-photo={p.photoId}>
            {p.uploaded ? (
              <button type="button" class="thumb" onClick={() => setOpen(p)} data-testid="photo-open">
                <img src={p.thumbUrl} alt={zh.activity.purpose[p.purpose]} loading="lazy" />
              </button>
            ) : (
              <div class="thumb missing">{zh.activity.notUploaded}</div>
            )}
            <figcaption>
              {zh.activity.purpose[p.purpose] ?? p.purpose} · {zh.activity.faces(p.faces)}
              <br />
              <small>
                {dateTime(p.at)}
                {p.takenBy ? ` · ${props.people.get(p.takenBy)?.name ?? p.takenBy}` : ''}
              </small>
            </figcaption>
          </figure>
        ))}
      </div>
      {open ? (
        <div class="lightbox" role="dialog" data-testid="lightbox">
          <img src={open.url} alt={zh.activity.purpose[open.purpose]} data-testid="lightbox-image" />
          <button type="button" data-testid="lightbox-close" onClick={() => setOpen(null)}>
            {zh.activity.close}
          </button>
        </div>
      ) : null}
    </>
  )
}
