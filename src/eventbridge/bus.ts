/**
 * One event bus: its rules (name, event pattern, state) and each rule's targets (at most 5),
 * with an {@link EventPatternIndex} so that an event is matched against all enabled rules of
 * the bus at once. Pure in-memory configuration; the durable parts live in `LocalEventBridge`.
 */
import type { DurableQueue } from '../queue/index.js';
import { EventBusLimitExceededException, EventBusResourceNotFoundException } from './errors.js';
import { eventBusArn, ruleArn } from './bus-event.js';
import type { EventBridgeEvent } from './bus-event.js';
import { resolveRetryPolicy } from './bus-retry-policy.js';
import type { ResolvedRetryPolicy, RetryPolicy } from './bus-retry-policy.js';
import { EventBridgeValidationException } from './errors.js';
import { compileEventPattern, EventPatternIndex } from './pattern.js';
import { validateTargetInput } from './transform.js';
import type { TargetInput } from './transform.js';
import type { BusTarget } from './targets.js';

/** EventBridge's limit on targets per rule. */
export const MAX_TARGETS_PER_RULE = 5;

/** Rule and target names: 1–64 letters, digits, `.`, `-`, `_`. */
const NAME_PATTERN = /^[.\-_A-Za-z0-9]{1,64}$/;

/** A rule's state: only ENABLED rules match events. */
export type RuleState = 'ENABLED' | 'DISABLED';

/** Input of `putRule` (EventBridge `PutRule`, event-pattern rules). */
export interface PutRuleInput {
  Name: string;
  /** Bus name or ARN; default `default`. */
  EventBusName?: string;
  /** The event pattern, as JSON text or an object. */
  EventPattern: string | object;
  /** Default ENABLED. */
  State?: RuleState;
  Description?: string;
}

/** Where a target's undeliverable events go: a durable queue (EventBridge: an SQS queue ARN). */
export interface DeadLetterConfig {
  queue: DurableQueue;
}

/** A target of a rule (EventBridge `Target`), with the adapter that delivers to it. */
export interface RuleTarget extends TargetInput {
  /** Unique within the rule: 1–64 letters, digits, `.`, `-`, `_`. */
  Id: string;
  /** The adapter that receives deliveries (see `functionTarget`, `durableQueueTarget`). */
  target: BusTarget;
  RetryPolicy?: RetryPolicy;
  DeadLetterConfig?: DeadLetterConfig;
}

/** A target as the bus keeps it: validated, defaults filled in. */
export interface ResolvedRuleTarget {
  id: string;
  target: BusTarget;
  /** The target's `Input`, `InputPath` or `InputTransformer` (empty: the whole event). */
  input: TargetInput;
  /** False when the target receives the event unchanged. */
  transformsInput: boolean;
  retryPolicy: ResolvedRetryPolicy;
  deadLetterQueue?: DurableQueue;
}

/** A rule of a bus. */
export interface Rule {
  name: string;
  arn: string;
  busName: string;
  eventPattern: string | object;
  state: RuleState;
  description?: string;
  targets: ResolvedRuleTarget[];
}

/**
 * One event bus and its rules.
 *
 * @example
 * const bus = new EventBus('default', 'us-east-1', '000000000000');
 * bus.putRule({ Name: 'all-genesys', EventPattern: { source: [{ prefix: 'aws.partner/genesys.com/' }] } });
 * bus.putTargets('all-genesys', [{ Id: 'log', target: functionTarget('arn:…', console.log) }]);
 * bus.match(event); // → [rule]
 */
export class EventBus {
  readonly arn: string;
  private readonly rules = new Map<string, Rule>();
  private readonly index = new EventPatternIndex<Rule>();

  constructor(
    /** The bus name (`default`, a custom name, or a partner event source name). */
    readonly name: string,
    private readonly region: string,
    private readonly account: string,
    /** For a partner event bus: the partner event source it receives from. */
    readonly eventSourceName?: string,
  ) {
    this.arn = eventBusArn(region, account, name);
  }

  /**
   * Creates a rule, or replaces the pattern, state and description of an existing one (its
   * targets stay), as `PutRule` does. Throws `InvalidEventPatternException` for a bad pattern.
   */
  putRule(input: PutRuleInput): Rule {
    if (typeof input?.Name !== 'string' || !NAME_PATTERN.test(input.Name)) {
      throw new EventBridgeValidationException(
        `Rule name ${JSON.stringify(input?.Name)} is invalid: use 1–64 letters, digits, periods, hyphens or underscores.`,
      );
    }
    const state = input.State ?? 'ENABLED';
    if (state !== 'ENABLED' && state !== 'DISABLED') {
      throw new EventBridgeValidationException(
        `Rule ${input.Name}: State must be ENABLED or DISABLED; got ${JSON.stringify(state)}.`,
      );
    }
    compileEventPattern(input.EventPattern); // validates (throws InvalidEventPatternException)
    const existing = this.rules.get(input.Name);
    const rule: Rule = {
      name: input.Name,
      arn: ruleArn(this.region, this.account, this.name, input.Name),
      busName: this.name,
      eventPattern: input.EventPattern,
      state,
      targets: existing?.targets ?? [],
    };
    if (input.Description !== undefined) rule.description = input.Description;
    this.index.remove(rule.name);
    this.rules.set(rule.name, rule);
    if (state === 'ENABLED') this.index.add(rule.name, rule.eventPattern, rule);
    return rule;
  }

