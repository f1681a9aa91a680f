/**
 * Polyfills the local executor needs on Node.js 20.
 *
 * `aws-local-stepfunctions` v3 calls `Promise.withResolvers()` (Node.js ≥ 22) in every Task
 * state. On Node.js 20 that call throws a `TypeError` inside the task, which a `Catch` on
 * `States.ALL` then swallows: every task "fails" without a word. Import this module before the
 * library (the executor does) — it only adds the method where it is missing.
 */

interface Resolvers<T> {
  promise: Promise<T>;
  resolve: (value: T | PromiseLike<T>) => void;
  reject: (reason?: unknown) => void;
}

type PromiseWithResolvers = PromiseConstructor & { withResolvers?: <T>() => Resolvers<T> };

const PromiseCtor = Promise as PromiseWithResolvers;

if (typeof PromiseCtor.withResolvers !== 'function') {
  Object.defineProperty(Promise, 'withResolvers', {
    configurable: true,
    writable: true,
    enumerable: false,
    value: function withResolvers<T>(this: PromiseConstructor): Resolvers<T> {
      let resolve!: Resolvers<T>['resolve'];
      let reject!: Resolvers<T>['reject'];
      const promise = new this<T>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      return { promise, resolve, reject };
    },
  });
}
