/**
 * Acting on a running program from its box in the picture, in Chromium: over
 * the box of each actor that offers something is a button that opens a menu
 * of its actions (the same as its terminal's), by mouse and by keyboard, and
 * the menu asks for the action chosen; once the run is over the buttons go,
 * and the boxes stay pictures with their descriptions throughout.
 */
import { html } from 'lit';
import { afterEach, describe, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import type { ActorActionRequest, ProgramActions } from '../../client/src/run/actor-actions.js';
import type { TopologyViewElement } from '../../client/src/run/topology-view.js';
import '../../client/src/run/topology-view.js';
import { allInShadow, inShadow, mount, settled, unmountAll } from './mount.js';
import { finishedRun } from './recorded-runs.js';

/** The seven-task run's actors while it goes: both workers running, the producer sent and left. */
const ACTIONS: ProgramActions = {
  another: { 'worker 1': 'start another', 'worker 2': 'start another', producer: 'send one more' },
  isRunning: (actor) => actor !== 'producer',
};

/** The element that has the focus, looking into shadow roots. */
function focused(): Element | null {
  let at = document.activeElement;
  while (at?.shadowRoot?.activeElement) at = at.shadowRoot.activeElement;
  return at;
}

/** What the open menu offers, as a person reads its items. */
function menuItems(view: TopologyViewElement): string[] {
  const menu = view.shadowRoot?.querySelector('actor-menu');
  return allInShadow(menu ?? view, '[role="menuitem"]').map((item) => item.innerText.trim());
}

async function mountPicture(requests: ActorActionRequest[]): Promise<TopologyViewElement> {
  const view = await mount<TopologyViewElement>(
    html`<topology-view
      .model=${finishedRun('seven-tasks')}
      .speed=${0}
      .actions=${ACTIONS}
      @actor-action=${(event: CustomEvent<ActorActionRequest>) => requests.push(event.detail)}
    ></topology-view>`,
  );
  await settled(view);
  return view;
}

describe("the picture's actors during a run", () => {
  afterEach(unmountAll);

  it('have buttons over their boxes that open a menu of their actions, and the menu asks for the one chosen', async () => {
    const requests: ActorActionRequest[] = [];
    const view = await mountPicture(requests);

    const worker1 = page.getByRole('button', { name: 'Actions on worker 1: kill, stop (ctrl-c), start another', exact: true });
    expect(worker1.element().getAttribute('aria-haspopup')).toBe('menu');
    expect(worker1.element().getAttribute('aria-expanded')).toBe('false');
    // The producer has sent and left: it can only be sent once more.
    expect(page.getByRole('button', { name: 'Actions on producer: send one more', exact: true }).elements()).toHaveLength(1);
    // The boxes themselves stay pictures with their own descriptions.
    expect(page.getByRole('img', { name: /^consumer worker 1: got / }).elements()).toHaveLength(1);

    // By mouse: the menu opens under the box with the terminal's actions, the first one focused.
    await worker1.click();
    await settled(view);
    expect(inShadow(view, '[data-actions-of="worker 1"]').getAttribute('aria-expanded')).toBe('true');
    expect(page.getByRole('menu', { name: 'Actions on worker 1' }).elements()).toHaveLength(1);
    expect(menuItems(view)).toEqual(['Kill', 'Stop (Ctrl-C)', 'Start another']);
    expect(focused()?.getAttribute('aria-label')).toBe('Kill worker 1');
    await page.getByRole('menuitem', { name: 'Stop worker 1' }).click();
    await settled(view);
    expect(requests).toEqual([{ actor: 'worker 1', action: 'stop' }]);
    expect(view.shadowRoot?.querySelector('actor-menu')).toBeNull();

    // By keyboard: Enter on the focused box opens it, the arrows move, Enter chooses, and the focus is back on the box.
    inShadow(view, '[data-actions-of="worker 2"]').focus();
    await userEvent.keyboard('{Enter}');
    await settled(view);
    expect(focused()?.getAttribute('aria-label')).toBe('Kill worker 2');
    await userEvent.keyboard('{ArrowDown}{ArrowDown}');
    expect(focused()?.getAttribute('aria-label')).toBe('Start another (worker 2)');
    await userEvent.keyboard('{ArrowDown}');
    expect(focused()?.getAttribute('aria-label')).toBe('Kill worker 2');
    await userEvent.keyboard('{Enter}');
    await settled(view);
    expect(requests.at(-1)).toEqual({ actor: 'worker 2', action: 'kill' });
    expect((focused() as HTMLElement | SVGElement | null)?.dataset.actionsOf).toBe('worker 2');

    // Escape closes the menu and chooses nothing.
    await userEvent.keyboard('{Enter}');
    await settled(view);
    expect(menuItems(view)).toEqual(['Kill', 'Stop (Ctrl-C)', 'Start another']);
    await userEvent.keyboard('{Escape}');
    await settled(view);
    expect(view.shadowRoot?.querySelector('actor-menu')).toBeNull();
    expect((focused() as HTMLElement | SVGElement | null)?.dataset.actionsOf).toBe('worker 2');
    expect(requests).toHaveLength(2);

    // The producer's menu sends one more.
    await page.getByRole('button', { name: /^Actions on producer/ }).click();
    await settled(view);
    expect(menuItems(view)).toEqual(['Send one more']);
    await page.getByRole('menuitem', { name: 'Send one more (producer)' }).click();
    expect(requests.at(-1)).toEqual({ actor: 'producer', action: 'another' });
  });

  it('a click elsewhere closes the menu, and once the run is over the buttons are gone', async () => {
    const requests: ActorActionRequest[] = [];
    const view = await mountPicture(requests);
    await page.getByRole('button', { name: /^Actions on worker 1/ }).click();
    await settled(view);
    expect(menuItems(view)).toHaveLength(3);
    // A second click on the same box closes its menu.
    await page.getByRole('button', { name: /^Actions on worker 1/ }).click();
    await settled(view);
    expect(view.shadowRoot?.querySelector('actor-menu')).toBeNull();

    await page.getByRole('button', { name: /^Actions on worker 2/ }).click();
    await settled(view);
    expect(menuItems(view)).toHaveLength(3);
    await page.getByRole('img', { name: /^queue task_queue/ }).click();
    await settled(view);
    expect(view.shadowRoot?.querySelector('actor-menu')).toBeNull();
    expect(requests).toEqual([]);

    view.actions = undefined;
    await settled(view);
    expect(allInShadow(view, '.actions-button')).toEqual([]);
    expect(allInShadow(view, '[data-actor]').map((actor) => actor.getAttribute('role'))).toEqual(['img', 'img', 'img']);
  });
});
