import type { ReactiveControllerHost } from 'lit';

/**
 * A file a person gives a page, chosen with a file input or dropped on it:
 * the handlers to bind, whether a file is being dragged over (for the drop
 * zone's look), and one callback for the file either way.
 */
export class FileDrop {
  /** A file is being dragged over the drop zone. */
  dragging = false;

  constructor(
    /** Redrawn when dragging starts or stops. */
    private readonly host: Pick<ReactiveControllerHost, 'requestUpdate'>,
    private readonly take: (file: File) => void,
  ) {}

  /** For the file input's change event; the input is emptied, so the same file can be chosen again. */
  readonly chosen = (event: Event): void => {
    const input = event.target as HTMLInputElement;
    const file = input.files?.[0];
    if (file !== undefined) this.take(file);
    input.value = '';
  };

  readonly dragOver = (event: DragEvent): void => {
    event.preventDefault();
    if (event.dataTransfer !== null) event.dataTransfer.dropEffect = 'copy';
    this.setDragging(true);
  };

  readonly dragLeave = (): void => {
    this.setDragging(false);
  };

  readonly drop = (event: DragEvent): void => {
    event.preventDefault();
    this.setDragging(false);
    const file = event.dataTransfer?.files[0];
    if (file !== undefined) this.take(file);
  };

  private setDragging(dragging: boolean): void {
    if (this.dragging === dragging) return;
    this.dragging = dragging;
    this.host.requestUpdate();
  }
}
