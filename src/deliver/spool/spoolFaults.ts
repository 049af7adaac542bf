import type { SpoolOperation } from '../../model/telemetry.js';
import { BufferEvents } from '../bufferEvents.js';
import { errorCode } from './errorCode.js';

/**
 * The spool's events, and the disk's refusals as episodes: one `spool-fault` per operation when
 * the disk first refuses it and one `spool-recovered` when it takes it again, so that a full
 * disk is one warning, not one per batch.
 */
export class SpoolFaults extends BufferEvents {
  private readonly failing = new Set<SpoolOperation>();

  failed(operation: SpoolOperation, error: unknown): void {
    if (this.failing.has(operation)) return;
    this.failing.add(operation);
    this.tell({ type: 'spool-fault', operation, code: errorCode(error) });
  }

  recovered(operation: SpoolOperation): void {
    if (this.failing.delete(operation)) this.tell({ type: 'spool-recovered', operation });
  }
}
