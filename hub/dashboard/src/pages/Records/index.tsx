import { useState } from 'preact/hooks'
import { Tabs } from '../../components/Tabs.js'
import { useDashboard } from '../../context.js'
import { usePeople } from '../../lookups.js'
import { localDate } from '../../period.js'
import { zh } from '../../strings/index.js'
import { ActivityList, FlagList } from './ActivityList.js'
import { ActivityRecord } from './ActivityRecord.js'
import { EventList } from './EventList.js'
import { Filters } from './Filters.js'
import { fromAddress, type RecordQuery, type RecordTab, resolvePerson, toAddress } from './query.js'

/**
 * 记录: the ledger's check-ins and duty punches, the activities with their full record, and
 * the records to inspect, searched by person, place, type and dates. /records/activity/<id>
 * is one activity's record.
 */
export function Records() {
  const { router, state } = useDashboard()
  const people = usePeople()
  // "today" is the hub's: known from the fleet snapshot, which brings its clock
  if (!state.fleet.loaded.value) return <p class="muted">{zh.records.loading}</p>
  const rest = router.place.value.rest
  const activity = /^\/activity\/(.+)$/.exec(rest)?.[1]
  if (activity) return <ActivityRecord activityId={decodeURIComponent(activity)} people={people} />
  return <RecordSearch people={people} />
}

function RecordSearch(props: { people: ReturnType<typeof usePeople> }) {
  const { router, state } = useDashboard()
  const [initial] = useState(() => fromAddress(router.place.value.query, localDate(state.now.value)))
  const [tab, setTab] = useState<RecordTab>(initial.tab)
  const [draft, setDraft] = useState<RecordQuery>(initial.query)
  const [applied, setApplied] = useState<RecordQuery>(initial.query)
  const [problem, setProblem] = useState<string | null>(null)
  const candidates = resolvePerson(draft.person, props.people)

  const apply = (q: RecordQuery, t: RecordTab = tab) => {
    setProblem(null)
    setApplied(q)
    router.replaceQuery(toAddress(t, q))
  }
  const search = () => {
    if (draft.person.trim() === '') return apply({ ...draft, personId: null })
    if (draft.personId) return apply(draft)
    if (candidates.length === 0) return setProblem(zh.records.noSuchPerson(draft.person.trim()))
    // several people of that name: the pick list below the filters chooses
    if (candidates.length > 1) return
    const q = { ...draft, personId: candidates[0] as string }
    setDraft(q)
    apply(q)
  }
  const change = (q: RecordQuery) => {
    setDraft(q)
    // a person picked from the list is searched at once
    if (q.personId && q.personId !== draft.personId) apply(q)
  }
  const switchTab = (t: RecordTab) => {
    setTab(t)
    router.replaceQuery(toAddress(t, applied))
  }
  return (
    <section class="records">
      <div class="toolbar">
        <Tabs
          keys={['events', 'activities', 'flags'] as const}
          current={tab}
          label={(t) => zh.records.tabs[t]}
          onSelect={(t) => switchTab(t)}
          testIdPrefix="records-tab"
        />
      </div>
      <Filters
        query={draft}
        withType={tab === 'events'}
        candidates={candidates}
        people={props.people}
        onChange={change}
        onSearch={search}
      />
      {problem ? (
        <p class="bad-text" data-testid="records-problem">
          {problem}
        </p>
      ) : null}
      {tab === 'events' ? (
        <EventList query={applied} people={props.people} />
      ) : tab === 'activities' ? (
        <ActivityList query={applied} people={props.people} />
      ) : (
        <FlagList query={applied} />
      )}
    </section>
  )
}
