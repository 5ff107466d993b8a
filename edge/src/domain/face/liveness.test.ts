import { describe, expect, it } from 'vitest'
import { LivenessChallenge } from './liveness.js'
import { checkPose, DEFAULT_QUALITY, eyeAspectRatio, poseFrom68 } from './quality.js'
import { syntheticLandmarks } from './syntheticFace.fixture.js'

describe('pose and eye openness from landmarks', () => {
  it('reads a frontal face as level, and a turned or tilted one as off-angle', () => {
    const front = poseFrom68(syntheticLandmarks())
    expect(front.yaw).toBeCloseTo(0, 5)
    expect(front.pitch).toBeCloseTo(0, 1)
    expect(checkPose(front, DEFAULT_QUALITY)).toBeUndefined()
    expect(poseFrom68(syntheticLandmarks({ yaw: 0.3 })).yaw).toBeCloseTo(0.3, 5)
    expect(checkPose(poseFrom68(syntheticLandmarks({ yaw: 0.6 })), DEFAULT_QUALITY)).toBe('offAngle')
    const tilted = poseFrom68(syntheticLandmarks({ rollDeg: 30 }))
    expect(tilted.rollDeg).toBeCloseTo(30, 5)
    expect(tilted.yaw).toBeCloseTo(0, 5) // roll is not mistaken for yaw
    expect(checkPose(tilted, DEFAULT_QUALITY)).toBe('offAngle')
  })

  it('measures the eye aspect ratio', () => {
    expect(eyeAspectRatio(syntheticLandmarks({ eyeOpen: 0.3 }))).toBeCloseTo(0.3, 5)
    expect(eyeAspectRatio(syntheticLandmarks({ eyeOpen: 0.1 }))).toBeCloseTo(0.1, 5)
  })
})

describe('LivenessChallenge', () => {
  const feed = (c: LivenessChallenge, frames: Parameters<typeof syntheticLandmarks>[0][]) =>
    frames.map((f) => c.observe(syntheticLandmarks(f), 0.9))

  it('passes a blink: open, closed, open', () => {
    const c = new LivenessChallenge('blink')
    expect(feed(c, [{ eyeOpen: 0.3 }, { eyeOpen: 0.3 }, { eyeOpen: 0.1 }, { eyeOpen: 0.3 }])).toEqual([
      false,
      false,
      false,
      true,
    ])
    expect(c.result()).toEqual({ score: 0.9, challenge: 'blink', passed: true })
  })

  it('does not pass a still photo, nor eyes that only close', () => {
    const still = new LivenessChallenge('blink')
    feed(still, Array(20).fill({ eyeOpen: 0.3 }))
    expect(still.passed()).toBe(false)
    const closing = new LivenessChallenge('blink')
    feed(closing, [{ eyeOpen: 0.3 }, { eyeOpen: 0.1 }, { eyeOpen: 0.1 }])
    expect(closing.passed()).toBe(false)
  })

  it('passes a head turn out and back, not a head held turned', () => {
    const turn = new LivenessChallenge('turn')
    feed(turn, [{ yaw: 0 }, { yaw: 0.25 }, { yaw: 0.02 }])
    expect(turn.passed()).toBe(true)
    const held = new LivenessChallenge('turn')
    feed(held, [{ yaw: 0.3 }, { yaw: 0.3 }, { yaw: 0.3 }])
    expect(held.passed()).toBe(false)
  })

  it('asks nothing when no challenge is configured, and keeps the model score advisory', () => {
    const none = new LivenessChallenge('none')
    none.observe(syntheticLandmarks(), 0.2)
    expect(none.result()).toEqual({ score: 0.2, challenge: 'none', passed: true })
  })
})
