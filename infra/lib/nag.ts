/**
 * cdk-nag 3 acknowledgments and reports.
 *
 * cdk-nag 3 is a CDK policy-validation plugin (`Validations.of(app).addPlugins(new
 * AwsSolutionsChecks(app))`); a finding is acknowledged with CDK's own
 * `Validations.of(construct).acknowledge({ id, reason })` (cdk-nag 2's `NagSuppressions` no longer
 * exists). Each acknowledgment covers one rule id, or one finding of it
 * (`AwsSolutions-IAM5[Resource::*]`), on the construct and everything below it.
 */
import { Validations } from 'aws-cdk-lib';
import type { PolicyValidationPluginReport } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';

/**
 * Acknowledges a cdk-nag finding on `scope` with the reason it is acceptable. The reason is
 * required and must say why — it is what a reviewer reads.
 *
 * @example
 * acknowledge(role, 'AwsSolutions-IAM5[Resource::*]', 'X-Ray PutTraceSegments has no resource-level permissions; AWS requires "*".');
 */
export function acknowledge(scope: IConstruct, id: string, reason: string): void {
  if (reason.trim().length < 20) throw new Error(`acknowledge(${id}): give a real reason (got "${reason}").`);
  Validations.of(scope).acknowledge({ id, reason });
}

/** One acknowledgment found in a construct tree. */
export interface Acknowledgment {
  /** Path of the construct it is attached to. */
  path: string;
  /** The rule or finding id. */
  id: string;
  /** The reason given. */
  reason: string;
}

/** Every acknowledgment recorded on `scope` and its children. */
export function listAcknowledgments(scope: IConstruct): Acknowledgment[] {
  const found: Acknowledgment[] = [];
  for (const node of scope.node.findAll()) {
    for (const entry of node.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY || !entry.data) continue;
      for (const [key, reason] of Object.entries(entry.data as Record<string, string>)) {
        found.push({ path: node.node.path, id: key.replace(/^annotation::/i, ''), reason });
      }
    }
  }
  return found;
}

/**
 * Runs the AwsSolutions rule pack over `scope` directly and returns its report (the same
 * checks the app's validation plugin runs at synth): unacknowledged findings only.
 */
export function awsSolutionsReport(scope: IConstruct): PolicyValidationPluginReport {
  return new AwsSolutionsChecks(undefined, { verbose: true }).validateScope(scope);
}
