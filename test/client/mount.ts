/**
 * Putting a component on the test page and reading what it shows, through
 * its open shadow root, as a user would see it.
 */
import { html, render, type TemplateResult } from 'lit';
import '../../client/src/styles/theme.css';

const mounted: HTMLElement[] = [];

/** Renders a template into a fresh container on the page and returns its first element, updated. */
export async function mount<T extends HTMLElement>(template: TemplateResult): Promise<T> {
  const container = document.createElement('div');
  document.body.append(container);
  mounted.push(container);
  render(template, container);
  const element = container.firstElementChild as T | null;
  if (element === null) throw new Error('the template rendered no element');
  await settled(element);
  return element;
}

/** Removes everything mount() put on the page. */
export function unmountAll(): void {
  for (const container of mounted.splice(0)) {
    render(html``, container);
    container.remove();
  }
}

/** Waits for a Lit element's pending update, after two animation frames (models notify once per frame). */
export async function settled(element: Element): Promise<void> {
  await nextFrame();
  await nextFrame();
  await (element as Element & { updateComplete?: Promise<unknown> }).updateComplete;
}

/** Resolves at the next animation frame. */
function nextFrame(): Promise<void> {
  return new Promise((resolve) => requestAnimationFrame(() => resolve()));
}

/** The one element matching `selector` in a component's shadow root; throws when there is none. */
export function inShadow(host: Element, selector: string): HTMLElement {
  const found = host.shadowRoot?.querySelector<HTMLElement>(selector);
  if (found === null || found === undefined) throw new Error(`<${host.localName}> shows no ${selector}`);
  return found;
}

/** Every element matching `selector` in a component's shadow root. */
export function allInShadow<T extends Element = HTMLElement>(host: Element, selector: string): T[] {
  return [...(host.shadowRoot?.querySelectorAll<T>(selector) ?? [])];
}

/** The text a user reads in an element, whitespace collapsed. */
export function textOf(element: Element): string {
  const text = element instanceof HTMLElement ? element.innerText : element.textContent;
  return text.replace(/\s+/g, ' ').trim();
}
