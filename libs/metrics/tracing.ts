import {
  type Context,
  context,
  isSpanContextValid,
  propagation,
  type Span,
  SpanStatusCode,
  type TextMapGetter,
  type TextMapSetter,
  trace,
} from '@opentelemetry/api';

/**
 * Spans go through the OpenTelemetry API alone: with no tracer provider registered (the default)
 * every call is a no-op, so the instrumented paths cost next to nothing until tracing is turned on
 * (see startTracing).
 */
const tracer = () => trace.getTracer('passerine');

// Mirrors OpenTelemetry's own process-wide provider: whether startTracing registered one.
let enabled = false;

/** Whether this process traces (startTracing ran): edges start root spans only then. */
export function tracingEnabled(): boolean {
  return enabled;
}

export function setTracingEnabled(on: boolean): void {
  enabled = on;
}

/** Runs `work` in a span that ends with it, recording a thrown error on the span. */
export async function inSpan<T>(
  name: string,
  attributes: Record<string, string | number | boolean>,
  work: (span: Span) => Promise<T> | T,
  parent?: Context,
): Promise<T> {
  return tracer().startActiveSpan(name, { attributes }, parent ?? context.active(), async (span) => {
    try {
      return await work(span);
    } catch (err) {
      span.recordException(err as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message });
      throw err;
    } finally {
      span.end();
    }
  });
}

/**
 * Whether this code runs inside a trace: a span of this process, or the remote parent a message
 * carried in. Only then do requests carry trace headers and operations open spans of their own.
 */
export function tracingActive(): boolean {
  if (!enabled) return false;
  const span = trace.getActiveSpan();
  return span !== undefined && isSpanContextValid(span.spanContext());
}

/** Header access of a NATS message's headers (MsgHdrs: get/set of strings). */
interface Headers {
  get(key: string): string;
  set(key: string, value: string): void;
}

const setter: TextMapSetter<Headers> = { set: (carrier, key, value) => carrier.set(key, value) };
const getter: TextMapGetter<Headers> = {
  get: (carrier, key) => carrier.get(key) || undefined,
  keys: () => ['traceparent', 'tracestate'],
};

/** Writes the active trace context (W3C traceparent) into outgoing message headers. */
export function injectTrace(headers: Headers): void {
  propagation.inject(context.active(), headers, setter);
}

/** The context a message's headers carry (the active one when they carry none). */
export function extractTrace(headers: Headers | undefined): Context {
  return headers ? propagation.extract(context.active(), headers, getter) : context.active();
}

/** The active trace and span id for log lines; nothing when no span records. */
export function traceLogFields(): { trace_id?: string; span_id?: string } {
  const span = trace.getActiveSpan();
  if (!span || !isSpanContextValid(span.spanContext())) return {};
  const { traceId, spanId } = span.spanContext();
  return { trace_id: traceId, span_id: spanId };
}

/** Runs `work` in the trace context a message's headers carry, so its spans join the caller's trace. */
export function runInTraceOf<T>(headers: Headers | undefined, work: () => T): T {
  if (!headers?.get('traceparent')) return work();
  return context.with(extractTrace(headers), work);
}

/** The active trace, to parent spans recorded later; undefined when nothing traces here. */
export function activeTrace(): Context | undefined {
  return tracingActive() ? context.active() : undefined;
}

/**
 * Records a span whose times are already known (ms since the epoch), under `parent`: for steps a
 * process learns of after they happened, such as a task's run as its node reports it.
 */
export function recordSpan(
  name: string,
  attributes: Record<string, string | number | boolean>,
  parent: Context,
  startMs: number,
  endMs: number,
  error?: string,
): void {
  const span = tracer().startSpan(name, { attributes, startTime: startMs }, parent);
  if (error !== undefined) span.setStatus({ code: SpanStatusCode.ERROR, message: error });
  span.end(Math.max(startMs, endMs));
}
