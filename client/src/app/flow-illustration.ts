/**
 * The lesson list's picture of what the workbook shows: a producer publishing
 * to an exchange that routes copies into two queues, each drained by a
 * consumer, with messages moving along the way (still when the learner asks
 * for reduced motion).
 */
import { css, html, svg, type SVGTemplateResult, type TemplateResult } from 'lit';

const PATHS = {
  publish: 'M62 110 H138',
  toFirst: 'M170 110 C190 110 190 62 214 62',
  toSecond: 'M170 110 C190 110 190 158 214 158',
  fromFirst: 'M292 62 H346',
  fromSecond: 'M292 158 H346',
};

/** One loop of the picture: publish, route, deliver. */
const LOOP_SECONDS = 3.6;

/** A message dot that travels `path` from `start` to `end` seconds into each loop, and is hidden otherwise. */
function message(path: string, start: number, end: number): SVGTemplateResult {
  const from = (start / LOOP_SECONDS).toFixed(3);
  const to = (end / LOOP_SECONDS).toFixed(3);
  const shown = ((end + 0.01) / LOOP_SECONDS).toFixed(3);
  return svg`<circle class="message" r="5" opacity="0">
    <animateMotion dur="${LOOP_SECONDS}s" repeatCount="indefinite" path="${path}" calcMode="linear"
      keyPoints="0;0;1;1" keyTimes="0;${from};${to};1"/>
    <animate attributeName="opacity" dur="${LOOP_SECONDS}s" repeatCount="indefinite" calcMode="discrete"
      values="0;1;0" keyTimes="0;${from};${shown}"/>
  </circle>`;
}

/** The picture, labelled for screen readers as one image. */
export function flowIllustration(): TemplateResult {
  return html`<svg
    class="flow"
    viewBox="0 0 400 220"
    role="img"
    aria-label="A producer publishes to an exchange, which routes a copy into each of two queues, each read by a consumer"
  >
    ${svg`
      <g class="wires">
        ${Object.values(PATHS).map((path) => svg`<path d="${path}"/>`)}
      </g>
      <g class="node">
        <circle cx="40" cy="110" r="22"/><text x="40" y="115">P</text>
        <text class="caption" x="40" y="150">producer</text>
      </g>
      <g class="node exchange">
        <rect x="132" y="92" width="36" height="36" rx="6" transform="rotate(45 150 110)"/><text x="150" y="115">X</text>
        <text class="caption" x="150" y="160">exchange</text>
      </g>
      <g class="queue">
        <rect x="214" y="46" width="78" height="32" rx="6"/>
        <rect class="slot" x="220" y="52" width="14" height="20" rx="2"/><rect class="slot" x="238" y="52" width="14" height="20" rx="2"/>
        <text class="caption" x="253" y="34">queue 1</text>
      </g>
      <g class="queue">
        <rect x="214" y="142" width="78" height="32" rx="6"/>
        <rect class="slot" x="220" y="148" width="14" height="20" rx="2"/>
        <text class="caption" x="253" y="196">queue 2</text>
      </g>
      <g class="node">
        <circle cx="368" cy="62" r="22"/><text x="368" y="67">C</text>
        <circle cx="368" cy="158" r="22"/><text x="368" y="163">C</text>
      </g>
    `}
    ${message(PATHS.publish, 0.2, 1.1)} ${message(PATHS.toFirst, 1.1, 1.9)} ${message(PATHS.toSecond, 1.1, 1.9)}
    ${message(PATHS.fromFirst, 2.3, 3)} ${message(PATHS.fromSecond, 2.5, 3.2)}
  </svg>`;
}

/** Styles for the picture, from the theme's colours. */
export const flowIllustrationStyles = css`
  .flow {
    width: 100%;
    height: auto;
    overflow: visible;
  }
  .flow .wires path {
    fill: none;
    stroke: var(--border-strong);
    stroke-width: 2;
    stroke-dasharray: 4 5;
  }
  .flow .node circle,
  .flow .node rect,
  .flow .queue > rect:first-child {
    fill: var(--surface);
    stroke: var(--text-muted);
    stroke-width: 2;
  }
  .flow .exchange rect {
    stroke: var(--accent);
    fill: var(--accent-soft);
  }
  .flow .slot {
    fill: var(--accent);
    opacity: 0.75;
  }
  .flow text {
    font-family: var(--font-sans);
    font-size: 15px;
    font-weight: 700;
    text-anchor: middle;
    fill: var(--text);
  }
  .flow text.caption {
    font-size: 12px;
    font-weight: 500;
    fill: var(--text-muted);
  }
  .flow .message {
    fill: var(--accent);
  }
  @media (prefers-reduced-motion: reduce) {
    .flow .message {
      display: none;
    }
  }
`;
