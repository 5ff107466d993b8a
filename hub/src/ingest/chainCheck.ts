import type { KeyObject } from 'node:crypto'
import type { Event, RejectedEvent } from '@ejia/protocol'
import { eventHash, publicKeyOf } from '@ejia/protocol/chain'
import type { Logger } from 'pino'
import type { FindingKind, IntegrityFinding, IntegrityStore, PinnedKey } from '../storage/integrityStore.js'
import { type ChainLink, eventKey, type Storage } from '../storage/storage.js'
import type { Counters } from './counters.js'
import { asReceived, verified } from './signedRuns.js'

/** Device time this far before the event it follows makes an event back-dated. */
export const BACKDATED_AFTER_MS = 10 * 60_000

/** How often the pinned keys are read again, for an operator's re-pin made at another hub process. */
const RELOAD_KEYS_MS = 60_000

export type HashedEvent = Event & { hash: string }

export interface Admission {
  /** To commit, each with its hash. */
  admitted: HashedEvent[]
  /** Refused for good: the kiosk keeps them as dead letters, the findings keep them whole. */
  rejected: RejectedEvent[]
  /** Signed by a key other than the pinned one: left unanswered, so the kiosk sends them again. */
  held: number
}

interface Pin {
  publicKey: string
  key: KeyObject
  firstSeq: number
}

/** The newest event the hub committed for a station, what the next one links to. */
interface Head {
  seq: number
  hash: string
  time: string
}

/**
 * The hub's side of the tamper-evident journal (protocol/src/chain.ts). Before the commit it
 * pins each station's journal key on first sight and checks signatures: an event whose
 * content is not what the station signed is refused (`badSignature`), as is an unsigned
 * one among signed ones; an unsigned batch from a station with a key (an agent rolled back
 * to a release before signing) is kept and flagged; events signed by another key wait for
 * an operator. After
 * the commit it checks the links: an event whose `prev` is not the hash of the stored event
 * before it (`chainBreak`), one sent again with other content (`edited`), one that starts
 * a new chain (`chainRestart`), or one dated well before the one it follows (`backdated`).
 * Every finding is stored whole for auditors and raises an alarm.
 *
 * Signatures are checked on the last event of each run of linked events in a batch: its
 * hash covers the link to the one before, so the run stands or falls with it, and a batch
 * costs about one verification, not one per event. When the last fails, each is checked.
 */
export class ChainCheck {
  private readonly pins = new Map<string, Pin>()
  private readonly heads = new Map<string, Head>()
  /** Stations whose other key was reported already, as `station/key`. */
  private readonly keyChangesSeen = new Set<string>()
  private reloadTimer: NodeJS.Timeout | undefined

  constructor(
    private readonly deps: {
      storage: Storage
      integrity: IntegrityStore
      counters: Counters
      log: Logger
      /** Told of every finding but `keyPinned` once it is stored, to raise an alarm. */
      onFindings: (findings: readonly IntegrityFinding[]) => void
    },
  ) {}

  async start(): Promise<void> {
    await this.reloadKeys()
    this.reloadTimer = setInterval(() => {
      this.reloadKeys().catch((err: unknown) =>
        this.deps.log.warn({ err }, 'could not read the pinned journal keys'),
      )
    }, RELOAD_KEYS_MS)
    this.reloadTimer.unref()
  }

  stop(): void {
    clearInterval(this.reloadTimer)
  }

  /** The key pinned for a station, if any. */
  pinnedKey(stationId: string): string | undefined {
    return this.pins.get(stationId)?.publicKey
  }

  /** Forgets a station's key, so its next signed batch pins the key it carries. */
  async unpin(stationId: string): Promise<boolean> {
    const had = await this.deps.integrity.unpinJournalKey(stationId)
    this.pins.delete(stationId)
    for (const k of this.keyChangesSeen) if (k.startsWith(`${stationId}/`)) this.keyChangesSeen.delete(k)
    return had
  }

