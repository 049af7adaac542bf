import { httpUrl, optional, text } from './inputCodecs.js';
import { key } from './keySpec.js';

/** Prometheus remote write, a sink beside the line-protocol one. Part of the one key table (keys.ts). */
export const REMOTE_WRITE_KEYS = {
  remoteWriteUrl: key({
    codec: optional(httpUrl),
    env: 'REMOTE_WRITE_URL',
    flag: '--remote-write-url',
    default: undefined,
    doc: 'Prometheus remote-write 1.0 endpoint (e.g. http://prometheus:9090/api/v1/write); points also go there, beside INFLUX_URL or OUTPUT (credentials in it shown as ***)',
    urlCredentials: true,
  }),
  remoteWriteUsername: key({
    codec: optional(text),
    env: 'REMOTE_WRITE_USERNAME',
    flag: '--remote-write-username',
    default: undefined,
    doc: 'remote write: user name (basic authentication)',
  }),
  remoteWriteUsernameFile: key({
    codec: optional(text),
    env: 'REMOTE_WRITE_USERNAME_FILE',
    flag: '--remote-write-username-file',
    default: undefined,
    doc: 'remote write: file holding the user name',
  }),
  remoteWritePassword: key({
    codec: optional(text),
    env: 'REMOTE_WRITE_PASSWORD',
    flag: '--remote-write-password',
    default: undefined,
    doc: 'remote write: password (basic authentication; never logged; shown as ***)',
    secret: true,
  }),
  remoteWritePasswordFile: key({
    codec: optional(text),
    env: 'REMOTE_WRITE_PASSWORD_FILE',
    flag: '--remote-write-password-file',
    default: undefined,
    doc: 'remote write: file holding the password (e.g. a Docker or Kubernetes secret)',
  }),
  remoteWriteBearerToken: key({
    codec: optional(text),
    env: 'REMOTE_WRITE_BEARER_TOKEN',
    flag: '--remote-write-bearer-token',
    default: undefined,
    doc: 'remote write: bearer token, instead of a user and password (never logged; shown as ***)',
    secret: true,
  }),
  remoteWriteBearerTokenFile: key({
    codec: optional(text),
    env: 'REMOTE_WRITE_BEARER_TOKEN_FILE',
    flag: '--remote-write-bearer-token-file',
    default: undefined,
    doc: 'remote write: file holding the bearer token',
  }),
  remoteWriteHeaders: key({
    codec: optional(text),
    env: 'REMOTE_WRITE_HEADERS',
    flag: '--remote-write-headers',
    default: undefined,
    doc: "remote write: extra headers, Name=value,Name=value (e.g. X-Scope-OrgID=team1); they cannot replace the protocol's four headers nor the authentication (values never logged; shown as ***)",
    secret: true,
  }),
};
