/** Instruction codes (R307/AS608 user manual, §5). */
export const INSTR = {
  genImg: 0x01,
  img2Tz: 0x02,
  match: 0x03,
  search: 0x04,
  regModel: 0x05,
  store: 0x06,
  deleteChar: 0x0c,
  empty: 0x0d,
  readSysPara: 0x0f,
  vfyPwd: 0x13,
  highSpeedSearch: 0x1b,
  templateNum: 0x1d,
} as const

/** Confirmation codes and what they mean, in words an operator can act on. */
export const CONFIRMATION: Record<number, { code: string; message: string }> = {
  0: { code: 'ok', message: 'done' },
  1: { code: 'packetError', message: 'the module could not read the command' },
  2: { code: 'noFinger', message: 'no finger on the sensor' },
  3: { code: 'captureFailed', message: 'the finger could not be captured; place it again' },
  6: { code: 'imageMessy', message: 'the print is too messy; clean the sensor or the finger' },
  7: { code: 'tooFewFeatures', message: 'too few features in the print; press the whole finger flat' },
  8: { code: 'noMatch', message: 'the fingerprints do not match' },
  9: { code: 'notFound', message: 'no matching fingerprint in the module' },
  10: { code: 'combineFailed', message: 'the two captures do not agree; enrol again' },
  11: { code: 'pageOutOfRange', message: 'the template number is beyond the module library' },
  12: { code: 'readTemplateFailed', message: 'the stored template is invalid' },
  13: { code: 'uploadFailed', message: 'uploading the template failed' },
  14: { code: 'receiveFailed', message: 'the module cannot receive data packets' },
  15: { code: 'uploadImageFailed', message: 'uploading the image failed' },
  16: { code: 'deleteFailed', message: 'deleting the template failed' },
  17: { code: 'clearFailed', message: 'clearing the library failed' },
  19: { code: 'wrongPassword', message: 'the module password is wrong (check the profile)' },
  21: { code: 'noValidImage', message: 'no valid image in the buffer' },
  24: { code: 'flashError', message: 'the module flash failed' },
  25: { code: 'undefinedError', message: 'the module reported an undefined error' },
  26: { code: 'invalidRegister', message: 'invalid register number' },
  27: { code: 'badConfiguration', message: 'incorrect register configuration' },
  28: { code: 'badNotepadPage', message: 'wrong notepad page number' },
  29: { code: 'commFailed', message: 'the module failed to operate its port' },
}

export function describeConfirmation(code: number): { code: string; message: string } {
  return (
    CONFIRMATION[code] ?? {
      code: 'unknownCode',
      message: `unknown confirmation code 0x${code.toString(16).padStart(2, '0')}`,
    }
  )
}
