import type { AttendanceDevice, CredentialRead, DeviceFault } from '../../ports/attendanceDevice.js'

/** A reader a test drives by hand: `present` a credential, `fail` and `recover` the device. */
export class FakeAttendanceDevice implements AttendanceDevice {
  private listener: ((read: CredentialRead) => void) | undefined
  private currentFault: DeviceFault | undefined

  private reads = 0

  constructor(
    readonly name: string,
    readonly kind: AttendanceDevice['kind'] = 'card',
  ) {}

  async start(listener: (read: CredentialRead) => void): Promise<void> {
    this.listener = listener
  }

  present(read: CredentialRead): void {
    if (this.currentFault) return // an unplugged reader reads nothing
    this.reads++
    this.listener?.(read)
  }

  fail(fault: DeviceFault): void {
    this.currentFault = fault
  }

  recover(): void {
    this.currentFault = undefined
  }

  fault(): DeviceFault | undefined {
    return this.currentFault
  }

  stats(): Readonly<Record<string, number>> {
    return { reads: this.reads }
  }

  async stop(): Promise<void> {
    this.listener = undefined
  }
}
