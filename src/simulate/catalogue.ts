/**
 * The simulated organisation: a small, fixed contact centre whose ids every simulated event
 * draws from — 2 divisions, 8 queues per media (40), 60 agents, Architect flows with outcomes,
 * wrap-up codes, outbound campaigns, and the org's phone numbers and addresses.
 *
 * The catalogue is built from its own constant seed, so its ids are the same whatever the
 * simulation seed: events from different runs refer to the same queues and agents, and tests
 * can check that every id in an event belongs to the catalogue.
 */
import { Prng } from './prng.js';
import { MEDIA_PROFILES, SIMULATED_MEDIA } from './profiles.js';
import type { SimulatedMedia } from './profiles.js';

/** A Genesys division: every queue, flow and agent belongs to one. */
interface Division {
  id: string;
  name: string;
}

/** An ACD queue of one media type. */
export interface Queue {
  id: string;
  name: string;
  media: SimulatedMedia;
  divisionId: string;
  /** Median queue wait (ms); actual waits vary log-normally around it. */
  waitMedianMs: number;
  /** Routing skills the queue requests (`requestedRoutingSkillIds`); empty for most queues. */
  skillIds: readonly string[];
  /** Requested language (`requestedLanguageId`), when the queue routes by language. */
  languageId?: string;
  /** Agents who are members of the queue. */
  agentIds: readonly string[];
  /** Email address of an email queue, or the org's address the customer wrote to. */
  address?: string;
  /** Voice transcription is enabled on the queue (Genesys enables it per queue or flow): its calls get transcription events. */
  transcription?: boolean;
}

/** A presence definition of the org (Genesys has one per system presence, and orgs add their own). */
export interface PresenceDefinition {
  id: string;
  /** The system presence it belongs to, e.g. `ON_QUEUE`, `BREAK`. */
  systemPresence: string;
  /** Its label, as audits show it (`oldValues`/`newValues` of a `PRESENCE` change). */
  label: string;
}

/** An administrator: the user behind configuration changes (audits). */
export interface Admin {
  id: string;
  name: string;
}

/** An agent (a Genesys user). */
export interface Agent {
  id: string;
  name: string;
  divisionId: string;
  queueIds: readonly string[];
}

/** An Architect flow. */
export interface Flow {
  id: string;
  name: string;
  /** Genesys `flowType`, e.g. `INBOUNDCALL`. */
  flowType: string;
  /** Published version, e.g. `"14.0"`. */
  version: string;
  divisionId: string;
  media: SimulatedMedia;
}

/** A flow outcome (a KPI an Architect flow reports, e.g. caller authenticated). */
export interface FlowOutcome {
  id: string;
  name: string;
}

/** A wrap-up code. */
interface WrapupCode {
  id: string;
  name: string;
}

/** An outbound dialing campaign. */
export interface Campaign {
  id: string;
  name: string;
  contactListId: string;
  queueId: string;
  divisionId: string;
  /** The caller id the dialer presents (`ani` of the outbound calls). */
  callerId: string;
}

/** The whole simulated organisation. */
export interface Catalogue {
  divisions: readonly Division[];
  queues: readonly Queue[];
  agents: readonly Agent[];
  flows: readonly Flow[];
  flowOutcomes: readonly FlowOutcome[];
  /** Milestone ids an IVR flow records on its way. */
  flowMilestoneIds: readonly string[];
  wrapupCodes: readonly WrapupCode[];
  campaigns: readonly Campaign[];
  skills: readonly { id: string; name: string }[];
  languages: readonly { id: string; name: string }[];
  /** External organizations (companies customers belong to) known to the CRM. */
  externalOrganizationIds: readonly string[];
  /** The org's inbound phone numbers (`dnis` of inbound calls), `tel:+1…`. */
  phoneNumbers: readonly string[];
  /** The org's messaging addresses by message type (`addressTo` of inbound messages). */
  messagingAddresses: Readonly<Record<'SMS' | 'WHATSAPP' | 'FACEBOOK' | 'WEBMESSAGING', string>>;
  /** Queues by media, in catalogue order (the first queues receive the most traffic). */
  queuesByMedia: Readonly<Record<SimulatedMedia, readonly Queue[]>>;
  /** Lookups by id. */
  queueById: ReadonlyMap<string, Queue>;
  agentById: ReadonlyMap<string, Agent>;
  /** The presence definitions agents move through, by system presence. */
  presenceDefinitions: Readonly<Record<'AVAILABLE' | 'ON_QUEUE' | 'BREAK' | 'MEAL' | 'OFFLINE', PresenceDefinition>>;
  /** The administrators whose configuration changes produce audits. */
  admins: readonly Admin[];
}

/** The system wrap-up code Genesys applies when after-call work times out. */
export const WRAPUP_TIMEOUT_CODE = 'ININ-WRAP-UP-TIMEOUT';

const CATALOGUE_SEED = 0x47454e31; // "GEN1"

