/**
 * An error with a stable machine code, the base of every error the edge and the hub
 * raise on purpose. Boundaries (HTTP routes, MQTT handlers, CLIs) turn the code into a
 * reply, a counter or an exit status; the message is for people.
 */
export class CodedError<C extends string = string> extends Error {
  readonly code: C
  constructor(code: C, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.code = code
    this.name = new.target.name
  }
}
