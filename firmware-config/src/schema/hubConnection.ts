import Type, { type Static } from 'typebox'

const HubTls = Type.Object(
  {
    caFile: Type.String({
      minLength: 1,
      title: 'District CA certificate',
      description:
        "PEM file of the district CA; the hub's server certificate must chain to it. Relative to the config file",
    }),
    certFile: Type.String({
      minLength: 1,
      title: 'Station certificate',
      description:
        'PEM client certificate of this station (CN = station id), signed by the district CA. Relative to the config file',
    }),
    keyFile: Type.String({
      minLength: 1,
      title: 'Station private key',
      description:
        'PEM (PKCS#8) private key of the station certificate; keep it mode 0600. Relative to the config file',
    }),
  },
  {
    additionalProperties: false,
    title: 'Mutual TLS to the hub',
    description:
      'With an mqtts:// hub: the kiosk proves itself with this certificate and checks the hub against the CA (`ejia-config provision --ca`)',
  },
)

/** Where the hub is and how the station proves itself to it. Never a remote setting. */
export const HubConnection = Type.Object(
  {
    mqttUrl: Type.String({
      pattern: '^(mqtt|mqtts|tcp|ssl|ws|wss)://',
      title: 'Hub broker address',
      description:
        'Where the hub broker listens, e.g. mqtts://hub.example:8883 (mqtt, mqtts, tcp, ssl, ws, wss)',
    }),
    username: Type.String({
      minLength: 1,
      maxLength: 64,
      title: 'Hub username',
      description: 'MQTT username the kiosk logs in with: the station id',
    }),
    password: Type.String({
      minLength: 16,
      maxLength: 256,
      title: 'Hub secret',
      description:
        'Secret issued at provisioning (16 to 256 characters); the kiosk replaces it itself when the hub rotates it',
    }),
    tls: Type.Optional(HubTls),
    httpUrl: Type.Optional(
      Type.String({
        pattern: '^https?://[^/?#]+[^?#]*$',
        title: 'Hub HTTP API',
        description:
          'Hub HTTP API, e.g. https://hub.example; evidence photos are uploaded there (same username and password). Without it, photos stay on the kiosk',
      }),
    ),
    // issue 10: a plain URL sends the station secret in clear to whoever answers on that port
    allowPlain: Type.Optional(
      Type.Boolean({
        default: false,
        title: 'Plain transport allowed',
        description:
          'Plain MQTT and HTTP to the hub without TLS (mqtt://, tcp://, ws://, http://): a lab, a demo or a test only; a production hub has no plain listener. Without it such a URL is refused',
      }),
    ),
  },
  {
    additionalProperties: false,
    title: 'Hub connection',
    description: 'The hub address and the credentials the station was provisioned with',
  },
)
export type HubConnection = Static<typeof HubConnection>