const QUEUE_TOPICS: Readonly<Record<SimulatedMedia, readonly string[]>> = {
  voice: [
    'Billing',
    'Technical Support',
    'Sales',
    'Account Services',
    'Fraud and Disputes',
    'Outbound Campaigns',
    'Premier Line',
    'Premier Escalations',
  ],
  callback: [
    'Billing',
    'Technical Support',
    'Sales',
    'Account Services',
    'Claims',
    'Collections',
    'Premier Line',
    'Premier Escalations',
  ],
  chat: [
    'Billing',
    'Technical Support',
    'Sales',
    'Orders',
    'Returns',
    'Accessibility',
    'Premier Concierge',
    'Premier Escalations',
  ],
  message: [
    'Billing',
    'Technical Support',
    'Sales',
    'Orders',
    'Delivery',
    'Social Care',
    'Premier Concierge',
    'Premier Escalations',
  ],
  email: [
    'Billing',
    'Technical Support',
    'Sales',
    'Orders',
    'Complaints',
    'Documents',
    'Premier Concierge',
    'Premier Escalations',
  ],
};

const MEDIA_LABEL: Readonly<Record<SimulatedMedia, string>> = {
  voice: 'Voice',
  callback: 'Callback',
  chat: 'Chat',
  message: 'Messaging',
  email: 'Email',
};

const FIRST_NAMES = [
  'Amara',
  'Ben',
  'Chloe',
  'Dev',
  'Elena',
  'Farid',
  'Grace',
  'Hiro',
  'Ines',
  'Jonas',
  'Keira',
  'Luis',
  'Maya',
  'Nikhil',
  'Olga',
  'Pavel',
  'Quinn',
  'Rosa',
  'Sami',
  'Tara',
  'Uma',
  'Victor',
  'Wen',
  'Ximena',
  'Yusuf',
  'Zoe',
];
const LAST_NAMES = [
  'Adeyemi',
  'Brennan',
  'Castillo',
  'Dubois',
  'Eriksen',
  'Fischer',
  'Gupta',
  'Hansen',
  'Ivanova',
  'Jensen',
  'Kowalski',
  'Lindqvist',
  'Moreau',
  'Nakamura',
  'Okafor',
  'Petrov',
  'Quispe',
  'Rossi',
  'Schmidt',
  'Tanaka',
  'Umar',
  'Varga',
  'Walsh',
  'Yilmaz',
];

let cached: Catalogue | undefined;

/**
 * The simulated organisation (built once, then shared; treat it as read-only).
 *
 * @example
 * const { queues, agents } = simulationCatalogue();
 * queues.length; // 40
 * agents.length; // 60
 */
export function simulationCatalogue(): Catalogue {
  cached ??= buildCatalogue();
  return cached;
}

