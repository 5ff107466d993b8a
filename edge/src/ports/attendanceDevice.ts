/** A credential presented at a reader: a card number, a fingerprint page id, a QR payload. */
export interface CredentialRead {
  method: 'card' | 'qr' | 'fingerprint'
  credential: string
  /** Device clock in ms. */
  at: number
  /** Match score, for readers that match on the device (fingerprint modules). */
  score?: number
}

export interface DeviceFault {
  code: string
  message: string
}

/**
 * A card reader, fingerprint module or QR scanner. Drivers turn bytes into reads; the
 * kiosk decides what a read means.
 */
export interface AttendanceDevice {
  readonly name: string
  readonly kind: 'card' | 'fingerprint' | 'qr'
  start(listener: (read: CredentialRead) => void): Promise<void>
  /** Current fault, or undefined while the device works. */
  fault(): DeviceFault | undefined
  /** Frames read and dropped, by reason: the health of the line. */
  stats(): Readonly<Record<string, number>>
  stop(): Promise<void>
}
