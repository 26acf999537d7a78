// Breaks one rule of graphql-transport-ws with the ws library (what graphql-ws runs on in Node.js), over TCP, and
// prints one JSON line per server message ({"message":"connection_ack"}) and one when the socket closes
// ({"code":4408,"reason":"..."}). A close the server starts must arrive with its code: 1006 means no close frame came.
// Usage: node close.mjs <ws url of /graphql> <scenario> <token> [repeat]
import WebSocket from 'ws';

const [url, scenario, token, repeat = '1'] = process.argv.slice(2);
const init = (payload = { authorization: `Bearer ${token}` }) => ({ type: 'connection_init', payload });
const subscribe = (id) => ({ id, type: 'subscribe', payload: { query: 'subscription { referralStatusChanged { sequence } }' } });

// What each scenario sends once the socket is open, and what it sends when the server acknowledges.
const scenarios = {
  'no-init': { open: [] },
  'pings-only': { open: [], every: { type: 'ping' } },
  'subscribe-before-ack': { open: [subscribe('1')] },
  'bad-token': { open: [init({ authorization: 'Bearer not-a-token' })] },
  'token-expires': { open: [init()], ack: [subscribe('1')] },
  'client-disabled': { open: [init()], ack: [subscribe('1')] },
  'no-subprotocol': { protocols: [], open: [] },
  malformed: { open: [init()], ack: ['{"type":"subscribe","id":"1","payload":{"query":7}}'] },
  'same-id-twice': { open: [init()], ack: [subscribe('same'), subscribe('same')] },
  'second-init': { open: [init()], ack: [init()] },
  'too-big': { open: [init()], ack: [JSON.stringify(subscribe('1')).replace('subscription', 'subscription' + ' '.repeat(1024 * 1024))] },
  'database-away': { open: [init()] },
  'too-many-connections': { open: [init()] },
};

const run = (plan) => new Promise((resolve) => {
  const socket = new WebSocket(url, plan.protocols ?? ['graphql-transport-ws']);
  const send = (message) => socket.send(typeof message === 'string' ? message : JSON.stringify(message));
  let timer;
  socket.on('open', () => {
    plan.open.forEach(send);
    if (plan.every) timer = setInterval(() => send(plan.every), 200);
  });
  socket.on('message', (data) => {
    const message = JSON.parse(data.toString());
    console.log(JSON.stringify({ message: message.type }));
    if (message.type === 'connection_ack') (plan.ack ?? []).forEach(send);
  });
  socket.on('error', () => {}); // the close event that follows says what happened
  socket.on('close', (code, reason) => {
    clearInterval(timer);
    console.log(JSON.stringify({ code, reason: reason.toString() }));
    resolve();
  });
});

const plan = scenarios[scenario];
if (!plan) {
  console.error(`unknown scenario ${scenario}`);
  process.exit(2);
}

for (let i = 0; i < Number(repeat); i++) await run(plan);
