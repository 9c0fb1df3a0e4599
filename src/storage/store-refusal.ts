/**
 * A write a store refused for a reason of its own (a quota reached, a name taken, the parent row
 * gone meanwhile). Stores throw it, as they let the driver's own errors through; the caller maps
 * `reason` to its answer (a cloud error code, an admin error).
 */
export class StoreRefusal<Reason extends string> extends Error {
  override readonly name = 'StoreRefusal';

  constructor(
    readonly reason: Reason,
    message: string = reason,
  ) {
    super(message);
  }
}
