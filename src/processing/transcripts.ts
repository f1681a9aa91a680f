/**
 * The transcript projection: per conversation, its utterances in the order they were spoken,
 * whatever order the transcription events arrive in.
 *
 * Each transcription event carries one or more results (`transcripts[]`); each result is one
 * utterance (`utteranceId`), heard on a channel (`EXTERNAL`: the customer, `INTERNAL`: the
 * agent), with alternatives — the first is the engine's best, and is what the projection keeps.
 * An utterance may be reported more than once (an interim result, then the final one): the
 * projection keeps, per utterance id, the report of highest {@link utteranceRank} — final before
 * interim, then the later event, then the larger event key — a total order, so the outcome does not
 * depend on arrival order. Utterances are ordered by when they started: `sessionStartTimeMs +
 * offsetMs` (the offset counts from the start of the transcribed session; `transcriptionStartTimeMs`
 * stands in when the session start is absent), then by utterance id.
 */
import type { TranscriptionEvent } from '../events/index.js';

/** One utterance of a conversation's transcript. Optional fields are absent when not reported. */
export interface Utterance {
  conversationId: string;
  utteranceId: string;
  communicationId?: string;
  /** `EXTERNAL` (customer) or `INTERNAL` (agent); other values are kept as sent. */
  channel?: string;
  isFinal: boolean;
  /** When it started, epoch ms (see the module comment); absent when neither session start nor offset is known. */
  startMs?: number;
  /** Offset from the start of the transcribed session, ms. */
  offsetMs?: number;
  durationMs?: number;
  /** The best alternative's confidence, 0–1. */
  confidence?: number;
  /** The best alternative's text (`decoratedTranscript` is in the event body). */
  transcript: string;
  engineProvider?: string;
  dialect?: string;
  /** The reporting event's time (epoch ms) and key. */
  time: number;
  key: string;
}

/**
 * The rank that decides between two reports of one utterance: the higher wins. A string that
 * sorts as (final, event time, event key).
 */
export function utteranceRank(utterance: Pick<Utterance, 'isFinal' | 'time' | 'key'>): string {
  return `${utterance.isFinal ? 1 : 0}#${String(Math.max(0, Math.floor(utterance.time))).padStart(15, '0')}#${utterance.key}`;
}

/**
 * The utterances a transcription event reports (results without alternatives are left out; a
 * result without an utterance id gets `<event key>#<index>`).
 */
export function utterancesOf(event: TranscriptionEvent): Utterance[] {
  const b = event.body;
  const base = b.sessionStartTimeMs ?? b.transcriptionStartTimeMs;
  const utterances: Utterance[] = [];
  (b.transcripts ?? []).forEach((result, index) => {
    const best = result.alternatives?.[0];
    if (!best) return;
    const utterance: Utterance = {
      conversationId: event.conversationId,
      utteranceId: result.utteranceId || `${event.key}#${index}`,
      isFinal: result.isFinal !== false,
      transcript: best.transcript ?? '',
      time: event.time,
      key: event.key,
    };
    if (b.communicationId) utterance.communicationId = b.communicationId;
    if (result.channel) utterance.channel = result.channel;
    if (best.offsetMs !== undefined) {
      utterance.offsetMs = best.offsetMs;
      if (base !== undefined) utterance.startMs = base + best.offsetMs;
    }
    if (best.durationMs !== undefined) utterance.durationMs = best.durationMs;
    if (best.confidence !== undefined) utterance.confidence = best.confidence;
    if (result.engineProvider) utterance.engineProvider = result.engineProvider;
    if (result.dialect) utterance.dialect = result.dialect;
    utterances.push(utterance);
  });
  return utterances;
}

/** The order of a transcript: by start (unknown starts last), then offset, then utterance id. */
export function compareUtterances(a: Utterance, b: Utterance): number {
  const sa = a.startMs ?? Number.POSITIVE_INFINITY;
  const sb = b.startMs ?? Number.POSITIVE_INFINITY;
  if (sa !== sb) return sa < sb ? -1 : 1;
  const oa = a.offsetMs ?? Number.POSITIVE_INFINITY;
  const ob = b.offsetMs ?? Number.POSITIVE_INFINITY;
  if (oa !== ob) return oa < ob ? -1 : 1;
  return a.utteranceId < b.utteranceId ? -1 : a.utteranceId > b.utteranceId ? 1 : 0;
}

/** A conversation's transcript. */
export interface Transcript {
  conversationId: string;
  utterances: Utterance[];
}

/**
 * Folds reports of utterances (any order, duplicates allowed) into the transcript: per utterance
 * id the highest-ranked report, in spoken order.
 */
export function projectTranscript(conversationId: string, reports: Iterable<Utterance>): Transcript {
  const best = new Map<string, { rank: string; utterance: Utterance }>();
  for (const utterance of reports) {
    const rank = utteranceRank(utterance);
    const current = best.get(utterance.utteranceId);
    if (!current || rank > current.rank) best.set(utterance.utteranceId, { rank, utterance });
  }
  return { conversationId, utterances: [...best.values()].map((b) => b.utterance).sort(compareUtterances) };
}
