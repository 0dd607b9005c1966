import { PasserineError } from '@passerine/core';
import { type CallSeries, inSpan, type PasserineMetrics, tracingEnabled } from '@passerine/metrics';
import type { CborRpcHandler, ConnectionObserver } from './cbor-rpc/index.ts';

/** Method labels are bounded: a name no method has counts as one label. */
function methodLabel(method: string, known: ReadonlySet<string>): string {
  return known.has(method) ? method : 'unknown';
}

/**
 * The Coordinate handler with its figures (calls by method and outcome, their latency) and, when
 * tracing is on, a span per call that the store's operation and append join.
 */
export function observedHandler(
  handler: CborRpcHandler,
  methods: ReadonlySet<string>,
  metrics: PasserineMetrics,
): CborRpcHandler {
  const series = new Map<string, CallSeries>();
  for (const method of [...methods, 'unknown']) series.set(method, metrics.gatewayCalls.of('cbor', method));
  return async (method, params, context) => {
    const label = methodLabel(method, methods);
    const started = performance.now();
    let outcome = 'ok';
    try {
      if (!tracingEnabled()) return await handler(method, params, context);
      return await inSpan(`cbor-rpc ${label}`, { 'rpc.method': label }, () =>
        handler(method, params, context),
      );
    } catch (err) {
      outcome = err instanceof PasserineError ? err.code : 'error';
      throw err;
    } finally {
      series.get(label)!.record(outcome, (performance.now() - started) / 1000);
    }
  };
}

export function connectionFigures(metrics: PasserineMetrics, edge: string): ConnectionObserver {
  return {
    opened() {
      metrics.gatewayConnections.inc({ edge });
      metrics.gatewayConnectionsAccepted.inc({ edge });
    },
    closed: () => metrics.gatewayConnections.dec({ edge }),
    dropped: (reason) => metrics.refusals.inc({ service: 'gateway', reason }),
  };
}
