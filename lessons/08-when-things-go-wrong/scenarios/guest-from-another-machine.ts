/**
 * guest from another machine: the first tutorial's producer, run on another
 * host (a network namespace of this one), logs in as guest and is refused,
 * because the broker lets guest in only through a loopback address. The two
 * ways out are parameters: log in as a user of your own, or configure the
 * broker with loopback_users = none. The run's broker is one of its own,
 * listening on this host's end of the link, configured as the cell says.
 */
import { Type, type Static } from '@sinclair/typebox';
import { defineProgramCell } from '../../../server/programs/cell.js';
import { programScenario } from '../../../server/programs/orchestrate.js';
import { PublishProperties } from '../../../server/scenario/index.js';
import { producerJavaScript } from './guest-from-another-machine.javascript.js';
import { producerPython } from './guest-from-another-machine.python.js';

/** The user of your own the broker is given for the run, and its password. */
export const OWN_USER = { username: 'sender', password: 's3cret' } as const;

/** The reply code of a refused login: ACCESS_REFUSED. */
export const ACCESS_REFUSED = 403;

/** The exit code of a program that could not log in and said why. */
export const GAVE_UP = 1;

const guestParams = Type.Object({
  user: Type.Union([Type.Literal('guest'), Type.Literal(OWN_USER.username)], {
    default: 'guest',
    description: `the user the producer logs in as: guest, or ${OWN_USER.username}, a user of your own (password ${OWN_USER.password}) the broker has`,
  }),
  loopbackUsers: Type.Union([Type.Literal('guest'), Type.Literal('none')], {
    default: 'guest',
    description:
      "the broker's loopback_users setting in rabbitmq.conf: guest (the default: guest may log in only through localhost) or none",
  }),
  properties: PublishProperties,
});

/** The parameters of the guest-from-another-machine cells. */
export type GuestParams = Static<typeof guestParams>;

/** Whether the broker refuses the producer's login with these parameters. */
export function refused({ user, loopbackUsers }: GuestParams): boolean {
  return user === 'guest' && loopbackUsers === 'guest';
}

export default programScenario(
  defineProgramCell({
    title: 'guest from another machine',
    params: guestParams,
    anotherMachine: (params) => ({
      loopbackUsers: params.loopbackUsers === 'none' ? [] : ['guest'],
      ...(params.user === OWN_USER.username ? { ownUser: { ...OWN_USER } } : {}),
    }),
    programs: (params, language) => [
      {
        actor: 'producer',
        code: language === 'python' ? producerPython(params) : producerJavaScript(params),
        next: 'ended',
        ...(refused(params) ? { expects: { exitCode: GAVE_UP, closes: [ACCESS_REFUSED] } } : {}),
      },
    ],
  }),
);
