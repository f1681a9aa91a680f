/**
 * How long each phase of a conversation lasts and how it tends to end, per media type: the
 * simulator's behavioural model of a contact centre. Durations are in milliseconds and drawn
 * log-normally (`median`, shape `sigma`), then clamped to [`min`, `max`]: handling times in contact
 * centres are right-skewed — most calls are a few minutes, a few take an hour.
 *
 * The figures are plausible industry orders of magnitude, not measurements of any one centre.
 */
import type { MediaType } from '../events/index.js';
import type { Prng } from './prng.js';

/** The five media the simulator produces. */
export const SIMULATED_MEDIA = ['voice', 'callback', 'chat', 'message', 'email'] as const;

/** One of the five simulated media. */
export type SimulatedMedia = (typeof SIMULATED_MEDIA)[number];

/** A log-normal duration: median and σ of its logarithm, clamped to [min, max] (all ms). */
interface DurationModel {
  median: number;
  sigma: number;
  min: number;
  max: number;
}

/** Draws a duration in whole milliseconds from a {@link DurationModel}. */
export function drawDuration(rng: Prng, model: DurationModel): number {
  const value = rng.lognormal(model.median, model.sigma);
  return Math.round(Math.min(model.max, Math.max(model.min, value)));
}

/** The behaviour of one media type. */
export interface MediaProfile {
  /** Genesys `mediaType`. */
  mediaType: MediaType;
  /** Genesys `provider` of the customer's communication. */
  provider: string;
  /** Architect inbound flow (IVR, bot or routing flow) before the queue; absent: no flow. */
  flow?: DurationModel;
  /** Range of the per-queue median wait [low, high] (each queue draws its median once). */
  queueWaitMedianRange: readonly [number, number];
  /** σ of the queue wait around the queue's median. */
  queueWaitSigma: number;
  /** Longest wait before the interaction is answered anyway. */
  maxQueueWait: number;
  /** How long a customer is willing to wait; absent: customers of this media do not abandon. */
  patience?: DurationModel;
  /** Alerting time of the agent before answering [min, max]. */
  alerting: readonly [number, number];
  /** Time the agent is connected to the customer, hold included. */
  handle: DurationModel;
  /** Probability that the agent puts the customer on hold at least once. */
  holdProbability: number;
  /** Total hold time when there is hold (capped at half the handle time). */
  hold: DurationModel;
  /** After-call work. */
  acw: DurationModel;
  /** ACW is cut at this length and the system wrap-up code `ININ-WRAP-UP-TIMEOUT` applies. */
  acwTimeout: number;
  /** Probability that an answered interaction is transferred to another queue. */
  transferProbability: number;
  /** Probability that the agent (not the customer) ends the interaction. */
  agentDisconnects: number;
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** The behaviour of each simulated media type. */
export const MEDIA_PROFILES: Readonly<Record<SimulatedMedia, MediaProfile>> = {
  voice: {
    mediaType: 'VOICE',
    provider: 'Edge',
    flow: { median: 25 * SECOND, sigma: 0.6, min: 3 * SECOND, max: 3 * MINUTE },
    queueWaitMedianRange: [10 * SECOND, 90 * SECOND],
    queueWaitSigma: 0.9,
    maxQueueWait: 30 * MINUTE,
    patience: { median: 150 * SECOND, sigma: 0.9, min: 5 * SECOND, max: 30 * MINUTE },
    alerting: [2 * SECOND, 12 * SECOND],
    handle: { median: 270 * SECOND, sigma: 0.7, min: 20 * SECOND, max: HOUR },
    holdProbability: 0.25,
    hold: { median: 45 * SECOND, sigma: 0.8, min: 5 * SECOND, max: 15 * MINUTE },
    acw: { median: 30 * SECOND, sigma: 0.7, min: 3 * SECOND, max: 10 * MINUTE },
    acwTimeout: 3 * MINUTE,
    transferProbability: 0.08,
    agentDisconnects: 0.4,
  },
  callback: {
    mediaType: 'CALLBACK',
    provider: 'PureCloud Callback',
    queueWaitMedianRange: [60 * SECOND, 10 * MINUTE],
    queueWaitSigma: 0.8,
    maxQueueWait: 2 * HOUR,
    alerting: [2 * SECOND, 10 * SECOND],
    handle: { median: 240 * SECOND, sigma: 0.7, min: 20 * SECOND, max: HOUR },
    holdProbability: 0.15,
    hold: { median: 40 * SECOND, sigma: 0.8, min: 5 * SECOND, max: 10 * MINUTE },
    acw: { median: 30 * SECOND, sigma: 0.7, min: 3 * SECOND, max: 10 * MINUTE },
    acwTimeout: 3 * MINUTE,
    transferProbability: 0.03,
    agentDisconnects: 0.5,
  },
  chat: {
    mediaType: 'CHAT',
    provider: 'PureCloud Webchat v2',
    flow: { median: 3 * SECOND, sigma: 0.5, min: 500, max: 30 * SECOND },
    queueWaitMedianRange: [15 * SECOND, 2 * MINUTE],
    queueWaitSigma: 0.9,
    maxQueueWait: 30 * MINUTE,
    patience: { median: 4 * MINUTE, sigma: 0.8, min: 10 * SECOND, max: 30 * MINUTE },
    alerting: [1 * SECOND, 8 * SECOND],
    handle: { median: 9 * MINUTE, sigma: 0.6, min: MINUTE, max: HOUR },
    holdProbability: 0,
    hold: { median: 0, sigma: 0, min: 0, max: 0 },
    acw: { median: 20 * SECOND, sigma: 0.6, min: 2 * SECOND, max: 5 * MINUTE },
    acwTimeout: 2 * MINUTE,
    transferProbability: 0.06,
    agentDisconnects: 0.7,
  },
  message: {
    mediaType: 'MESSAGE',
    provider: 'PureCloud Messaging',
    flow: { median: 2 * SECOND, sigma: 0.5, min: 300, max: 20 * SECOND },
    queueWaitMedianRange: [MINUTE, 15 * MINUTE],
    queueWaitSigma: 1.0,
    maxQueueWait: 4 * HOUR,
    patience: { median: 45 * MINUTE, sigma: 1.0, min: MINUTE, max: 4 * HOUR },
    alerting: [1 * SECOND, 8 * SECOND],
    handle: { median: 12 * MINUTE, sigma: 0.8, min: MINUTE, max: 4 * HOUR },
    holdProbability: 0,
    hold: { median: 0, sigma: 0, min: 0, max: 0 },
    acw: { median: 20 * SECOND, sigma: 0.6, min: 2 * SECOND, max: 5 * MINUTE },
    acwTimeout: 2 * MINUTE,
    transferProbability: 0.05,
    agentDisconnects: 0.8,
  },
  email: {
    mediaType: 'EMAIL',
    provider: 'PureCloud Email',
    flow: { median: 1500, sigma: 0.4, min: 300, max: 10 * SECOND },
    queueWaitMedianRange: [10 * MINUTE, HOUR],
    queueWaitSigma: 0.8,
    maxQueueWait: 4 * HOUR,
    alerting: [1 * SECOND, 15 * SECOND],
    handle: { median: 6 * MINUTE, sigma: 0.6, min: 30 * SECOND, max: HOUR },
    holdProbability: 0,
    hold: { median: 0, sigma: 0, min: 0, max: 0 },
    acw: { median: 25 * SECOND, sigma: 0.6, min: 2 * SECOND, max: 5 * MINUTE },
    acwTimeout: 2 * MINUTE,
    transferProbability: 0.04,
    agentDisconnects: 0.95,
  },
};

/** Scenario shares and behaviour that are not a duration. */
export const BEHAVIOUR = {
  /** Share of voice conversations that are outbound campaign calls. */
  outboundShareOfVoice: 0.12,
  /** Share of voice conversations that are calls to an agent's direct line that go to the agent's voicemail. */
  directVoicemailShareOfVoice: 0.02,
  /** Share of inbound voice calls that end in the IVR (self-service). */
  ivrSelfService: 0.08,
  /** Share of inbound voice calls with a flow outcome (e.g. caller authentication) in the IVR. */
  ivrFlowOutcome: 0.6,
  /** When a voice caller gives up waiting: share sent by the in-queue flow to the queue's voicemail (FLOW_OUT) rather than hanging up (ABANDON). */
  voicemailInsteadOfAbandon: 0.3,
  /** Voicemail message length. */
  voicemail: { median: 35 * SECOND, sigma: 0.5, min: 5 * SECOND, max: 3 * MINUTE } satisfies DurationModel,
  /** Share of conversations whose customer is identified as an external contact (`contact` event). */
  externalContact: 0.45,
  /** Share of answered interactions where the agent's script updates participant data (`attributes`). */
  agentAttributes: 0.3,
  /** Share of callbacks that are scheduled for later, and how far ahead [min, max]. */
  scheduledCallback: 0.3,
  scheduledCallbackAhead: [15 * MINUTE, 2 * HOUR] as const,
  /** Share of callbacks cancelled in queue (acdOutcome ABANDON). */
  callbackCancelled: 0.03,
  /** Share of callbacks where the agent dials but does not reach the customer. */
  callbackNotReached: 0.2,
  /** Agent dialing and ringing time of a callback [min, max]. */
  callbackDialing: [2 * SECOND, 6 * SECOND] as const,
  callbackRinging: [5 * SECOND, 25 * SECOND] as const,
  /** Outbound campaign calls: ringing time, share answered by a person, share of the rest answered by a machine. */
  outboundRinging: [5 * SECOND, 25 * SECOND] as const,
  outboundConnected: 0.62,
  outboundMachine: 0.35,
  /** Outbound: wait for a free agent after the person answers [min, max], and the share abandoned by the dialer. */
  outboundQueueWait: [500, 4 * SECOND] as const,
  outboundDialerAbandon: 0.03,
  outboundHandle: { median: 3 * MINUTE, sigma: 0.7, min: 15 * SECOND, max: 40 * MINUTE } satisfies DurationModel,
  /** Agents: chance of asking for a break after an interaction, at least this long after the last one ended. */
  breakChancePerInteraction: 0.03,
  breakCooldownMs: 15 * MINUTE,
  /** At most this share of the agents on a break (or waiting to start one) at once. */
  maxShareOnBreak: 0.15,
  breakDuration: { median: 5 * MINUTE, sigma: 0.4, min: MINUTE, max: 20 * MINUTE } satisfies DurationModel,
  /** Configuration changes by administrators (audits): mean time between two, simulated time. */
  configChangeMeanGapMs: 20 * SECOND,
  /** Transcription: the pause between two utterances [min, max], and an utterance's length. */
  utteranceGap: [300, 2500] as const,
  utterance: { median: 4 * SECOND, sigma: 0.5, min: 800, max: 15 * SECOND } satisfies DurationModel,
  /** Transcription: how long after an utterance ends its event is published [min, max]. */
  transcriptionDelay: [800, 3500] as const,
} as const;
