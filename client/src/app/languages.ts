/**
 * The languages a cell's programs can be in, as the page names them, and
 * which one a cell shows. Plain TypeScript, no DOM.
 */
import { PROGRAM_LANGUAGES, type ProgramLanguage } from '../../../server/protocol/lesson.js';

/** How the page names each language. */
export const LANGUAGE_NAMES: Readonly<Record<ProgramLanguage, string>> = { javascript: 'JavaScript', python: 'Python' };

/** What each language's programs are written with, as the code cell says it. */
export const LANGUAGE_LIBRARIES: Readonly<Record<ProgramLanguage, string>> = {
  javascript: 'Node.js with amqplib',
  python: 'Python 3 with pika',
};

/** Whether a value (from the address or storage) names a language. */
export function isProgramLanguage(value: unknown): value is ProgramLanguage {
  return PROGRAM_LANGUAGES.some((language) => language === value);
}

/** The language a cell uses: the page's choice when the cell's programs exist in it, else the cell's first. */
export function languageOfCell(chosen: ProgramLanguage, cellLanguages: readonly ProgramLanguage[]): ProgramLanguage {
  return cellLanguages.includes(chosen) ? chosen : (cellLanguages[0] ?? 'javascript');
}
