import { TRUSTED_AUTH_ERRORS, TrustedAuth, WEB_AUTH_ERRORS, WebAuth } from '../../common/caller/auth.decorators';
import { ErrorCode } from '../../common/errors/error-code';

/** One of the two ways into the same operations. */
export interface Surface {
  id: 'Web' | 'Trusted';
  path: string;
  tag: string;
  auth: () => ClassDecorator & MethodDecorator;
  authErrors: ErrorCode[];
}

export const WEB_SURFACE: Surface = {
  id: 'Web',
  path: 'api/table/services/parties',
  tag: 'Web API: parties',
  auth: WebAuth,
  authErrors: WEB_AUTH_ERRORS,
};

export const TRUSTED_SURFACE: Surface = {
  id: 'Trusted',
  path: 'server/services/party',
  tag: 'Trusted Server API: parties',
  auth: TrustedAuth,
  authErrors: TRUSTED_AUTH_ERRORS,
};
