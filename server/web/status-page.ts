import type { BrokerTarget } from '../broker-connection.js';
import { redactUrl } from '../broker-connection.js';
import type { LessonSummary } from '../protocol/lesson.js';

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function renderLessonList(lessons: LessonSummary[]): string {
  if (lessons.length === 0) return '<p>No lessons were found in <code>lessons/</code>.</p>';
  const items = lessons.map((lesson) => {
    const link = `/api/lessons/${encodeURIComponent(lesson.id)}`;
    return `<li><a href="${escapeHtml(link)}">${escapeHtml(lesson.title)}</a> (${lesson.minutes} min): ${escapeHtml(lesson.teaches)}</li>`;
  });
  return `<h2>Lessons</h2>\n<ol>\n${items.join('\n')}\n</ol>`;
}

/** The page served at / while the lesson browser is not built: which broker runs and where, and the lessons. */
export function renderStatusPage(broker: BrokerTarget, lessons: LessonSummary[]): string {
  const where = escapeHtml(redactUrl(broker.url));
  const what = broker.kind === 'embedded' ? 'the embedded AMQP 0-9-1 broker' : 'RabbitMQ (AMQP_URL)';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Warren</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font:18px/1.5 system-ui,sans-serif;max-width:46rem;margin:3rem auto;padding:0 1rem}
code{background:#eee;padding:.1em .3em;border-radius:4px}</style></head>
<body><h1>Warren</h1>
<p>The broker is up: ${what}, listening on <code>${where}</code>.</p>
<p>Point any AMQP 0-9-1 client at it, for example <code>amqp.connect('${where.replace('****', 'guest')}')</code>.</p>
${renderLessonList(lessons)}
<p>The lesson browser is not built yet; the JSON API above and the WebSocket at <code>/ws</code> work without it.</p>
</body></html>`;
}
