import type { RefObject } from 'preact'
import type { Box } from '../api/types.js'

/**
 * The live preview, mirrored like a looking glass, with the face box drawn over it. The box is
 * in the pixels of the frame the agent saw; an SVG with that frame's viewBox, cropped the way
 * the video is (`slice` = `object-fit: cover`), puts it on the face whatever the screen size.
 */
export function CameraView(p: {
  videoRef: RefObject<HTMLVideoElement | null>
  box?: Box | null
  frame?: { width: number; height: number } | null
  warn?: boolean
  still?: string | null
}) {
  const { box, frame } = p
  return (
    <div class="camera" data-testid="camera">
      <div class="camera-mirror">
        <video ref={p.videoRef} autoplay muted playsInline />
        {p.still && <img class="camera-still" src={p.still} alt="" />}
        {box && frame && (
          <svg
            viewBox={`0 0 ${frame.width} ${frame.height}`}
            preserveAspectRatio="xMidYMid slice"
            aria-hidden="true"
          >
            <rect
              data-testid="face-box"
              class={p.warn ? 'face-box face-box-warn' : 'face-box'}
              x={box.x1}
              y={box.y1}
              width={Math.max(0, box.x2 - box.x1)}
              height={Math.max(0, box.y2 - box.y1)}
              rx={12}
            />
          </svg>
        )}
      </div>
    </div>
  )
}