  /** Deletes a rule. As in EventBridge, a rule that still has targets cannot be deleted. */
  deleteRule(name: string): void {
    const rule = this.requireRule(name);
    if (rule.targets.length > 0) {
      throw new EventBridgeValidationException(
        `Rule ${name} can't be deleted since it has targets. Remove its targets first (removeTargets).`,
      );
    }
    this.index.remove(name);
    this.rules.delete(name);
  }

  /**
   * Adds targets to a rule, or replaces targets with the same `Id` (`PutTargets`). Validates
   * each target's input settings and retry policy; fails with `LimitExceededException` when the
   * rule would have more than {@link MAX_TARGETS_PER_RULE} targets. All or nothing.
   */
  putTargets(ruleName: string, targets: readonly RuleTarget[]): void {
    const rule = this.requireRule(ruleName);
    const next = [...rule.targets];
    for (const t of targets) {
      const resolved = this.resolveTarget(rule.name, t);
      const at = next.findIndex((x) => x.id === resolved.id);
      if (at >= 0) next[at] = resolved;
      else next.push(resolved);
    }
    if (next.length > MAX_TARGETS_PER_RULE) {
      throw new EventBusLimitExceededException(
        `Rule ${rule.name} would have ${next.length} targets; EventBridge allows at most ${MAX_TARGETS_PER_RULE} per rule. Remove targets (removeTargets) or add another rule with the same pattern.`,
      );
    }
    rule.targets = next;
  }

  /** Removes targets by id; returns the ids that the rule did not have. */
  removeTargets(ruleName: string, ids: readonly string[]): string[] {
    const rule = this.requireRule(ruleName);
    const missing = ids.filter((id) => !rule.targets.some((t) => t.id === id));
    rule.targets = rule.targets.filter((t) => !ids.includes(t.id));
    return missing;
  }

  private resolveTarget(ruleName: string, t: RuleTarget): ResolvedRuleTarget {
    if (typeof t?.Id !== 'string' || !NAME_PATTERN.test(t.Id)) {
      throw new EventBridgeValidationException(
        `Target Id ${JSON.stringify(t?.Id)} of rule ${ruleName} is invalid: use 1–64 letters, digits, periods, hyphens or underscores.`,
      );
    }
    if (!t.target || typeof t.target.deliver !== 'function' || typeof t.target.arn !== 'string') {
      throw new EventBridgeValidationException(
        `Target ${t.Id} of rule ${ruleName} needs a "target" adapter with an arn and a deliver(body, event) method (see functionTarget, durableQueueTarget).`,
      );
    }
    const input: TargetInput = {};
    if (t.Input !== undefined) input.Input = t.Input;
    if (t.InputPath !== undefined) input.InputPath = t.InputPath;
    if (t.InputTransformer !== undefined) input.InputTransformer = t.InputTransformer;
    validateTargetInput({ Id: t.Id, ...input } as TargetInput);
    const resolved: ResolvedRuleTarget = {
      id: t.Id,
      target: t.target,
      input,
      transformsInput: Object.keys(input).length > 0,
      retryPolicy: resolveRetryPolicy(t.Id, t.RetryPolicy),
    };
    if (t.DeadLetterConfig !== undefined) {
      if (!t.DeadLetterConfig?.queue || typeof t.DeadLetterConfig.queue.send !== 'function') {
        throw new EventBridgeValidationException(
          `DeadLetterConfig of target ${t.Id} needs a durable queue: { queue: store.queue('name') }.`,
        );
      }
      resolved.deadLetterQueue = t.DeadLetterConfig.queue;
    }
    return resolved;
  }

  /** The rule named `name`, or undefined. */
  getRule(name: string): Rule | undefined {
    return this.rules.get(name);
  }

  /** All rules, in creation order. */
  listRules(): Rule[] {
    return [...this.rules.values()];
  }

  /** The enabled rules whose pattern matches `event`. */
  match(event: EventBridgeEvent): Rule[] {
    return this.index.match(event);
  }

  private requireRule(name: string): Rule {
    const rule = this.rules.get(name);
    if (!rule) throw new EventBusResourceNotFoundException(`Rule ${name} does not exist on EventBus ${this.name}.`);
    return rule;
  }
}
