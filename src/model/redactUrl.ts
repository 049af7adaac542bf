// The user info up to its last `@` (a password may hold one), after an optional `scheme://`.
const USER_INFO = /^((?:[a-z][a-z0-9+.-]*:)?\/\/)?([^/?#]*)@/i;
// Query parameters that carry a credential: InfluxDB 1.x's `p=` (beside `u=`, the user name),
// and the usual names of passwords, tokens and keys.
const SECRET_PARAMS =
  /([?&](?:p|password|passwd|pwd|token|access_token|auth|authorization|api_?key|key|secret)=)[^&#]*/gi;

/**
 * A URL as logs, errors and --print-config show it: the password of its user info and the value
 * of each credential query parameter (`p`, `password`, `token`, ...) as `***`; a user info with no
 * password is masked whole (it may be a token). Text, not `new URL`: an invalid URL is shown too.
 *
 *   http://dss:pw@db:8086/?u=dss&p=pw  ->  http://dss:***@db:8086/?u=dss&p=***
 */
export function redactUrl(url: string): string {
  return url
    .replace(USER_INFO, (_, scheme: string | undefined, info: string) => {
      const colon = info.indexOf(':');
      return `${scheme ?? ''}${colon >= 0 ? `${info.slice(0, colon)}:***` : '***'}@`;
    })
    .replace(SECRET_PARAMS, '$1***');
}
