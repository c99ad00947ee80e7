import express from 'express';
import type { AddressInfo } from 'node:net';
import { ConfigError, readConfig } from './config.js';
import { openBrokerTarget, redactUrl } from './broker-connection.js';
import { renderStatusPage } from './web/status-page.js';

async function main(): Promise<void> {
  const config = readConfig();
  const broker = await openBrokerTarget(config);
  const app = express();
  app.get('/', (_request, response) => {
    response.type('html').send(renderStatusPage(broker));
  });
  app.get('/api/broker', (_request, response) => {
    response.json({ kind: broker.kind, url: redactUrl(broker.url) });
  });
  const server = app.listen(config.port, config.host, () => {
    const { port } = server.address() as AddressInfo;
    console.log(`Broker: ${broker.kind === 'embedded' ? 'embedded' : 'RabbitMQ'} at ${redactUrl(broker.url)}`);
    console.log(`Warren is running: open http://${config.host}:${port}/`);
  });
  const stop = (): void => {
    server.close();
    void broker.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(2);
  }
  console.error(error);
  process.exit(1);
});
