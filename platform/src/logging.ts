import { LogController } from 'fastify'
import pino, { type Logger } from 'pino'

/**
 * The process logger: structured JSON on stderr, so stdout stays free for the one-line
 * JSON a CLI prints for scripts. Components log through children named like
 * `hub:ingest` or `edge:uplink`.
 */
export function createLogger(level = process.env.EJIA_LOG_LEVEL ?? 'info'): Logger {
  return pino({ level }, pino.destination(2))
}

/**
 * Per-request log lines at debug level: dashboards poll every few seconds and would
 * drown the log otherwise. Failed requests still log at error level.
 */
export class QuietRequestLogs extends LogController {
  override incomingRequest(request: Parameters<LogController['incomingRequest']>[0]): void {
    request.log.debug({ req: request }, 'incoming request')
  }

  override requestCompleted(
    error: Parameters<LogController['requestCompleted']>[0],
    request: Parameters<LogController['requestCompleted']>[1],
    reply: Parameters<LogController['requestCompleted']>[2],
  ): void {
    if (error) reply.log.error({ res: reply, err: error, url: request.url }, 'request errored')
    else reply.log.debug({ res: reply, responseTime: reply.elapsedTime }, 'request completed')
  }
}
