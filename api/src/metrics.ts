// Prometheus metrics (prom-client): request latency, queue depth, build durations, cache hits.
import type { RequestHandler } from 'express';
import client from 'prom-client';
import type { Manifest } from '@omnilisp/worker';

export class Metrics {
  readonly registry = new client.Registry();
  readonly http = new client.Histogram({
    name: 'omni_http_request_duration_seconds',
    help: 'HTTP request latency by route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly builds = new client.Histogram({
    name: 'omni_build_duration_seconds',
    help: 'Build duration (compile, C compiler, upload) by compiler',
    labelNames: ['compiler', 'target'] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
  readonly cache = new client.Counter({
    name: 'omni_cache_requests_total',
    help: 'Build and run requests answered from the store (hit) or built (miss)',
    labelNames: ['kind', 'result'] as const,
    registers: [this.registry],
  });

  /** Queue depth and the service-wide hit ratio are read when scraped. */
  constructor(queueDepth: () => Promise<Record<string, Record<string, number>>>, hitRatio: () => Promise<number | null>) {
    client.collectDefaultMetrics({ register: this.registry });
    new client.Gauge({
      name: 'omni_queue_jobs',
      help: 'Jobs per queue and state',
      labelNames: ['queue', 'state'] as const,
      registers: [this.registry],
      async collect() {
        const depth = await queueDepth().catch(() => ({})); // Redis down: keep the last values
        for (const [queue, states] of Object.entries(depth)) for (const [state, n] of Object.entries(states)) this.set({ queue, state }, n);
      },
    });
    new client.Gauge({
      name: 'omni_cache_hit_ratio',
      help: 'Hits / (hits + misses) over all API and worker lookups since the last cache reset',
      registers: [this.registry],
      async collect() {
        const r = await hitRatio().catch(() => null);
        if (r !== null) this.set(r);
      },
    });
  }

  observeBuild(m: Manifest | undefined): void {
    if (m?.timings) this.builds.observe({ compiler: m.compiler, target: m.target }, m.timings.totalMs / 1000);
  }

  /**
   * Times every request, labelled by its route pattern (not its path: keys would explode the labels).
   * A route's error leaves its router before the response, which resets req.baseUrl: mounted routers
   * record theirs with mounted() so errors are labelled like successes.
   */
  middleware(): RequestHandler {
    return (req, res, next) => {
      const end = this.http.startTimer();
      res.on('finish', () => end({ method: req.method, route: req.route ? `${res.locals.baseUrl ?? req.baseUrl}${req.route.path}` : 'unmatched', status: String(res.statusCode) }));
      next();
    };
  }

  /** First middleware of a mounted router: remembers its mount path for the route label. */
  mounted(): RequestHandler {
    return (req, res, next) => {
      res.locals.baseUrl = req.baseUrl;
      next();
    };
  }
}
