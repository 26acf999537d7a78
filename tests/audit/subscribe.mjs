// Subscribes to referralStatusChanged the way a partner's integration does, with the graphql-ws or graphql-sse
// client, and prints one JSON line per message: {"ready":true} once subscribed, then each result as received.
// Usage: node subscribe.mjs ws|sse <http url of /graphql> <token> <events to wait for> [after]
import { createClient as createWsClient } from 'graphql-ws';
import { createClient as createSseClient } from 'graphql-sse';
import WebSocket from 'ws';

const [transport, url, token, count, after] = process.argv.slice(2);
const query = `subscription Changes($after: Long) {
  referralStatusChanged(after: $after) { sequence status previousStatus referral { id reference status } changedBy { slug } }
}`;
const variables = after ? { after: Number(after) } : {};

const client = transport === 'ws'
  ? createWsClient({
      url: url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      lazy: false,
      retryAttempts: 0,
      connectionParams: { authorization: `Bearer ${token}` },
    })
  : createSseClient({ url, headers: { authorization: `Bearer ${token}` }, retryAttempts: 0 });

let received = 0;
const subscription = client.iterate({ query, variables });
console.log(JSON.stringify({ ready: true }));
try {
  for await (const result of subscription) {
    console.log(JSON.stringify(result));
    if (++received >= Number(count)) break;
  }
} catch (error) {
  console.log(JSON.stringify({ failed: String(error?.message ?? error?.reason ?? error) }));
  process.exitCode = 1;
}
await client.dispose();
process.exit();
