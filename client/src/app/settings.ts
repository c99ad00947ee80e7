/**
 * The learner's display settings: theme, presenter mode and animation speed.
 * Kept in localStorage and applied to the document element, where theme.css
 * turns them into colours and sizes.
 */

/** Which theme the learner chose; 'system' follows the operating system. */
export type ThemeChoice = 'system' | 'light' | 'dark';

/** Every display setting. */
export interface Settings {
  theme: ThemeChoice;
  /** Large type, high contrast, views across the full width. */
  presenter: boolean;
  /** How fast message animations play: 1 is normal, 0.25 a quarter, 4 four times. */
  speed: number;
}

/** The speeds offered for animations. */
export const ANIMATION_SPEEDS: readonly number[] = [0.25, 0.5, 1, 2, 4];

const STORAGE_KEY = 'warren.settings';
const DEFAULTS: Settings = { theme: 'system', presenter: false, speed: 1 };

/** Holds the settings, saves them, applies them; fires 'willchange' before each update and 'change' after it. */
export class SettingsStore extends EventTarget {
  private current: Settings;
  private readonly darkQuery = matchMedia('(prefers-color-scheme: dark)');

  constructor() {
    super();
    this.current = readStored();
    this.darkQuery.addEventListener('change', () => this.apply());
    this.apply();
  }

  /** The settings now. */
  get value(): Settings {
    return this.current;
  }

  /** The theme in effect: the choice, or the system's when the choice is 'system'. */
  get effectiveTheme(): 'light' | 'dark' {
    if (this.current.theme !== 'system') return this.current.theme;
    return this.darkQuery.matches ? 'dark' : 'light';
  }

  /** Changes some settings, saves and applies them. */
  update(changes: Partial<Settings>): void {
    this.dispatchEvent(new Event('willchange'));
    this.current = { ...this.current, ...changes };
    try {
      localStorage.setItem(STORAGE_KEY, JSON.stringify(this.current));
    } catch {
      // Storage may be full or disabled; the settings still hold for this page.
    }
    this.apply();
    this.dispatchEvent(new Event('change'));
  }

  private apply(): void {
    const root = document.documentElement;
    root.dataset.theme = this.effectiveTheme;
    root.toggleAttribute('data-presenter', this.current.presenter);
    root.style.setProperty('--animation-speed', String(this.current.speed));
  }
}

function readStored(): Settings {
  try {
    const stored = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '{}') as Partial<Settings>;
    return {
      theme: stored.theme === 'light' || stored.theme === 'dark' ? stored.theme : DEFAULTS.theme,
      presenter: stored.presenter === true,
      speed: typeof stored.speed === 'number' && ANIMATION_SPEEDS.includes(stored.speed) ? stored.speed : DEFAULTS.speed,
    };
  } catch {
    return { ...DEFAULTS };
  }
}

let shared: SettingsStore | undefined;

/** The page's settings. */
export function settings(): SettingsStore {
  shared ??= new SettingsStore();
  return shared;
}
