/**
 * Whether this machine can run the Python programs: Debian's python3 with
 * pika. Asked once, when a Python run or the page first needs to know.
 */
import { spawnSync } from 'node:child_process';
import { PYTHON } from './actor-process.js';

let answer: { problem: string | undefined } | undefined;

/** Why Python programs cannot run here, with what to install; undefined when they can. */
export function pythonProblem(): string | undefined {
  answer ??= { problem: ask() };
  return answer.problem;
}

function ask(): string | undefined {
  const result = spawnSync(PYTHON, ['-c', 'import pika; print(pika.__version__)'], { encoding: 'utf8', timeout: 10_000 });
  if (result.error !== undefined) {
    return `Python programs need ${PYTHON}, which is not on this machine: install Python 3 and pika (on Debian or Ubuntu: apt-get install -y python3-pika), then start the workbook again.`;
  }
  if (result.status !== 0) {
    return `Python programs need pika, which ${PYTHON} cannot import: install it (on Debian or Ubuntu: apt-get install -y python3-pika; elsewhere: ${PYTHON} -m pip install pika), then start the workbook again.`;
  }
  return undefined;
}
