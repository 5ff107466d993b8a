import Type, { type Static } from 'typebox'

const modelFile = (file: string, what: string) =>
  Type.String({
    minLength: 1,
    default: file,
    title: `${what} model file`,
    description: `${what} model file, relative to face.modelDir`,
  })

/** Face check-in on the kiosk (docs/FACE.md). */
export const FaceConfig = Type.Object(
  {
    enabled: Type.Boolean({
      default: false,
      title: 'Face check-in on',
      description: 'Offer face check-in (needs a camera and the models)',
    }),
    modelDir: Type.String({
      default: '',
      title: 'Model folder',
      description:
        'Folder with the model files; empty means the install cache (.cache/ejia-models/faceplugin-0.0.1)',
    }),
    detector: Type.Object(
      {
        family: Type.Enum(['ultraface'], {
          default: 'ultraface',
          title: 'Detector family',
          description: 'Model family, which fixes pre- and post-processing',
        }),
        file: modelFile('fr_detect.onnx', 'Face detector'),
        threshold: Type.Number({
          minimum: 0.1,
          maximum: 0.99,
          default: 0.7,
          title: 'Detection threshold',
          description: 'Minimum detection score',
        }),
      },
      {
        additionalProperties: false,
        default: {},
        title: 'Face detector',
        description: 'Finds faces in a frame',
      },
    ),
    landmarks: Type.Object(
      {
        family: Type.Enum(['landmark68'], {
          default: 'landmark68',
          title: 'Landmark family',
          description: 'Model family, which fixes pre- and post-processing',
        }),
        file: modelFile('fr_landmark.onnx', '68-point landmark'),
      },
      {
        additionalProperties: false,
        default: {},
        title: 'Face landmarks',
        description: 'Finds eyes, nose and mouth, to align the face and see blinks and turns',
      },
    ),
    embedder: Type.Object(
      {
        family: Type.Enum(['arcface112'], {
          default: 'arcface112',
          title: 'Embedder family',
          description: 'Model family, which fixes pre- and post-processing',
        }),
        file: modelFile('fr_feature.onnx', 'Face embedding'),
      },
      {
        additionalProperties: false,
        default: {},
        title: 'Face embedder',
        description: 'Turns an aligned face into the template faces are matched by',
      },
    ),
    liveness: Type.Object(
      {
        family: Type.Enum(['minifasnet', 'none'], {
          default: 'minifasnet',
          title: 'Liveness family',
          description: 'none turns the model off',
        }),
        file: modelFile('fr_liveness.onnx', 'Liveness'),
        liveClass: Type.Integer({
          minimum: 0,
          maximum: 9,
          default: 0,
          title: 'Live class',
          description: 'Output class meaning "live person"',
        }),
      },
      {
        additionalProperties: false,
        default: {},
        title: 'Liveness check',
        description: 'Tells a live face from a photo or a screen',
      },
    ),
    securityLevel: Type.Integer({
      minimum: 1,
      maximum: 5,
      default: 3,
      title: 'Security level',
      description: '1 convenient … 5 strict: sets the similarity threshold and the margin over the runner-up',
    }),
    votingFrames: Type.Integer({
      minimum: 1,
      maximum: 10,
      default: 3,
      title: 'Voting frames',
      description: 'Consecutive frames that must agree on the same person before a check-in',
    }),
    challenge: Type.Enum(['auto', 'none', 'blink', 'turn'], {
      default: 'auto',
      title: 'Movement challenge',
      description: 'Movement challenge against photos; auto asks for a blink at security level 4 and above',
    }),
    sessionTimeoutS: Type.Number({
      minimum: 3,
      maximum: 120,
      default: 20,
      title: 'Session timeout (seconds)',
      description: 'A face check-in that has not succeeded by then ends, offering card, QR, PIN or a cadre',
    }),
    threads: Type.Integer({
      minimum: 1,
      maximum: 8,
      default: 1,
      title: 'Threads',
      description: 'CPU threads per model',
    }),
    templateKey: Type.Optional(
      Type.String({
        pattern: '^[A-Za-z0-9+/]{43}=$',
        title: 'Template key',
        description:
          'AES-256-GCM key (base64) for face templates at rest; issued at provisioning, never leaves the kiosk',
      }),
    ),
    retentionDays: Type.Integer({
      minimum: 30,
      maximum: 1825,
      default: 365,
      title: 'Template retention (days)',
      description:
        "Days a person's face template may go without a face check-in before the kiosk deletes it (journalled as face.deleted, reason retention); templates of people off the station's roster are deleted too. They enrol again, with consent, if they want face check-in back",
    }),
    minFacePx: Type.Integer({
      minimum: 16,
      maximum: 1000,
      default: 64,
      title: 'Smallest face (pixels)',
      description: 'Smaller faces get "come closer"',
    }),
  },
  {
    additionalProperties: false,
    default: {},
    title: 'Face check-in',
    description: 'Face check-in on the kiosk: models, security level and liveness (docs/FACE.md)',
  },
)
export type FaceConfig = Static<typeof FaceConfig>
