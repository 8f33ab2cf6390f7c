export { createLogger, type Logger, type LoggerOptions } from './logger.js';
export { createMetrics, type Metrics } from './metrics.js';
export { onePerScrape, readCounter, readGauge, sharedCounter, sharedGauge, type GaugeReader, type GaugeReading, type MetricSpec } from './collectors.js';
export { createAccessLog, type AccessEntry, type AccessLog } from './access-log.js';
export { lazyChild } from './lazy-child.js';
