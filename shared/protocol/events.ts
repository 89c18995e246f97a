/**
 * Pushed events. A session subscribes to topics; the agent then sends JSON-RPC notifications
 * `{"jsonrpc":"2.0","method":"event","params":{"topic":…,"data":…}}`. Runtime-neutral: zod only.
 */
import { z } from 'zod';
import { JSONRPC_VERSION, EVENT_METHOD } from './envelopes.ts';
import { CertEvent } from './acme.ts';
import { method, Revision } from './common.ts';
import { HaTransition } from './ha.ts';
import { RealServerHealthWire } from './health.ts';
import { StatsSnapshot } from './stats.ts';

export const TOPICS = ['health', 'config', 'stats', 'ha', 'cert'] as const;
export type Topic = (typeof TOPICS)[number];
export const TopicSchema = z.enum(TOPICS);

export const ConfigEvent = z
  .object({
    /** The revision now running. */
    revision: Revision.describe('The revision now running.'),
    /** Who made the change. */
    actor: z
      .object({
        /** Non-secret id of the token used, or a local source such as `config-file`. */
        tokenId: z.string().describe('Non-secret id of the token used, or a local source (`config-file`).'),
        /** Peer address of the session, or `local`. */
        peer: z.string().describe('Peer address of the session, or `local`.'),
      })
      .strict()
      .describe('Who made the change.'),
  })
  .strict();
export type ConfigEvent = z.infer<typeof ConfigEvent>;

/** Each topic's payload and when it is sent. */
export const EVENTS = {
  health: {
    description: 'A real server changed health state (up, down, disabled, unknown).',
    data: RealServerHealthWire,
  },
  config: {
    description: 'A new configuration revision runs (from any session, the command line or SIGHUP).',
    data: ConfigEvent,
  },
  stats: {
    description: 'A stats snapshot, every few seconds while the session is subscribed.',
    data: StatsSnapshot,
  },
  ha: {
    description:
      "This member of an HA pair changed VRRP state (master, backup, fault, stopped), with the agent's reason.",
    data: HaTransition,
  },
  cert: {
    description:
      'A step of a certificate the agent gets from an ACME CA: ordered, each domain challenged and validated, issued, installed, bound, the next renewal scheduled — or failed, naming the domain and the reason.',
    data: CertEvent,
  },
} as const satisfies Record<Topic, { description: string; data: z.ZodType }>;

export type EventData<T extends Topic> = z.infer<(typeof EVENTS)[T]['data']>;

/** The whole notification frame, typed by topic. */
export const EventNotification = z
  .object({
    jsonrpc: z.literal(JSONRPC_VERSION),
    method: z.literal(EVENT_METHOD),
    params: z.discriminatedUnion('topic', [
      z.object({ topic: z.literal('health'), data: EVENTS.health.data }).strict(),
      z.object({ topic: z.literal('config'), data: EVENTS.config.data }).strict(),
      z.object({ topic: z.literal('stats'), data: EVENTS.stats.data }).strict(),
      z.object({ topic: z.literal('ha'), data: EVENTS.ha.data }).strict(),
      z.object({ topic: z.literal('cert'), data: EVENTS.cert.data }).strict(),
    ]),
  })
  .strict();
export type EventNotification = z.infer<typeof EventNotification>;

export const EventsSubscribeParams = z
  .object({
    /** Topics to receive; adds to what the session already receives. */
    topics: z
      .array(TopicSchema)
      .min(1)
      .max(TOPICS.length)
      .describe('Topics to receive; adds to what the session already receives.'),
  })
  .strict();

export const EventsUnsubscribeParams = z
  .object({
    /** Topics to stop; omitted = all. */
    topics: z.array(TopicSchema).max(TOPICS.length).optional().describe('Topics to stop; omitted = all.'),
  })
  .strict();

export const EventsTopicsResult = z
  .object({
    /** Every topic the session receives now. */
    topics: z.array(TopicSchema).describe('Every topic the session receives now.'),
  })
  .strict();

export const EVENT_METHODS = {
  'events.subscribe': method({
    description:
      'Starts `event` notifications for the topics. Events a session cannot read fast enough end the session.',
    params: EventsSubscribeParams,
    result: EventsTopicsResult,
    errors: [],
  }),
  'events.unsubscribe': method({
    description: 'Stops notifications for the topics (all when omitted).',
    params: EventsUnsubscribeParams,
    result: EventsTopicsResult,
    errors: [],
  }),
};
