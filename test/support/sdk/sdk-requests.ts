import { request } from 'node:http';

/*
 * The requests the official DynamicPixels SDKs send, byte for byte, read from their sources (Unity
 * `DynamicPixels/Unity3d-C--SDK` v2.0.0 and the v1.0.x layout, Unreal `DynamicPixels/GameService-UnrealSDK`):
 * - both call `<host>/game/{clientId}/api/…`, with `Authorization: Bearer <token>` once signed in;
 * - Unity sends `User-Agent: UnitySDK-0.0.1`, and `Content-Type: application/json; charset=utf-8` only
 *   with a body, which Newtonsoft.Json writes compact, keys in declaration order, nulls included;
 * - Unreal sends `Content-Type: application/json` on every request and pretty-prints bodies with
 *   FJsonObjectConverter (tabs, `"key": value`, objects opening on their own line; LF outside Windows);
 * - Unity's join and edit send `input.ToString()`, which is the C# type name, not JSON (an SDK bug).
 */

export interface PartyInput {
  name: string | null;
  desc: string;
  max_member_count: number;
  is_private: boolean;
  teams: string[];
  channels: string[];
  variables: Record<string, string>;
}

/** What an unset `PartyInput` holds in both SDKs (Unity: `name` null; Unreal: ""). */
export const DEFAULT_PARTY_INPUT: PartyInput = { name: null, desc: '', max_member_count: 0, is_private: false, teams: [], channels: [], variables: {} };

export interface Sdk {
  name: string;
  /** Headers in the order the SDK sets them (Node adds Host). */
  headers(token: string | null, body: string | null): Record<string, string>;
  guestLogin(deviceId: string): string;
  create(party: PartyInput): string;
  join(partyId: number, team: string, channels: string[]): string;
  edit(partyId: number, party: PartyInput): string;
  /** Accept's body; null: none (Unity PUTs with Content-Length: 0). */
  accept(partyId: number, membershipId: number): string | null;
}

function unityHeaders(token: string | null, body: string | null): Record<string, string> {
  return {
    ...(token ? { Authorization: `Bearer ${token}` } : {}),
    'User-Agent': 'UnitySDK-0.0.1',
    ...(body !== null ? { 'Content-Type': 'application/json; charset=utf-8' } : {}),
    'Content-Length': String(Buffer.byteLength(body ?? '')),
  };
}

/** Unity's `device_info` (v2.0.0 leaves unset keys out; v1.0.x sends every key, unset ones as null). */
const unityDevice = (deviceId: string, everyKey: boolean) => ({
  device_id: deviceId,
  first_login: null,
  last_login: null,
  ...(everyKey ? { package_name: null } : {}),
  sdk_version: '0.0.1',
  ...(everyKey
    ? {
        version_name: null,
        version_code: null,
        os_api_level: null,
        from: null,
        model: null,
        product: null,
        carrier_name: null,
        manufacturer: null,
        other_tags: null,
        screen_width: null,
        screen_height: null,
        sdcard_state: null,
        game_orientation: null,
      }
    : {}),
  network_type: 'ReachableViaLocalAreaNetwork',
  ...(everyKey ? { mac_address: null, ip_address: null } : {}),
  device_name: 'my-pc',
  device_model: 'PC',
  device_type: 'Desktop',
  operating_system: 'Windows 11  (10.0.22631) 64bit',
  processor_type: 'Intel(R) Core(TM) i7',
  processor_count: '8',
  processor_frequency: '3600',
  graphic_device_name: 'NVIDIA GeForce RTX 3060',
  graphic_device_vendor: 'NVIDIA',
  graphic_memory_size: '12086',
});

function unity(name: string, modelsNamespace: string, everyDeviceKey: boolean): Sdk {
  return {
    name,
    headers: unityHeaders,
    // The top-level device_id is "" (the SDK never fills it): every sign-in is a new guest.
    guestLogin: (deviceId) => JSON.stringify({ device_id: '', name: '', device_info: unityDevice(deviceId, everyDeviceKey) }),
    // CreatePartyParams has a public field `Data` without [JsonProperty]: the key keeps its capital D.
    create: (party) => JSON.stringify({ Data: party }),
    join: () => `${modelsNamespace}.JoinToPartyParams`,
    edit: () => `${modelsNamespace}.EditPartyParams`,
    accept: () => null,
  };
}

