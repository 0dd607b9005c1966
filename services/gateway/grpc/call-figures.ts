import {
  type ServerInterceptingCallInterface,
  ServerInterceptingCall,
  type ServerInterceptor,
  status,
} from '@grpc/grpc-js';
import type { CallSeries, PasserineMetrics } from '@passerine/metrics';

/** `passerine.workqueue.WorkQueue/GetWork` → `WorkQueue/GetWork`: bounded, as the services are. */
function methodLabel(path: string): string {
  return path.slice(path.lastIndexOf('.') + 1);
}

/** OK → `ok`, PERMISSION_DENIED → `permission_denied`: the outcome labels the CBOR edge uses. */
function outcomeLabel(code: status): string {
  return code === status.OK ? 'ok' : (status[code] ?? String(code)).toLowerCase();
}

/**
 * Counts every gRPC call by method and outcome and times it, from its arrival to its status, in
 * the same figures as the CBOR-RPC edge (`edge="grpc"`). First among the interceptors, which grpc-js
 * makes the innermost (next to the transport): the statuses of calls a token check refuses pass
 * through it too.
 */
export function callFiguresInterceptor(metrics: PasserineMetrics): ServerInterceptor {
  const series = new Map<string, CallSeries>();
  return (method, call: ServerInterceptingCallInterface) => {
    const started = performance.now();
    const label = methodLabel(method.path);
    return new ServerInterceptingCall(call, {
      sendStatus(sent, next) {
        let figures = series.get(label);
        if (!figures) {
          figures = metrics.gatewayCalls.of('grpc', label);
          series.set(label, figures);
        }
        figures.record(outcomeLabel(sent.code), (performance.now() - started) / 1000);
        next(sent);
      },
    });
  };
}
