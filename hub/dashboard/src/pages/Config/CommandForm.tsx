import type { CommandName, FACE_DELETE_REQUESTS } from '@ejia/protocol'
import { useState } from 'preact/hooks'
import type { CommandView } from '../../api/types.js'
import { useDashboard } from '../../context.js'
import type { TownOption } from '../../lookups.js'
import { zh } from '../../strings/index.js'
import { type Refusal, Refused, refusalOf } from './Refused.js'
import { defaultTarget, stationsOf, type TargetChoice, TargetPicker, targetOf } from './Target.js'

const NAMES = Object.keys(zh.commands.names) as CommandName[]
type ForgetReason = (typeof FACE_DELETE_REQUESTS)[number]
// from the strings, typed by the protocol: no schema code in the dashboard's bundle
const FORGET_REASONS = Object.keys(zh.commands.forget.reasons) as ForgetReason[]

/** 发送指令: a command to a station or a town (the district: all), always confirmed first. */
export function CommandForm(props: { towns: readonly TownOption[]; onIssued: () => void }) {
  const { api, state } = useDashboard()
  const op = state.operator.value
  const [choice, setChoice] = useState<TargetChoice | null>(null)
  const [name, setName] = useState<CommandName>('resyncRoster')
  const [fromSeq, setFromSeq] = useState('1')
  const [release, setRelease] = useState({ version: '', url: '', sha256: '' })
  const [forget, setForget] = useState<{ personId: string; reason: ForgetReason }>({
    personId: '',
    reason: 'personRequest',
  })
  const [confirming, setConfirming] = useState(false)
  const [working, setWorking] = useState(false)
  const [done, setDone] = useState<string | null>(null)
  const [refused, setRefused] = useState<Refusal | null>(null)
  const target = choice ?? (op && props.towns.length > 0 ? defaultTarget(op, props.towns) : null)
  if (!op || !target) return null
  const ids = stationsOf(target, props.towns)

  const issue = async () => {
    setConfirming(false)
    setWorking(true)
    try {
      const r = await api<{ commands: CommandView[] }>('POST', '/api/commands', {
        target: targetOf(target),
        name,
        args:
          name === 'reupload'
            ? { fromSeq: Number(fromSeq) }
            : name === 'upgradeAgent'
              ? { version: release.version.trim(), url: release.url.trim(), sha256: release.sha256.trim() }
              : name === 'forgetFace'
                ? { personId: forget.personId.trim(), reason: forget.reason }
                : {},
      })
      setDone(zh.commands.done(r.commands.length))
      props.onIssued()
    } catch (err) {
      setRefused(refusalOf(err))
    } finally {
      setWorking(false)
    }
  }
  return (
    <form
      class="panel push-form"
      data-testid="command-form"
      onSubmit={(e) => {
        e.preventDefault()
        setDone(null)
        setRefused(null)
        setConfirming(true)
      }}
    >
      <h3>{zh.commands.issue}</h3>
      <TargetPicker
        op={op}
        towns={props.towns}
        value={target}
        onChange={(c) => {
          setChoice(c)
          setConfirming(false)
        }}
        testId="command-target"
      />
      <label class="field">
        <span>{zh.commands.command}</span>
        <select
          value={name}
          data-testid="command-name"
          onChange={(e) => {
            setName(e.currentTarget.value as CommandName)
            setConfirming(false)
          }}
        >
          {NAMES.map((n) => (
            <option key={n} value={n}>
              {zh.commands.names[n]}
            </option>
          ))}
        </select>
      </label>
      <p class="muted">{zh.commands.hints[name]}</p>
      {name === 'reupload' ? (
        <label class="field">
          <span>{zh.commands.fromSeq}</span>
          <input
            type="number"
            min={1}
            step={1}
            value={fromSeq}
            data-testid="command-from-seq"
            onInput={(e) => setFromSeq(e.currentTarget.value)}
          />
        </label>
      ) : null}
      {name === 'upgradeAgent'
        ? (['version', 'url', 'sha256'] as const).map((k) => (
            <label class="field" key={k}>
              <span>{zh.commands.upgrade[k]}</span>
              <input
                required
                value={release[k]}
                data-testid={`command-upgrade-${k}`}
                onInput={(e) => setRelease({ ...release, [k]: e.currentTarget.value })}
              />
            </label>
          ))
        : null}
      {name === 'forgetFace' ? (
        <>
          <label class="field">
            <span>{zh.commands.forget.personId}</span>
            <input
              required
              value={forget.personId}
              data-testid="command-forget-person"
              onInput={(e) => setForget({ ...forget, personId: e.currentTarget.value })}
            />
          </label>
          <label class="field">
            <span>{zh.commands.forget.reason}</span>
            <select
              value={forget.reason}
              data-testid="command-forget-reason"
              onChange={(e) => setForget({ ...forget, reason: e.currentTarget.value as ForgetReason })}
            >
              {FORGET_REASONS.map((r) => (
                <option key={r} value={r}>
                  {zh.commands.forget.reasons[r]}
                </option>
              ))}
            </select>
          </label>
        </>
      ) : null}
      {refused ? <Refused title={zh.commands.refused} refusal={refused} testId="command-refused" /> : null}
      {confirming ? (
        <div class="confirm" role="alertdialog" data-testid="command-confirm">
          <p>{zh.commands.confirm(zh.commands.names[name], ids.length)}</p>
          <button
            type="button"
            class="primary"
            data-testid="command-confirm-yes"
            onClick={() => void issue()}
          >
            {zh.commands.confirmYes}
          </button>
          <button type="button" onClick={() => setConfirming(false)}>
            {zh.control.cancel}
          </button>
        </div>
      ) : (
        <button
          type="submit"
          class="primary"
          disabled={working || ids.length === 0}
          data-testid="command-submit"
        >
          {working ? zh.commands.working : zh.commands.issue}
        </button>
      )}
      {done ? (
        <p class="good-text" role="status" data-testid="command-done">
          {done}
        </p>
      ) : null}
    </form>
  )
}
