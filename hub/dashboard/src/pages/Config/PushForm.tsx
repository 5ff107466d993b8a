import { useEffect, useState } from 'preact/hooks'
import type { StationConfigView } from '../../api/types.js'
import { useDashboard } from '../../context.js'
import type { TownOption } from '../../lookups.js'
import { zh } from '../../strings/index.js'
import { type Refusal, Refused, refusalOf } from './Refused.js'
import {
  buildSettings,
  type ClientProblem,
  type FormField,
  type FormValues,
  fieldGroups,
  splitSettings,
} from './settingsForm.js'
import { defaultTarget, stationsOf, type TargetChoice, TargetPicker, targetName, targetOf } from './Target.js'

/**
 * 推送配置: the target, the common settings as a form and the rest as JSON, checked here
 * where cheap and by the hub in full. A push to more than one station is confirmed first,
 * with the count. The form starts from what the target's stations have now, when they all
 * have the same: a push replaces the previous one whole.
 */
export function PushForm(props: {
  configs: readonly StationConfigView[]
  towns: readonly TownOption[]
  onPushed: () => void
}) {
  const { api, state } = useDashboard()
  const op = state.operator.value
  const [choice, setChoice] = useState<TargetChoice | null>(null)
  const [form, setForm] = useState<FormValues>({})
  const [rest, setRest] = useState('')
  const [prefilled, setPrefilled] = useState(false)
  /** The target the form was last filled for: the fields wait for it, so nothing typed is overwritten. */
  const [readyFor, setReadyFor] = useState<string | null>(null)
  const [problems, setProblems] = useState<ClientProblem[]>([])
  const [refused, setRefused] = useState<Refusal | null>(null)
  const [confirming, setConfirming] = useState(false)
  const [working, setWorking] = useState(false)
  const [done, setDone] = useState<string | null>(null)
  const loaded = props.configs.length > 0 && props.towns.length > 0
  const target = choice ?? (op && props.towns.length > 0 ? defaultTarget(op, props.towns) : null)
  const ids = target ? stationsOf(target, props.towns) : []
  const targetKey = target ? `${target.kind}:${target.station}:${target.town}` : ''

  useEffect(() => {
    if (!loaded) return
    const wanted = new Set(ids)
    const settings = props.configs
      .filter((c) => wanted.has(c.stationId))
      .map((c) => c.desired?.settings ?? null)
    const same =
      settings.length > 0 && settings.every((s) => JSON.stringify(s) === JSON.stringify(settings[0]))
    const split = splitSettings(same ? (settings[0] ?? null) : null)
    setForm(split.form)
    setRest(split.rest)
    setPrefilled(same && settings[0] !== null)
    setProblems([])
    setRefused(null)
    setConfirming(false)
    setReadyFor(targetKey)
  }, [targetKey, loaded])

  if (!op || !target) return null

  const push = async () => {
    setConfirming(false)
    setWorking(true)
    setDone(null)
    setRefused(null)
    const built = buildSettings(form, rest)
    if (!built.ok) {
      setWorking(false)
      return setProblems(built.problems)
    }
    try {
      const r = await api<{ pushed: { stationId: string; version: number }[] }>('PUT', '/api/config', {
        target: targetOf(target),
        settings: built.settings,
      })
      const versions = [...new Set(r.pushed.map((p) => p.version))].sort((a, b) => a - b)
      setDone(zh.config.push.done(r.pushed.length, versions.map((v) => `v${v}`).join('、')))
      props.onPushed()
    } catch (err) {
      setRefused(refusalOf(err))
    } finally {
      setWorking(false)
    }
  }
  const submit = (e: Event) => {
    e.preventDefault()
    setDone(null)
    setRefused(null)
    const built = buildSettings(form, rest)
    setProblems(built.ok ? [] : built.problems)
    if (!built.ok) return
    if (ids.length > 1) setConfirming(true)
    else void push()
  }

  return (
    <form class="panel push-form" data-testid="push-form" noValidate onSubmit={submit}>
      <h3>{zh.config.push.title}</h3>
      <TargetPicker op={op} towns={props.towns} value={target} onChange={setChoice} testId="push-target" />
      <p class="muted">{zh.config.push.replaces}</p>
      {readyFor !== targetKey ? (
        <p class="muted">{zh.control.loading}</p>
      ) : (
        <PushFields form={form} rest={rest} prefilled={prefilled} onForm={setForm} onRest={setRest} />
      )}
      {problems.length > 0 ? (
        <div class="bad-text" role="alert" data-testid="push-client-problems">
          {zh.config.push.clientProblems}
          <ul class="problems">
            {problems.map((p) => (
              <li key={`${p.path}-${p.code}`}>
                <code>{p.path || '/'}</code> {zh.config.push.problem[p.code]}
                {p.code === 'range' && p.field ? rangeText(p.field) : ''}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {refused ? <Refused title={zh.config.push.refused} refusal={refused} testId="push-refused" /> : null}
      {confirming ? (
        <div class="confirm" role="alertdialog" data-testid="push-confirm">
          <p>{zh.config.push.confirm(ids.length, targetName(target, props.towns))}</p>
          <button type="button" class="primary" data-testid="push-confirm-yes" onClick={() => void push()}>
            {zh.config.push.confirmYes}
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
          data-testid="push-submit"
        >
          {working ? zh.config.push.working : zh.config.push.submit}
        </button>
      )}
      {done ? (
        <p class="good-text" role="status" data-testid="push-done">
          {done}
        </p>
      ) : null}
    </form>
  )
}

const GROUPS = fieldGroups()

function PushFields(props: {
  form: FormValues
  rest: string
  prefilled: boolean
  onForm: (f: FormValues) => void
  onRest: (text: string) => void
}) {
  return (
    <>
      {props.prefilled ? <p class="muted">{zh.config.push.prefilled}</p> : null}
      {GROUPS.map((g) => (
        <fieldset key={g.group} class="field-group" data-testid={`push-group-${g.group}`}>
          <legend>{zh.config.push.groups[g.group] ?? g.group}</legend>
          <div class="fields">
            {g.fields.map((f) => (
              <Field
                key={f.key}
                field={f}
                value={props.form[f.key] ?? ''}
                onChange={(v) => props.onForm({ ...props.form, [f.key]: v })}
              />
            ))}
          </div>
        </fieldset>
      ))}
      <label class="advanced">
        <span>{zh.config.push.advanced}</span>
        <textarea
          rows={6}
          spellcheck={false}
          placeholder={zh.config.push.advancedHint}
          value={props.rest}
          data-testid="push-json"
          onInput={(e) => props.onRest(e.currentTarget.value)}
        />
      </label>
    </>
  )
}

function rangeText(f: FormField): string {
  const min = f.min ?? (f.above !== undefined ? `>${f.above}` : undefined)
  return min !== undefined && f.max !== undefined ? zh.config.push.range(String(min), String(f.max)) : ''
}

function Field(props: { field: FormField; value: string; onChange: (v: string) => void }) {
  const f = props.field
  const label = zh.config.push.fields[f.key] ?? f.key
  const testId = `push-field-${f.key}`
  if (f.kind === 'boolean' || f.kind === 'enum') {
    const options =
      f.kind === 'boolean'
        ? [
            ['true', zh.config.push.on],
            ['false', zh.config.push.off],
          ]
        : (f.options ?? []).map((o) => [o, zh.config.push.options[f.key]?.[o] ?? o])
    return (
      <label class="field">
        <span>{label}</span>
        <select
          value={props.value}
          data-testid={testId}
          onChange={(e) => props.onChange(e.currentTarget.value)}
        >
          <option value="">{zh.config.push.unset}</option>
          {options.map(([v, text]) => (
            <option key={v} value={v}>
              {text}
            </option>
          ))}
        </select>
      </label>
    )
  }
  return (
    <label class="field">
      <span>{label}</span>
      <input
        type="number"
        inputMode="decimal"
        step={f.kind === 'integer' ? 1 : 'any'}
        min={f.min}
        max={f.max}
        placeholder={zh.config.push.unset}
        value={props.value}
        data-testid={testId}
        onInput={(e) => props.onChange(e.currentTarget.value)}
      />
    </label>
  )
}
