/**
 * The errors of the CDK construct. Synth-time checks collect every problem they find and throw
 * them together, so one `cdk synth` shows everything to fix.
 */

/**
 * A configuration that cannot be deployed as given. `problems` lists every problem found, each
 * saying what is wrong, where (the prop or context key) and how to fix it.
 */
export class PipelineConfigError extends Error {
  override readonly name = 'PipelineConfigError';
  constructor(readonly problems: readonly string[]) {
    super(
      `GenesysEventPipeline: ${problems.length} configuration problem${problems.length === 1 ? '' : 's'}:\n` +
        problems.map((p) => `  - ${p}`).join('\n'),
    );
  }
}