  /** Before the commit; synchronous, so a station's batches keep their order. */
  admit(stationId: string, batchKey: string | undefined, events: readonly Event[], at: number): Admission {
    const findings: IntegrityFinding[] = []
    const finding = (kind: FindingKind, e: Event | null, detail: string) =>
      findings.push({
        at,
        stationId,
        kind,
        seq: e?.seq ?? null,
        eventId: e?.id ?? null,
        detail,
        event: e && asReceived(e),
      })
    const rejected: RejectedEvent[] = []
    const refuse = (e: Event, code: 'badSignature' | 'unsigned', message: string) => {
      rejected.push({ id: e.id, code, message })
      finding(code, e, message)
    }
    const signed = events.filter((e) => e.sig !== undefined)
    let pin = this.pins.get(stationId)
    if (pin === undefined && batchKey !== undefined && signed.length > 0) {
      pin = this.pin(stationId, batchKey, Math.min(...signed.map((e) => e.seq)), at)
      if (pin) finding('keyPinned', null, `journal key ${batchKey} pinned from seq ${pin.firstSeq}`)
    }

    const admitted: HashedEvent[] = []
    const toVerify: HashedEvent[] = []
    let held = 0
    for (const e of events) {
      const hashed = { ...e, hash: eventHash(e) }
      if (e.sig === undefined) {
        if (pin && batchKey !== undefined) {
          // a signing agent sent it: a row put into its journal by hand
          refuse(e, 'unsigned', `unsigned event in a batch signed by ${batchKey}`)
          continue
        }
        // a station that never signed, or an agent rolled back to a release before signing
        if (pin)
          finding('unsigned', e, 'unsigned event from a station whose journal key is pinned; kept, flagged')
        this.deps.counters.bump('integrity.unsigned')
        admitted.push(hashed)
      } else if (pin === undefined) {
        // signed, but with no key to check it by: a kiosk that never sent one
        this.deps.counters.bump('integrity.unverified')
        admitted.push(hashed)
      } else if (batchKey !== undefined && batchKey !== pin.publicKey) held++
      else toVerify.push(hashed)
    }
    if (held > 0) {
      this.deps.counters.bump('integrity.held', held)
      const seen = `${stationId}/${batchKey}`
      if (!this.keyChangesSeen.has(seen)) {
        this.keyChangesSeen.add(seen)
        finding(
          'keyChanged',
          null,
          `events signed by journal key ${batchKey}, not the pinned ${pin?.publicKey}: held until an operator re-pins the station`,
        )
      }
    }
    if (pin) {
      for (const e of verified(toVerify, pin.key)) admitted.push(e)
      const good = new Set(admitted.map((e) => e.id))
      for (const e of toVerify) {
        if (!good.has(e.id))
          refuse(e, 'badSignature', `seq ${e.seq}: the content is not what the station signed`)
      }
    }
    this.record(findings)
    return { admitted, rejected, held }
  }

