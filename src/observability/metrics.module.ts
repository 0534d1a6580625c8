import { Controller, DynamicModule, Get, Header, Inject, Injectable, Logger, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { createServer, Server } from 'node:http';
import { AppConfig, MetricsConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { metricsRegistry } from './metrics';

/** GET /metrics on the API's port (METRICS_PORT unset). */
@ApiExcludeController()
@Controller('metrics')
export class MetricsController {
  @Get()
  @Header('Content-Type', metricsRegistry.contentType)
  metrics(): Promise<string> {
    return metricsRegistry.metrics();
  }
}

/** GET /metrics on a port of its own (METRICS_PORT), which need not be reachable from the public network. */
@Injectable()
export class MetricsServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private server: Server | null = null;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  onApplicationBootstrap(): void {
    this.server = createServer((req, res) => {
      if (req.method !== 'GET' || req.url !== '/metrics') {
        res.writeHead(404).end();
        return;
      }
      metricsRegistry.metrics().then(
        (text) => res.writeHead(200, { 'Content-Type': metricsRegistry.contentType }).end(text),
        () => res.writeHead(500).end(),
      );
    });
    this.server.listen(this.config.metrics.port ?? 0, () => Logger.log(`metrics on port ${this.config.metrics.port} at /metrics`, 'Metrics'));
  }

  async onApplicationShutdown(): Promise<void> {
    await new Promise((resolve) => (this.server ? this.server.close(resolve) : resolve(undefined)));
  }
}

/** Prometheus metrics (prom-client), on the API's port or on METRICS_PORT; none with METRICS_ENABLED=false. */
@Module({})
export class MetricsModule {
  static forRoot(config: MetricsConfig): DynamicModule {
    if (!config.enabled) return { module: MetricsModule };
    return config.port === null ? { module: MetricsModule, controllers: [MetricsController] } : { module: MetricsModule, providers: [MetricsServer] };
  }
}