function buildCatalogue(): Catalogue {
  const rng = new Prng(CATALOGUE_SEED);
  const divisions: Division[] = [
    { id: rng.uuid(), name: 'Home' },
    { id: rng.uuid(), name: 'Premier Services' },
  ];
  const [home, premier] = divisions as [Division, Division];

  // 60 agents: 45 in Home, 15 in Premier Services.
  const agentDrafts = Array.from({ length: 60 }, (_, i) => ({
    id: rng.uuid(),
    name: `${FIRST_NAMES[i % FIRST_NAMES.length]} ${LAST_NAMES[(i * 7) % LAST_NAMES.length]}`,
    divisionId: i < 45 ? home.id : premier.id,
    queueIds: [] as string[],
  }));

  const skills = ['Mortgages', 'Cards', 'Fraud', 'Broadband', 'Mobile', 'Spanish speaking'].map((name) => ({
    id: rng.uuid(),
    name,
  }));
  const languages = ['English', 'Spanish', 'French'].map((name) => ({ id: rng.uuid(), name }));

  const queues: Queue[] = [];
  const queuesByMedia = {} as Record<SimulatedMedia, Queue[]>;
  for (const media of SIMULATED_MEDIA) {
    const [low, high] = MEDIA_PROFILES[media].queueWaitMedianRange;
    queuesByMedia[media] = QUEUE_TOPICS[media].map((topic, index) => {
      const premierQueue = index >= 6;
      const divisionId = premierQueue ? premier.id : home.id;
      const pool = agentDrafts.filter((a) => a.divisionId === divisionId);
      const members = new Set<string>();
      const size = premierQueue ? rng.between(5, 8) : rng.between(7, 12);
      while (members.size < size) members.add(rng.pick(pool).id);
      const queue: Queue = {
        id: rng.uuid(),
        name: `${MEDIA_LABEL[media]} - ${topic}`,
        media,
        divisionId,
        // Log-uniform between low and high: a few fast queues, a few slow ones.
        waitMedianMs: Math.round(low * Math.pow(high / low, rng.float())),
        skillIds: index === 1 || index === 4 ? [rng.pick(skills).id] : [],
        ...(index === 7 ? { languageId: languages[0]!.id } : {}),
        agentIds: [...members],
        ...(media === 'email'
          ? { address: `${topic.toLowerCase().replace(/[^a-z]+/g, '-')}@support.example.com` }
          : {}),
        ...(media === 'voice' && index === 1 ? { transcription: true } : {}),
      };
      for (const id of members) agentDrafts.find((a) => a.id === id)!.queueIds.push(queue.id);
      queues.push(queue);
      return queue;
    });
  }
  // Every agent works at least one queue of their division.
  for (const agent of agentDrafts) {
    if (agent.queueIds.length > 0) continue;
    const candidates = queues.filter((q) => q.divisionId === agent.divisionId);
    const queue = rng.pick(candidates);
    (queue.agentIds as string[]).push(agent.id);
    agent.queueIds.push(queue.id);
  }

  const flowDrafts: Omit<Flow, 'id' | 'version'>[] = [
    { name: 'Main IVR', flowType: 'INBOUNDCALL', media: 'voice', divisionId: home.id },
    { name: 'Premier IVR', flowType: 'INBOUNDCALL', media: 'voice', divisionId: premier.id },
    { name: 'Web Chat Routing', flowType: 'INBOUNDCHAT', media: 'chat', divisionId: home.id },
    { name: 'Premier Chat Routing', flowType: 'INBOUNDCHAT', media: 'chat', divisionId: premier.id },
    { name: 'Messaging Bot and Routing', flowType: 'INBOUNDSHORTMESSAGE', media: 'message', divisionId: home.id },
    { name: 'Premier Messaging Routing', flowType: 'INBOUNDSHORTMESSAGE', media: 'message', divisionId: premier.id },
    { name: 'Email Routing', flowType: 'INBOUNDEMAIL', media: 'email', divisionId: home.id },
    { name: 'Premier Email Routing', flowType: 'INBOUNDEMAIL', media: 'email', divisionId: premier.id },
  ];
  const flows: Flow[] = flowDrafts.map((f) => ({ ...f, id: rng.uuid(), version: `${rng.between(3, 48)}.0` }));

  const flowOutcomes = ['Caller Authenticated', 'Intent Identified', 'Balance Self-Service'].map((name) => ({
    id: rng.uuid(),
    name,
  }));
  const flowMilestoneIds = Array.from({ length: 4 }, () => rng.uuid());

  const wrapupCodes = [
    'Resolved',
    'Follow-up Required',
    'Escalated',
    'Sale Completed',
    'Billing Adjustment',
    'Information Provided',
    'Complaint Logged',
    'Transferred',
    'Customer Not Reached',
    'Wrong Number',
  ].map((name) => ({ id: rng.uuid(), name }));

  const phoneNumbers = Array.from({ length: 4 }, (_, i) => `tel:+1800555${String(100 + i * 11).padStart(4, '0')}`);
  const outboundQueue = queuesByMedia.voice[5]!;
  const campaigns: Campaign[] = ['Renewals Q1', 'Collections Early Stage', 'Welcome Calls'].map((name, i) => ({
    id: rng.uuid(),
    name,
    contactListId: rng.uuid(),
    queueId: outboundQueue.id,
    divisionId: outboundQueue.divisionId,
    callerId: phoneNumbers[i % phoneNumbers.length]!,
  }));

  const externalOrganizationIds = Array.from({ length: 25 }, () => rng.uuid());
  const messagingAddresses = {
    SMS: '+18005550177',
    WHATSAPP: '+18005550188',
    FACEBOOK: rng.digits(15),
    WEBMESSAGING: rng.uuid(),
  };
  // Drawn after everything above, so that adding them changed no earlier id.
  const presence = (systemPresence: string, label: string): PresenceDefinition => ({
    id: rng.uuid(),
    systemPresence,
    label,
  });
  const presenceDefinitions = {
    AVAILABLE: presence('AVAILABLE', 'Available'),
    ON_QUEUE: presence('ON_QUEUE', 'On Queue'),
    BREAK: presence('BREAK', 'Break'),
    MEAL: presence('MEAL', 'Meal'),
    OFFLINE: presence('OFFLINE', 'Offline'),
  };
  const admins = ['Alex Admin', 'Sam Supervisor'].map((name) => ({ id: rng.uuid(), name }));

  const catalogue: Catalogue = {
    divisions,
    queues,
    agents: agentDrafts,
    flows,
    flowOutcomes,
    flowMilestoneIds,
    wrapupCodes,
    campaigns,
    skills,
    languages,
    externalOrganizationIds,
    phoneNumbers,
    messagingAddresses,
    queuesByMedia,
    queueById: new Map(queues.map((q) => [q.id, q])),
    agentById: new Map(agentDrafts.map((a) => [a.id, a])),
    presenceDefinitions,
    admins,
  };
  return deepFreeze(catalogue);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !(value instanceof Map) && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const member of Object.values(value)) deepFreeze(member);
  }
  return value;
}
