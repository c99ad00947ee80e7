import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { BusyThrottle } from './busy-throttle.js';
import type { RunModel } from './run-model.js';

/** A view that shows one run model. */
type ModelView = ReactiveControllerHost & HTMLElement & { model?: RunModel };

/**
 * Keeps a view subscribed to its `model` while it is on the page, and asks
 * it to render when the model changes (at most a few times a second while a
 * run floods). Follows the view to a new model when the property changes.
 */
export class ModelWatcher implements ReactiveController {
  private unsubscribe: (() => void) | undefined;
  private watched: RunModel | undefined;
  private readonly throttle: BusyThrottle;

  constructor(private readonly view: ModelView) {
    this.throttle = new BusyThrottle(
      () => view.requestUpdate(),
      () => view.model?.lastSeq ?? 0,
    );
    view.addController(this);
  }

  hostConnected(): void {
    this.watch();
  }

  hostDisconnected(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.watched = undefined;
    this.throttle.cancel();
  }

  hostUpdate(): void {
    if (this.watched !== this.view.model) this.watch();
  }

  private watch(): void {
    this.unsubscribe?.();
    this.watched = this.view.model;
    this.unsubscribe = this.view.isConnected ? this.view.model?.subscribe(() => this.throttle.changed()) : undefined;
  }
}
