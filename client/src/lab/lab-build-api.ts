/** POST /api/lab/build from the page: the server's answer, or why there was none, always as a LabBuildAnswer. */
import type { LabBuildAnswer, LabBuildRequest } from '../../../server/protocol/lab-build.js';

export async function postLabBuild(request: LabBuildRequest): Promise<LabBuildAnswer> {
  let response: Response;
  try {
    response = await fetch('/api/lab/build', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(request),
    });
  } catch {
    return { ok: false, error: 'The workbook server cannot be reached. Is it still running?' };
  }
  try {
    const answer = (await response.json()) as LabBuildAnswer;
    if (typeof answer.ok === 'boolean') return answer;
  } catch {
    // Answered below.
  }
  return { ok: false, error: `the server answered ${String(response.status)} without saying why` };
}
