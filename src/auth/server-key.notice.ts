import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';

/** Says at start-up why the trusted API refuses everything, or which key a development run generated. */
@Injectable()
export class ServerKeyNotice implements OnModuleInit {
  private readonly logger = new Logger('TrustedApi');

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  onModuleInit(): void {
    const { key, generated } = this.config.serverKey;
    if (!key) this.logger.warn('SERVER_KEY is not set: every Trusted Server API call will answer 401. Set SERVER_KEY (32+ characters) to enable it.');
    else if (generated) this.logger.warn(`SERVER_KEY is not set; generated one for this development run: ${key}`);
  }
}
