import type * as t from 'io-ts';

/** One configuration key: how it is read, where from, its default and what it means. */
export interface KeySpec<A> {
  /** Reads the value from a flag or the environment (a string) or a file (any JSON value). */
  readonly codec: t.Type<A, A, unknown>;
  readonly env: string;
  readonly flag: string;
  /** As a user would write it; it goes through the codec like any value. */
  readonly default: unknown;
  readonly doc: string;
  /** A default that depends on other keys: used when no flag, variable or file sets the key. */
  readonly derived?: {
    readonly doc: string;
    readonly value: (resolved: Readonly<Record<string, unknown>>) => A | undefined;
  };
  /** Never printed (secrets.ts): `--print-config` and logs show it as ***, errors only its type. */
  readonly secret?: true;
  /** A URL whose credentials (a password in it, `p=` / `token=` parameters) are shown as *** (redactUrl). */
  readonly urlCredentials?: true;
}

export const key = <A>(spec: KeySpec<A>): KeySpec<A> => spec;
