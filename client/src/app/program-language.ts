/**
 * The language the page shows and runs every cell's programs in: JavaScript
 * (amqplib) or Python (pika). One choice for the whole page, kept in
 * localStorage and in the page's address, so a shared link opens the
 * programs in the language its sender read them in.
 */
import type { ProgramLanguage } from '../../../server/protocol/lesson.js';
import { isProgramLanguage } from './languages.js';

export type { ProgramLanguage } from '../../../server/protocol/lesson.js';

const STORAGE_KEY = 'warren.language';

/** Holds the page's language and saves it; fires 'change' after each change. */
export class LanguageChoice extends EventTarget {
  private current: ProgramLanguage = readStored();

  /** The language chosen now. */
  get value(): ProgramLanguage {
    return this.current;
  }

  /** Chooses a language for the whole page and remembers it. */
  choose(language: ProgramLanguage): void {
    if (language === this.current) return;
    this.current = language;
    try {
      localStorage.setItem(STORAGE_KEY, language);
    } catch {
      // Storage may be full or disabled; the choice still holds for this page.
    }
    this.dispatchEvent(new Event('change'));
  }
}

function readStored(): ProgramLanguage {
  try {
    const stored = localStorage.getItem(STORAGE_KEY);
    return isProgramLanguage(stored) ? stored : 'javascript';
  } catch {
    return 'javascript';
  }
}

let shared: LanguageChoice | undefined;

/** The page's language choice. */
export function programLanguage(): LanguageChoice {
  shared ??= new LanguageChoice();
  return shared;
}
