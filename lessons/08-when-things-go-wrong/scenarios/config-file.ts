/**
 * A configuration file that stops the broker: the seed notes' rabbitmq.config
 * with a comma after its last element, or a rabbitmq.conf line without its
 * `=`, and the same files corrected. The actor is the broker itself, started
 * as a learner starts it (`npm run broker -- --config FILE`): it refuses to
 * start, naming the file, the line and what it expected, or starts and
 * listens. The files are fixed texts chosen by the parameters: data, never
 * code, and the command's flags are fixed too.
 */
import { Type, type Static } from '@sinclair/typebox';
import { defineProgramCell, type ConfigFileName } from '../../../server/programs/cell.js';
import { programScenario } from '../../../server/programs/orchestrate.js';

/** The exit code of the broker's command when a configuration file is wrong. */
export const CONFIG_REFUSED = 2;

const configFileParams = Type.Object({
  file: Type.Union([Type.Literal('rabbitmq.config'), Type.Literal('rabbitmq.conf')], {
    default: 'rabbitmq.config',
    description: "which file: rabbitmq.config (Erlang terms, the seed notes' file) or rabbitmq.conf (key = value lines)",
  }),
  corrected: Type.Boolean({
    default: false,
    description: 'false: the file with its mistake (a trailing comma, a line without =); true: the same file corrected',
  }),
});

/** The parameters of the config-file cells. */
export type ConfigFileParams = Static<typeof configFileParams>;

/** How the file tells the learner to start the broker with it. */
function startWith(file: ConfigFileName, comment: string): string[] {
  return [
    `${comment} Start the broker with this file: npm run broker -- --config ${file}`,
    `${comment} (RabbitMQ reads /etc/rabbitmq/${file}, or the file RABBITMQ_CONFIG_FILE names.)`,
  ];
}

/** The configuration file the broker is started with. */
export function configText({ file, corrected }: ConfigFileParams): string {
  if (file === 'rabbitmq.conf') {
    return [
      ...startWith(file, '#'),
      '# Let guest log in from anywhere on the network.',
      corrected ? 'loopback_users.guest = false' : 'loopback_users.guest false',
      '',
    ].join('\n');
  }
  return [
    ...startWith(file, '%%'),
    '[',
    ' {rabbit,',
    '  [',
    '   %% Uncomment the following line if you want to allow access to the',
    '   %% guest user from anywhere on the network.',
    `   {loopback_users, []}${corrected ? '' : ','}`,
    '  ]}',
    '].',
    '',
  ].join('\n');
}

export default programScenario(
  defineProgramCell({
    title: 'A configuration file that stops the broker',
    params: configFileParams,
    // The file is the same whatever the language of the other cells' programs.
    languages: ['javascript'],
    programs: (params) => [
      {
        actor: 'broker process',
        code: configText(params),
        configFile: params.file,
        next: { ready: /listening on/ },
        ...(params.corrected ? {} : { expects: { exitCode: CONFIG_REFUSED } }),
      },
    ],
  }),
);
