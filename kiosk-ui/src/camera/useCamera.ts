import { useSignal } from '@preact/signals'
import { useEffect, useRef } from 'preact/hooks'
import { type CameraProblem, type Grab, grabJpeg, openCamera, stopStream } from './camera.js'

export type CameraState = 'opening' | 'open' | CameraProblem

/**
 * The kiosk camera for one screen: opened on mount, released on unmount (so leaving a screen,
 * by hand or by the inactivity timer, always frees it), with `grab` for a JPEG of the preview.
 */
export function useCamera() {
  const videoRef = useRef<HTMLVideoElement>(null)
  const canvas = useRef<HTMLCanvasElement | null>(null)
  const state = useSignal<CameraState>('opening')

  useEffect(() => {
    let stream: MediaStream | undefined
    let gone = false
    void openCamera().then(async (r) => {
      if ('problem' in r) {
        state.value = r.problem
        return
      }
      if (gone) return stopStream(r.stream)
      stream = r.stream
      const video = videoRef.current
      if (!video) return
      video.srcObject = stream
      try {
        await video.play()
        if (!gone) state.value = 'open'
      } catch {
        if (!gone) state.value = 'failed'
      }
    })
    return () => {
      gone = true
      stopStream(stream)
    }
  }, [])

  const grab = async (): Promise<Grab | null> => {
    const video = videoRef.current
    if (!video || state.peek() !== 'open') return null
    canvas.current ??= document.createElement('canvas')
    return grabJpeg(video, canvas.current)
  }

  return { videoRef, state, grab }
}

/**
 * Calls `tick` `perSecond` times a second while `active`, never two at once: a slow agent gets
 * fewer frames rather than a queue of stale ones.
 */
export function useTicker(perSecond: number, active: boolean, tick: () => Promise<void>): void {
  const latest = useRef(tick)
  latest.current = tick
  useEffect(() => {
    if (!active) return
    let busy = false
    const timer = setInterval(async () => {
      if (busy) return
      busy = true
      try {
        await latest.current()
      } finally {
        busy = false
      }
    }, 1000 / perSecond)
    return () => clearInterval(timer)
  }, [active, perSecond])
}
