/**
 * Typed errors of the dashboard: files it cannot find.
 */

/** Base class: anything the dashboard module throws on purpose. */
export class DashboardError extends Error {
  override readonly name: string = 'DashboardError';
}

/** Thrown when the dashboard's files cannot be found (a broken install or build). */
export class DashboardAssetsError extends DashboardError {
  override readonly name = 'DashboardAssetsError';
}
