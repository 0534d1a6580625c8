/**
 * The part of autocannon 9's API the bench uses (the package ships no types, and @types/autocannon is
 * not worth a dependency for this). See node_modules/autocannon/README.md.
 */
declare module 'autocannon' {
  namespace autocannon {
    interface Request {
      method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
      path?: string;
      headers?: Record<string, string>;
      body?: string;
      /** Called with each response to this request; `context` is per connection. */
      onResponse?: (status: number, body: string, context: Record<string, unknown>) => void;
    }

    /** One connection. */
    interface Client {
      /** Replaces this connection's request list (documented in the README's Client API). */
      setRequests(requests: Request[]): void;
    }

    interface Options {
      url: string;
      connections?: number;
      /** Seconds. */
      duration?: number;
      /** Seconds before a request counts as timed out. */
      timeout?: number;
      requests?: Request[];
      /** Called once per connection, before it connects. */
      setupClient?: (client: Client) => void;
    }

    interface Histogram {
      average: number;
      p50: number;
      p99: number;
      max: number;
      total: number;
    }

    interface Result {
      /** Per-second request counts (average = the req/s autocannon prints). */
      requests: Histogram;
      /** Milliseconds. */
      latency: Histogram;
      duration: number;
      errors: number;
      timeouts: number;
      non2xx: number;
      statusCodeStats: Record<string, { count: number }>;
    }

    type Instance = PromiseLike<Result>;
  }

  function autocannon(options: autocannon.Options): autocannon.Instance;
  export = autocannon;
}
