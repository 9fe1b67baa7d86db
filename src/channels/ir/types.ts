/**
 * A mechanism description as plain data: the JSON object of a mechanism file (docs/mechanisms.md,
 * format `dendrite-mechanism/1`). src/channels/user/spec.ts checks it key by key; this type only
 * says what the embedded descriptions of ./specs.ts look like.
 */
export interface MechanismFile {
  readonly format?: string;
  readonly name: string;
  readonly kind?: 'density' | 'point';
  readonly summary?: string;
  readonly source?: string;
  readonly comment?: string;
  readonly parameters?: readonly Readonly<Record<string, unknown>>[];
  readonly globals?: readonly Readonly<Record<string, unknown>>[];
  readonly assigned?: readonly Readonly<Record<string, unknown>>[];
  readonly states?: readonly Readonly<Record<string, unknown>>[];
  readonly currents: readonly Readonly<Record<string, unknown>>[];
  readonly rate_table?: Readonly<Record<string, unknown>>;
  readonly weight_states?: readonly Readonly<Record<string, unknown>>[];
  readonly net_receive?: Readonly<Record<string, unknown>>;
  readonly post_spike?: Readonly<Record<string, unknown>>;
  readonly before_breakpoint?: Readonly<Record<string, unknown>>;
  readonly electrode?: boolean;
}
