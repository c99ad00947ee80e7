/** Why the lab leaves out the parts of a definitions file that are not a vhost's topology, and how to add them by hand. */
import type { NotImportedGroup } from './definitions-format.js';

/** One sentence per group: the lab imports exchanges, queues and bindings only. */
export const NOT_IMPORTED_REASONS: Readonly<Record<NotImportedGroup, string>> = {
  users:
    'the lab imports exchanges, queues and bindings only; add a user with rabbitmqctl add_user NAME PASSWORD (and rabbitmqctl set_user_tags NAME TAG)',
  vhosts: 'the lab imports into the one vhost it watches; add a vhost with rabbitmqctl add_vhost NAME',
  permissions:
    'the lab imports exchanges, queues and bindings only; grant a user access with rabbitmqctl set_permissions -p VHOST USER CONFIGURE WRITE READ',
  topic_permissions:
    'the lab imports exchanges, queues and bindings only; set them with rabbitmqctl set_topic_permissions -p VHOST USER EXCHANGE WRITE READ',
  policies:
    'the lab imports exchanges, queues and bindings only (the embedded broker has no policies); on RabbitMQ set one with rabbitmqctl set_policy -p VHOST NAME PATTERN DEFINITION',
  parameters:
    'the lab imports exchanges, queues and bindings only (the embedded broker has no runtime parameters); on RabbitMQ set one with rabbitmqctl set_parameter -p VHOST COMPONENT NAME VALUE',
  global_parameters:
    'the lab imports exchanges, queues and bindings only (the embedded broker has no global parameters); on RabbitMQ set one with rabbitmqctl set_global_parameter NAME VALUE',
};
