import Type, { type Static } from 'typebox'

/** The edge agent started; journalled so the ledger shows restarts and what ran. */
export const AgentStartBody = Type.Object(
  {
    agentVersion: Type.String({ maxLength: 64 }),
    configVersion: Type.String({ maxLength: 64 }),
    /** How the previous run ended, as far as the journal can tell. */
    previousShutdown: Type.Enum(['clean', 'unclean', 'first']),
  },
  { additionalProperties: false, title: 'agent.start' },
)
export type AgentStartBody = Static<typeof AgentStartBody>