export const UNITY_V2 = unity('Unity SDK v2.0.0', 'DynamicPixels.GameService.Services.Party.Models', false);
export const UNITY_V1 = unity('Unity SDK v1.0.x', 'models.inputs', true);

/** FJsonObjectConverter's pretty print (TPrettyJsonPrintPolicy), LF line ends. */
export function unrealJson(value: unknown, depth = 0): string {
  const tabs = (n: number) => '\t'.repeat(n);
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((item) => tabs(depth + 1) + unrealJson(item, depth + 1)).join(',\n')}\n${tabs(depth)}]`;
  }
  if (typeof value === 'object' && value !== null) {
    const members = Object.entries(value).map(([key, item]) => {
      const opensBlock = typeof item === 'object' && item !== null && !Array.isArray(item);
      return `${tabs(depth + 1)}${JSON.stringify(key)}:${opensBlock ? `\n${tabs(depth + 1)}` : ' '}${unrealJson(item, depth + 1)}`;
    });
    return members.length === 0 ? `{\n${tabs(depth)}}` : `{\n${members.join(',\n')}\n${tabs(depth)}}`;
  }
  return JSON.stringify(value);
}

const unrealParty = (party: PartyInput) => ({ ...party, name: party.name ?? '' });

export const UNREAL: Sdk = {
  name: 'Unreal SDK',
  headers: (token, body) => ({
    'Content-Type': 'application/json',
    ...(token ? { Authorization: `Bearer ${token}` } : {}),
    'User-Agent': 'PartyGame/1.0 Windows/10.0.22631.1.256.64bit', // the engine's default; the SDK sets none
    'Content-Length': String(Buffer.byteLength(body ?? '')),
  }),
  guestLogin: (deviceId) =>
    unrealJson({
      name: 'Guest',
      device_id: '',
      device_info: {
        device_id: deviceId,
        first_login: '2025-01-14T10:35:21.1234567',
        last_login: '2025-01-14T10:35:21.1234567',
        package_name: '',
        sdk_version: '1.0.0',
        version_name: '',
        version_code: '',
        os_api_level: '',
        from: '',
        model: '',
        product: '',
        carrier_name: '',
        manufacturer: '',
        other_tags: '',
        screen_width: '',
        screen_height: '',
        sdcard_state: '',
        game_orientation: '',
        network_type: '',
        mac_address: '',
        ip_address: '',
        device_name: '',
        device_model: 'Micro-Star International Co., Ltd.|MS-7C02',
        device_type: 'Desktop',
        operating_system: '10.0.22631.1.256.64bit',
        processor_type: 'AMD Ryzen 7 5800X 8-Core Processor',
        processor_count: '16',
        processor_frequency: '-1',
        graphic_device_name: 'NVIDIA GeForce RTX 3060',
        graphic_device_vendor: '',
        graphic_memory_size: '-1',
      },
    }),
  create: (party) => unrealJson({ data: unrealParty(party) }),
  join: (partyId, team, channels) => unrealJson({ partyId, team, channels }),
  edit: (partyId, party) => unrealJson({ partyId, party: unrealParty(party) }),
  accept: (partyId, membershipId) => unrealJson({ partyId, membershipId }),
};

export interface RawReply {
  status: number;
  /** Parsed JSON, or the raw text when the body is not JSON. */
  body: unknown;
}

/** Sends exactly these headers (in this order; Node adds Host) and these body bytes. */
export function sendRaw(url: string, method: string, path: string, headers: Record<string, string>, body: string | null): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown = text;
        try {
          parsed = JSON.parse(text);
        } catch {
          // not JSON: keep the text
        }
        resolve({ status: res.statusCode ?? 0, body: parsed });
      });
    });
    req.on('error', reject);
    req.end(body ?? undefined);
  });
}