  /** After the commit: the links between the events and those stored before them. */
  async afterCommit(
    stationId: string,
    events: readonly HashedEvent[],
    inserted: ReadonlySet<string>,
    at: number,
  ) {
    const findings: IntegrityFinding[] = []
    const finding = (kind: FindingKind, e: Event | ChainLink, detail: string, whole: Event | null) =>
      findings.push({
        at,
        stationId,
        kind,
        seq: e.seq,
        eventId: e.id,
        detail,
        event: whole && asReceived(whole),
      })
    const isNew = (e: Event) => inserted.has(eventKey(stationId, e.id))
    const inBatch = new Map(events.map((e) => [e.seq, e]))
    const head = this.heads.get(stationId)

    // what to read from the ledger: the content stored for ids sent again, and neighbours not at hand
    const seqs = new Set<number>()
    const ids: string[] = []
    for (const e of events) {
      if (!isNew(e)) ids.push(e.id)
      else {
        if (e.seq > 1 && !inBatch.has(e.seq - 1) && head?.seq !== e.seq - 1) seqs.add(e.seq - 1)
        if (!inBatch.has(e.seq + 1) && (head === undefined || e.seq < head.seq)) seqs.add(e.seq + 1)
      }
    }
    const stored =
      seqs.size > 0 || ids.length > 0 ? await this.deps.storage.chainLinks(stationId, [...seqs], ids) : []
    const storedAt = (seq: number) => stored.filter((l) => l.seq === seq && l.hash !== null)

    const pin = this.pins.get(stationId)
    for (const e of events) {
      if (!isNew(e)) {
        const before = stored.find((l) => l.id === e.id)
        if (before?.hash && before.hash !== e.hash) {
          finding('edited', e, `seq ${e.seq} came again with other content than the hub stored`, e)
        }
        continue
      }
      const batchBefore = inBatch.get(e.seq - 1)
      const previous: { hash: string | null; time: string }[] = batchBefore
        ? [batchBefore]
        : head?.seq === e.seq - 1
          ? [head]
          : storedAt(e.seq - 1)
      if (e.prev === undefined) {
        if (e.sig !== undefined && pin !== undefined && e.seq > pin.firstSeq) {
          finding('chainRestart', e, `seq ${e.seq} names no previous event, after the chain began`, e)
        }
      } else if (previous.length > 0 && !previous.some((p) => p.hash === e.prev)) {
        finding('chainBreak', e, `seq ${e.seq} does not link to the stored seq ${e.seq - 1}`, e)
      }
      const latest = previous.at(-1)
      if (latest && Date.parse(e.time) < Date.parse(latest.time) - BACKDATED_AFTER_MS) {
        finding(
          'backdated',
          e,
          `seq ${e.seq} is dated ${e.time}, before seq ${e.seq - 1} (${latest.time})`,
          e,
        )
      }
      if (!inBatch.has(e.seq + 1)) {
        for (const next of storedAt(e.seq + 1)) {
          if (next.prev !== null && next.prev !== e.hash) {
            finding(
              'chainBreak',
              next,
              `the stored seq ${next.seq} does not link to seq ${e.seq} as now received`,
              e,
            )
          }
        }
      }
    }
    for (const e of events) {
      const h = this.heads.get(stationId)
      if (isNew(e) && (h === undefined || e.seq > h.seq)) this.heads.set(stationId, e)
    }
    this.record(findings)
  }

  private pin(stationId: string, publicKey: string, firstSeq: number, at: number): Pin | undefined {
    let key: KeyObject
    try {
      key = publicKeyOf(publicKey)
    } catch {
      this.deps.counters.bump('integrity.badKey')
      return undefined
    }
    const pin = { publicKey, key, firstSeq }
    this.pins.set(stationId, pin)
    this.deps.integrity.pinJournalKey({ stationId, publicKey, pinnedAt: at, firstSeq }).then(
      // another hub process pinned first: its key is the station's
      (pinned) => {
        if (pinned.publicKey !== publicKey) this.setPin(pinned)
      },
      (err: unknown) => this.deps.log.error({ err, stationId }, 'could not store the pinned journal key'),
    )
    return pin
  }

  private setPin(k: PinnedKey): void {
    try {
      this.pins.set(k.stationId, {
        publicKey: k.publicKey,
        key: publicKeyOf(k.publicKey),
        firstSeq: k.firstSeq,
      })
    } catch (err) {
      this.deps.log.error({ err, stationId: k.stationId }, 'a pinned journal key does not parse')
    }
  }

  private async reloadKeys(): Promise<void> {
    const keys = await this.deps.integrity.journalKeys()
    const pinned = new Set(keys.map((k) => k.stationId))
    for (const k of keys) if (this.pins.get(k.stationId)?.publicKey !== k.publicKey) this.setPin(k)
    for (const stationId of this.pins.keys()) if (!pinned.has(stationId)) this.pins.delete(stationId)
  }

  private record(findings: IntegrityFinding[]): void {
    if (findings.length === 0) return
    for (const f of findings) this.deps.counters.bump(`integrity.${f.kind}`)
    // a key pinned is what every kiosk's first signed batch does: worth a line, not a warning
    const worrying = findings.some((f) => f.kind !== 'keyPinned')
    this.deps.log[worrying ? 'warn' : 'info'](
      { stationId: findings[0]?.stationId, findings: findings.map((f) => `${f.kind}@${f.seq}`).slice(0, 10) },
      'journal integrity findings',
    )
    this.deps.integrity.recordFindings(findings).then(
      () => {
        const alarming = findings.filter((f) => f.kind !== 'keyPinned')
        if (alarming.length > 0) this.deps.onFindings(alarming)
      },
      (err: unknown) => this.deps.log.error({ err }, 'could not store integrity findings'),
    )
  }
}
