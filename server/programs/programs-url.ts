/**
 * The broker URL the programs a code cell shows connect to by default: the
 * workbook's broker, as a program copied from the page can reach it. The
 * tutorials' guest:guest stays; any other password is left out (a page
 * shows no secrets), and the program's comment says to set AMQP_URL.
 */

/** `url` as the programs show it. */
export function programsUrlOf(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url;
  }
  if (parsed.password !== '' && !(parsed.username === 'guest' && parsed.password === 'guest')) parsed.password = '';
  return parsed.toString();
}
