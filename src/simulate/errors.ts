/**
 * Typed errors of the event simulator: options it cannot simulate, an endpoint it cannot send to.
 */

/** Base class: anything the simulator throws on purpose. */
export class SimulatorError extends Error {
  override readonly name: string = 'SimulatorError';
}

/** Invalid {@link SimulationOptions}; `problems` lists each one (option name and what is wrong). */
export class SimulationOptionsError extends SimulatorError {
  override readonly name = 'SimulationOptionsError';
  constructor(readonly problems: readonly string[]) {
    super(`Invalid simulation options:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** The endpoint could not be reached at all; nothing more can be sent. */
export class SendError extends SimulatorError {
  override readonly name = 'SendError';
  constructor(
    message: string,
    readonly endpoint: string,
    override readonly cause?: unknown,
  ) {
    super(message);
  }
}
