// Swarm mode's secrets and configs as Shoal keeps them: one record shape for both kinds, the secret's data
// sealed with the manager's key (crypto.ts), a config's kept as sent.

export type DataKind = 'secret' | 'config';

/** `{Name, Options}`: a secret driver or a templating driver, as the API carries them. */
export interface Driver {
  Name: string;
  Options?: Record<string, string>;
}

export interface DataSpec {
  Name: string;
  Labels: Record<string, string>;
  Driver?: Driver;
  Templating?: Driver;
}

/** AES-256-GCM: `kid` names the key (a hash of it), the rest is base64. */
export interface Sealed {
  kid: string;
  iv: string;
  tag: string;
  ct: string;
}

export interface DataRecord {
  ID: string;
  /** Shoal's store index at the last change (`POST /secrets/{id}/update?version=` must match it). */
  Version: { Index: number };
  CreatedAt: string;
  UpdatedAt: string;
  Spec: DataSpec;
  /** A secret's data, encrypted; never in an API answer, never in a log line. */
  Sealed?: Sealed;
  /** A config's data, base64 (configs are not secret: `docker config inspect` shows it). */
  Data?: string;
}

/** The words each kind's texts use. */
export interface KindWords {
  kind: DataKind;
  /** `secrets`, `configs`: the API path and the store prefix. */
  plural: string;
  /** The size limit of the data (SwarmKit's MaxSecretSize, MaxConfigSize), exclusive. */
  maxBytes: number;
}

export const KINDS: Record<DataKind, KindWords> = {
  secret: { kind: 'secret', plural: 'secrets', maxBytes: 500 * 1024 },
  config: { kind: 'config', plural: 'configs', maxBytes: 1000 * 1024 },
};
