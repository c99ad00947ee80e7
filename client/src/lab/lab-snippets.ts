/**
 * Programs to paste and run against the lab's address, one per client a
 * learner is likely to have: pika, amqplib, the Java client and the
 * command line's amqp-tools. Each names its connection, so the picture shows
 * it by that name rather than by its address.
 */

/** One way to connect, as the Lab page offers it. */
export interface LabSnippet {
  /** The tab's label. */
  client: string;
  /** highlight.js's name for the code's language ('plaintext' for none it knows). */
  language: string;
  /** How to get the client, one line. */
  install: string;
  code: string;
}

/** A string as a double-quoted literal of JavaScript, Java or Python (the address holds no quotes, but stays safe if it did). */
function quoted(text: string): string {
  return JSON.stringify(text);
}

/** The snippets for a lab at `url`. */
export function labSnippets(url: string): LabSnippet[] {
  return [
    {
      client: 'Python (pika)',
      language: 'python',
      install: 'pip install pika, or on Debian and Ubuntu: apt install python3-pika',
      code: [
        'import pika',
        '',
        `parameters = pika.URLParameters(${quoted(url)})`,
        "parameters.client_properties = {'connection_name': 'my sender'}",
        'connection = pika.BlockingConnection(parameters)',
        'channel = connection.channel()',
        "channel.queue_declare(queue='hello')",
        "channel.basic_publish(exchange='', routing_key='hello', body='Hello World!')",
        'print(" [x] Sent \'Hello World!\'")',
        'connection.close()',
      ].join('\n'),
    },
    {
      client: 'JavaScript (amqplib)',
      language: 'javascript',
      install: 'npm install amqplib',
      code: [
        "import amqp from 'amqplib';",
        '',
        `const connection = await amqp.connect(${quoted(url)}, { clientProperties: { connection_name: 'my sender' } });`,
        'const channel = await connection.createChannel();',
        "await channel.assertQueue('hello', { durable: false });",
        "channel.sendToQueue('hello', Buffer.from('Hello World!'));",
        'console.log(" [x] Sent \'Hello World!\'");',
        'await channel.close();',
        'await connection.close();',
      ].join('\n'),
    },
    {
      client: 'Java',
      language: 'plaintext',
      install: 'com.rabbitmq:amqp-client (Maven), or on Debian and Ubuntu: apt install librabbitmq-client-java',
      code: [
        'ConnectionFactory factory = new ConnectionFactory();',
        `factory.setUri(${quoted(url)});`,
        'try (Connection connection = factory.newConnection("my sender");',
        '     Channel channel = connection.createChannel()) {',
        '    channel.queueDeclare("hello", false, false, false, null);',
        '    channel.basicPublish("", "hello", null, "Hello World!".getBytes(StandardCharsets.UTF_8));',
        '}',
      ].join('\n'),
    },
    {
      client: 'Command line',
      language: 'plaintext',
      install: 'amqp-tools: apt install amqp-tools',
      code: [
        '# Receive: print each message of the queue "hello" as it comes (Ctrl-C to stop)',
        `amqp-declare-queue --url=${url} -q hello`,
        `amqp-consume --url=${url} -q hello cat`,
        '',
        '# Send one message to it',
        `amqp-publish --url=${url} -r hello -b 'Hello World!'`,
      ].join('\n'),
    },
  ];
}
