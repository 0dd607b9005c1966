export { CallFigures, type CallFiguresOptions, CallSeries } from './call-figures.ts';
export {
  createMetrics,
  type PasserineMetrics,
  ScrapedGauge,
  type SampleSource,
  type SetSample,
} from './catalogue.ts';
export {
  answerMetricsGather,
  type GatherOptions,
  type InstanceMetrics,
  renderInstanceMetrics,
} from './gather.ts';
export { type MetricsServer, type MetricsServerOptions, renderRegistry, serveMetrics } from './http.ts';
export {
  activeTrace,
  extractTrace,
  injectTrace,
  inSpan,
  recordSpan,
  runInTraceOf,
  traceLogFields,
  tracingActive,
  tracingEnabled,
} from './tracing.ts';
export { startTracing, type Tracing, type TracingOptions } from './tracing-setup.ts';
