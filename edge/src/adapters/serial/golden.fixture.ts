/**
 * Golden bytes, written out by hand from the device documentation, not produced by our
 * encoders: the parsers must read them and the encoders must reproduce them.
 */
export const GOLDEN = {
  /** RDM6300 datasheet example: card 62E3086CED, XOR checksum 08. */
  rdm6300: {
    card: '62E3086CED',
    bytes: Buffer.from([0x02, 0x36, 0x32, 0x45, 0x33, 0x30, 0x38, 0x36, 0x43, 0x45, 0x44, 0x30, 0x38, 0x03]),
  },
  /** The same card from the 13-byte clone: the checksum as one binary byte, then CR LF. */
  em4100Binary: {
    card: '62E3086CED',
    bytes: Buffer.from([
      0x02, 0x36, 0x32, 0x45, 0x33, 0x30, 0x38, 0x36, 0x43, 0x45, 0x44, 0x08, 0x03, 0x0d, 0x0a,
    ]),
  },
  /**
   * W26, facility 99, card 999: bits 0 01100011 0000001111100111 1 (even parity 0 over
   * 4 ones, odd parity 1 over 8 ones) = 0xC607CF, framed by the converter with XOR 0x14.
   */
  w26: {
    facility: 99,
    card: 999,
    bits: 0xc607cfn,
    bytes: Buffer.from([0x02, 0x1a, 0x00, 0xc6, 0x07, 0xcf, 0x14, 0x03]),
  },
  /** R307 manual: VfyPwd with the default password and address. */
  r307VerifyPassword: Buffer.from([
    0xef, 0x01, 0xff, 0xff, 0xff, 0xff, 0x01, 0x00, 0x07, 0x13, 0x00, 0x00, 0x00, 0x00, 0x00, 0x1b,
  ]),
  /** R307 acknowledgement "ok": EF01 FFFFFFFF 07 0003 00 000A. */
  r307AckOk: Buffer.from([0xef, 0x01, 0xff, 0xff, 0xff, 0xff, 0x07, 0x00, 0x03, 0x00, 0x00, 0x0a]),
  /** A QR code with Chinese text, UTF-8, CR-terminated. */
  gm65: {
    text: '签到:act-25',
    bytes: Buffer.concat([Buffer.from('签到:act-25', 'utf8'), Buffer.from([0x0d])]),
  },
} as const
