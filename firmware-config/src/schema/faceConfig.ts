import Type, { type Static } from 'typebox'

const modelFile = (file: string, what: string) =>
  Type.String({ minLength: 1, default: file, description: `${what} model file, relative to face.modelDir` })

/** Face check-in on the kiosk (docs/FACE.md). */
export const FaceConfig = Type.Object(
  {
    enabled: Type.Boolean({
      default: false,
      description: 'Offer face check-in (needs a camera and the models)',
    }),
    modelDir: Type.String({
      default: '',
      description:
        'Folder with the model files; empty means the install cache (.cache/ejia-models/faceplugin-0.0.1)',
    }),
    detector: Type.Object(
      {
        family: Type.Enum(['ultraface'], {
          default: 'ultraface',
          description: 'Model family, which fixes pre- and post-processing',
        }),
        file: modelFile('fr_detect.onnx', 'Face detector'),
        threshold: Type.Number({
          minimum: 0.1,
          maximum: 0.99,
          default: 0.7,
          description: 'Minimum detection score',
        }),
      },
      { additionalProperties: false, default: {} },
    ),
    landmarks: Type.Object(
      {
        family: Type.Enum(['landmark68'], { default: 'landmark68' }),
        file: modelFile('fr_landmark.onnx', '68-point landmark'),
      },
      { additionalProperties: false, default: {} },
    ),
    embedder: Type.Object(
      {
        family: Type.Enum(['arcface112'], { default: 'arcface112' }),
        file: modelFile('fr_feature.onnx', 'Face embedding'),
      },
      { additionalProperties: false, default: {} },
    ),
    liveness: Type.Object(
      {
        family: Type.Enum(['minifasnet', 'none'], {
          default: 'minifasnet',
          description: 'none turns the model off',
        }),
        file: modelFile('fr_liveness.onnx', 'Liveness'),
        liveClass: Type.Integer({
          minimum: 0,
          maximum: 9,
          default: 0,
          description: 'Output class meaning "live person"',
        }),
      },
      { additionalProperties: false, default: {} },
    ),
    securityLevel: Type.Integer({
      minimum: 1,
      maximum: 5,
      default: 3,
      description: '1 convenient … 5 strict: sets the similarity threshold and the margin over the runner-up',
    }),
    votingFrames: Type.Integer({
      minimum: 1,
      maximum: 10,
      default: 3,
      description: 'Consecutive frames that must agree on the same person before a check-in',
    }),
    challenge: Type.Enum(['auto', 'none', 'blink', 'turn'], {
      default: 'auto',
      description: 'Movement challenge against photos; auto asks for a blink at security level 4 and above',
    }),
    sessionTimeoutS: Type.Number({
      minimum: 3,
      maximum: 120,
      default: 20,
      description: 'A face check-in that has not succeeded by then ends, offering card, QR, PIN or a cadre',
    }),
    threads: Type.Integer({ minimum: 1, maximum: 8, default: 1, description: 'CPU threads per model' }),
    templateKey: Type.Optional(
      Type.String({
        pattern: '^[A-Za-z0-9+/]{43}=$',
        description:
          'AES-256-GCM key (base64) for face templates at rest; issued at provisioning, never leaves the kiosk',
      }),
    ),
    minFacePx: Type.Integer({
      minimum: 16,
      maximum: 1000,
      default: 64,
      description: 'Smaller faces get "come closer"',
    }),
  },
  { additionalProperties: false, default: {}, title: 'Face check-in' },
)
export type FaceConfig = Static<typeof FaceConfig>
