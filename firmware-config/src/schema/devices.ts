import Type, { type Static, type TSchema } from 'typebox'

const Serial = Type.Object(
  {
    baudRate: Type.Enum([1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200], { description: 'Line speed' }),
    dataBits: Type.Enum([7, 8], { default: 8 }),
    stopBits: Type.Enum([1, 2], { default: 1 }),
    parity: Type.Enum(['none', 'even', 'odd'], { default: 'none' }),
  },
  { additionalProperties: false, title: 'Serial line' },
)

const debounceMs = Type.Integer({
  minimum: 0,
  maximum: 10_000,
  description:
    'A repeat of the same read within this time is the same presentation (readers repeat while a card is held)',
})

export const Em4100Options = Type.Object(
  {
    variant: Type.Enum(['auto', 'asciiChecksum', 'binaryChecksum'], {
      description:
        'asciiChecksum: RDM6300 (14 bytes); binaryChecksum: the 13-byte clone; auto: either, for an unknown reader, at the cost of weaker error detection (a dropped byte can turn one form into the other)',
    }),
    numberFormat: Type.Enum(['hex10', 'dec10', 'w26'], {
      description:
        'hex10: 0013A8F2AB; dec10: the low 32 bits in decimal, 10 digits; w26: facility,card as 099,00999',
    }),
    debounceMs,
  },
  { additionalProperties: false },
)

export const WiegandOptions = Type.Object(
  {
    numberFormat: Type.Enum(['w26', 'dec10', 'hex10'], {
      description:
        'w26: facility,card (W26; W34 as 16+16 bits); dec10: the whole number in decimal; hex10: in hex',
    }),
    debounceMs,
  },
  { additionalProperties: false },
)

export const R307Options = Type.Object(
  {
    address: Type.Integer({
      minimum: 0,
      maximum: 0xffffffff,
      description: 'Module address, 0xFFFFFFFF by default',
    }),
    password: Type.Integer({
      minimum: 0,
      maximum: 0xffffffff,
      description: 'Module password (VfyPwd), 0 by default',
    }),
    pollMs: Type.Integer({
      minimum: 50,
      maximum: 5000,
      description: 'How often to ask the module for a finger',
    }),
    minScore: Type.Integer({
      minimum: 0,
      maximum: 1000,
      description: 'Search matches below this score are not accepted',
    }),
    debounceMs,
  },
  { additionalProperties: false },
)

export const Gm65Options = Type.Object(
  {
    prefix: Type.String({
      maxLength: 16,
      description: 'Bytes the scanner is set to send before the code (UTF-8)',
    }),
    suffix: Type.String({ maxLength: 16, description: 'Bytes the scanner is set to send after the code' }),
    terminator: Type.Enum(['CR', 'LF', 'CRLF', 'TAB']),
    mode: Type.Enum(['continuous', 'trigger'], {
      description: 'trigger: the kiosk starts each scan by command',
    }),
    maxLength: Type.Integer({ minimum: 16, maximum: 8192, description: 'Longer codes are dropped as noise' }),
    debounceMs,
  },
  { additionalProperties: false },
)

export const driverOptions = {
  em4100: Em4100Options,
  wiegand: WiegandOptions,
  r307: R307Options,
  gm65: Gm65Options,
} as const satisfies Record<string, TSchema>
export type DriverName = keyof typeof driverOptions
export type DriverOptions<D extends DriverName> = Static<(typeof driverOptions)[D]>

const profile = <D extends DriverName>(driver: D, kind: 'card' | 'fingerprint' | 'qr') =>
  Type.Object(
    {
      model: Type.String({
        pattern: '^[a-z0-9-]+$',
        description: 'Profile name, the file name without .json',
      }),
      title: Type.String({ description: 'What hardware this is, for people' }),
      kind: Type.Literal(kind),
      driver: Type.Literal(driver),
      serial: Serial,
      options: driverOptions[driver],
    },
    { additionalProperties: false },
  )

/** A hardware profile: one device model, how to talk to it, and its defaults. */
export const HardwareProfile = Type.Union(
  [
    profile('em4100', 'card'),
    profile('wiegand', 'card'),
    profile('r307', 'fingerprint'),
    profile('gm65', 'qr'),
  ],
  { title: 'Hardware profile' },
)
export type HardwareProfile = Static<typeof HardwareProfile>

/** A device on a kiosk: which profile, on which port, with what changed from the profile. */
export const DeviceConfig = Type.Object(
  {
    name: Type.String({
      pattern: '^[a-z0-9-]{1,32}$',
      title: 'Device name',
      description: 'Name in faults and events, e.g. card, finger, qr (a-z, 0-9 and -, up to 32)',
    }),
    profile: Type.String({
      pattern: '^[a-z0-9-]+$',
      title: 'Hardware profile',
      description: 'Hardware profile (firmware-config/profiles/<profile>.json), e.g. rdm6300, r307, gm65',
    }),
    port: Type.String({
      pattern: '^(/|tcp://)',
      title: 'Serial port',
      description:
        'Serial device path (/dev/ttyUSB0; better /dev/serial/by-id/…, which survives replugging), a simulator pty, or tcp://host:port for a serial server',
    }),
    options: Type.Optional(
      Type.Record(Type.String(), Type.Unknown(), {
        title: 'Profile overrides',
        description:
          "Options that differ from the profile's (e.g. debounceMs); checked against the profile's driver",
      }),
    ),
  },
  {
    additionalProperties: false,
    title: 'Attendance device',
    description: 'One card reader, fingerprint module or QR scanner, by hardware profile and port',
  },
)
export type DeviceConfig = Static<typeof DeviceConfig>
