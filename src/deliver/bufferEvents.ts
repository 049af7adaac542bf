import type { DeliveryEvent } from '../model/telemetry.js';

/** What a buffer has to tell (points dropped and why, ...), kept until delivery takes it. */
export class BufferEvents {
  private events: DeliveryEvent[] = [];

  tell(event: DeliveryEvent): void {
    this.events.push(event);
  }

  take(): readonly DeliveryEvent[] {
    const events = this.events;
    if (events.length > 0) this.events = [];
    return events;
  }
}
