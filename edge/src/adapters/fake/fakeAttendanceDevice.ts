import type { AttendanceDevice, CredentialRead, DeviceFault } from '../../ports/attendanceDevice.js'

/** A reader a test drives by hand: `present` a credential, `fail` and `recover` the device. */
export class FakeAttendanceDevice implements AttendanceDevice {
  private listener: ((read: CredentialRead) => void) | undefined
  private currentFault: DeviceFault | undefined

  constructor(readonly name: string) {}

  async start(listener: (read: CredentialRead) => void): Promise<void> {
    this.listener = listener
  }

  present(read: CredentialRead): void {
    if (this.currentFault) return // an unplugged reader reads nothing
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

  async stop(): Promise<void> {
    this.listener = undefined
  }
}
