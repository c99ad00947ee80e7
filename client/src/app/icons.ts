/**
 * The workbook's small line icons, drawn on a 24-unit grid in the current
 * text colour. Icons sit beside words, never instead of them, so each is
 * hidden from screen readers.
 */
import { html, svg, type SVGTemplateResult, type TemplateResult } from 'lit';

const shapes = {
  play: svg`<path d="M7 4.5v15l12.5-7.5z" fill="currentColor" stroke="none"/>`,
  pause: svg`<rect x="6" y="4.5" width="4" height="15" rx="1" fill="currentColor" stroke="none"/><rect x="14" y="4.5" width="4" height="15" rx="1" fill="currentColor" stroke="none"/>`,
  step: svg`<path d="M5 5v14l10-7z" fill="currentColor" stroke="none"/><rect x="16.5" y="5" width="3" height="14" rx="1" fill="currentColor" stroke="none"/>`,
  stop: svg`<rect x="5.5" y="5.5" width="13" height="13" rx="2" fill="currentColor" stroke="none"/>`,
  reset: svg`<path d="M4 12a8 8 0 1 0 2.4-5.7"/><path d="M4 4v5h5"/>`,
  check: svg`<path d="M5 12.5l4.5 4.5L19 7.5"/>`,
  checkCircle: svg`<circle cx="12" cy="12" r="9"/><path d="M8 12.5l3 3 5-6"/>`,
  failed: svg`<circle cx="12" cy="12" r="9"/><path d="M9 9l6 6M15 9l-6 6"/>`,
  warning: svg`<path d="M12 3.5l9.5 16.5h-19z"/><path d="M12 10v4.5"/><circle cx="12" cy="17.3" r="0.6" fill="currentColor"/>`,
  stopped: svg`<circle cx="12" cy="12" r="9"/><rect x="9" y="9" width="6" height="6" rx="1" fill="currentColor" stroke="none"/>`,
  paused: svg`<circle cx="12" cy="12" r="9"/><path d="M10 9v6M14 9v6"/>`,
  running: svg`<circle cx="12" cy="12" r="9"/><path d="M10 8.5v7l5.5-3.5z" fill="currentColor" stroke="none"/>`,
  idle: svg`<circle cx="12" cy="12" r="9" stroke-dasharray="3 3"/>`,
  spinner: svg`<path d="M12 3a9 9 0 1 1-9 9" />`,
  unplugged: svg`<path d="M9 7V3M15 7V3M6 7h12v4a6 6 0 0 1-12 0z"/><path d="M12 17v4"/><path d="M3 3l18 18"/>`,
  plug: svg`<path d="M9 7V3M15 7V3M6 7h12v4a6 6 0 0 1-12 0z"/><path d="M12 17v4"/>`,
  sun: svg`<circle cx="12" cy="12" r="4"/><path d="M12 2.5v2M12 19.5v2M2.5 12h2M19.5 12h2M5.3 5.3l1.4 1.4M17.3 17.3l1.4 1.4M5.3 18.7l1.4-1.4M17.3 6.7l1.4-1.4"/>`,
  moon: svg`<path d="M20 14.5A8 8 0 0 1 9.5 4a8 8 0 1 0 10.5 10.5z"/>`,
  system: svg`<rect x="3" y="4" width="18" height="12" rx="2"/><path d="M8 20h8M12 16v4"/>`,
  presenter: svg`<rect x="3" y="4" width="18" height="12" rx="1.5"/><path d="M12 16v4M8 21l4-1 4 1"/><path d="M7 12l3-3 2 2 4-4"/>`,
  keyboard: svg`<rect x="2.5" y="6" width="19" height="12" rx="2"/><path d="M6 10h.01M10 10h.01M14 10h.01M18 10h.01M7 14h10"/>`,
  download: svg`<path d="M12 4v11M7 10l5 5 5-5M5 20h14"/>`,
  folder: svg`<path d="M3 6.5A1.5 1.5 0 0 1 4.5 5H10l2 2.5h7.5A1.5 1.5 0 0 1 21 9v9.5a1.5 1.5 0 0 1-1.5 1.5h-15A1.5 1.5 0 0 1 3 18.5z"/>`,
  copy: svg`<rect x="8.5" y="8.5" width="12" height="12" rx="2"/><path d="M15.5 8.5V5.5a2 2 0 0 0-2-2h-8a2 2 0 0 0-2 2v8a2 2 0 0 0 2 2h3"/>`,
  back: svg`<path d="M15 5l-7 7 7 7"/>`,
  forward: svg`<path d="M9 5l7 7-7 7"/>`,
  up: svg`<path d="M5 15l7-7 7 7"/>`,
  down: svg`<path d="M5 9l7 7 7-7"/>`,
  clock: svg`<circle cx="12" cy="12" r="9"/><path d="M12 7v5l3 2"/>`,
  book: svg`<path d="M4 5.5A2.5 2.5 0 0 1 6.5 3H20v15H6.5A2.5 2.5 0 0 0 4 20.5z"/><path d="M4 20.5A2.5 2.5 0 0 0 6.5 23H20v-5"/>`,
  sliders: svg`<path d="M4 7h10M18 7h2M4 17h4M12 17h8"/><circle cx="16" cy="7" r="2"/><circle cx="10" cy="17" r="2"/>`,
  code: svg`<path d="M8.5 7L3.5 12l5 5M15.5 7l5 5-5 5"/>`,
  close: svg`<path d="M6 6l12 12M18 6L6 18"/>`,
  restore: svg`<path d="M3 12a9 9 0 1 0 3-6.7"/><path d="M3 4v5h5"/><path d="M12 8v4l3 2"/>`,
} as const;

/** The name of one of the workbook's icons. */
export type IconName = keyof typeof shapes;

/** An inline icon, decorative: its meaning is always also said in text. */
export function icon(name: IconName, className = 'icon'): TemplateResult {
  const shape: SVGTemplateResult = shapes[name];
  return html`<svg
    class=${className}
    viewBox="0 0 24 24"
    width="16"
    height="16"
    fill="none"
    stroke="currentColor"
    stroke-width="2"
    stroke-linecap="round"
    stroke-linejoin="round"
    aria-hidden="true"
    focusable="false"
  >
    ${shape}
  </svg>`;
}
