/** Who a stats record belongs to: the identity every point of the container is tagged with. */
export interface ContainerRef {
  /** The full 64-hex id. */
  readonly id: string;
  /** Without the engine's leading slash. */
  readonly name: string;
  readonly image: string;
  readonly labels: Readonly<Record<string, string>>;
}
