import { useSignal } from '@preact/signals'
import { api } from '../api/kiosk.js'
import type { Person, PersonRef } from '../api/types.js'
import { errorText, zh } from '../strings.js'
import { IdEntry } from './IdEntry.js'
import { PinEntry } from './PinEntry.js'

/**
 * A cadre proves who they are (POST /api/auth/cadre) before enrolment, a vouch or the admin
 * screen. Wrong PINs count against the same lock as PIN sign-in, and the words say so.
 */
export function CadreLogin(p: { onDone: (cadre: PersonRef, pin: string) => void }) {
  const person = useSignal<Person | null>(null)
  if (!person.value) return <IdEntry prompt={zh.cadre.enterId} cadreOnly onDone={(x) => (person.value = x)} />
  const who = person.value
  return (
    <PinEntry
      prompt={zh.cadre.enterPin(who.name ?? who.personId)}
      onSubmit={async (pin) => {
        const r = await api.authCadre(who.personId, pin)
        if (!r.ok) return errorText(r.code)
        p.onDone({ personId: r.data.personId, name: r.data.name ?? who.name }, pin)
        return null
      }}
    />
  )
}
