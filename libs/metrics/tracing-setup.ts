import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, type SpanExporter, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { setTracingEnabled } from './tracing.ts';

export interface TracingOptions {
  /** OTLP/HTTP traces endpoint (…/v1/traces); with no endpoint and no exporter, tracing stays off. */
  otlpUrl?: string;
  /** Instead of OTLP (tests): where finished spans go. */
  exporter?: SpanExporter;
  serviceName: string;
}

export interface Tracing {
  /** Sends what is buffered and unregisters: spans are no-ops again. */
  stop(): Promise<void>;
}

/**
 * Turns tracing on for this process: a tracer provider with an AsyncLocalStorage context and the W3C
 * propagator, exporting in batches. OpenTelemetry keeps its provider process-wide by design, so this
 * is the one global Passerine sets, once per process, by `passerine up` / `serve` when configured.
 */
export function startTracing(options: TracingOptions): Tracing | null {
  const exporter =
    options.exporter ?? (options.otlpUrl ? new OTLPTraceExporter({ url: options.otlpUrl }) : null);
  if (!exporter) return null;
  const processor: SpanProcessor = new BatchSpanProcessor(exporter, { scheduledDelayMillis: 200 });
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': options.serviceName }),
    spanProcessors: [processor],
  });
  provider.register();
  setTracingEnabled(true);
  return {
    async stop() {
      setTracingEnabled(false);
      await provider.forceFlush();
      await provider.shutdown();
    },
  };
}
