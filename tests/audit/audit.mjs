// Runs graphql-http's server audit against a started PartnerGraph and prints the results as JSON.
// Usage: PARTNERGRAPH_TOKEN=... node audit.mjs http://127.0.0.1:PORT/graphql
// Every request carries the partner token, as the API refuses anonymous requests before any GraphQL work.
import { auditServer } from 'graphql-http';

const url = process.argv[2];
const token = process.env.PARTNERGRAPH_TOKEN;
if (!url || !token) {
  console.error('usage: PARTNERGRAPH_TOKEN=... node audit.mjs URL');
  process.exit(2);
}

const fetchFn = (input, init = {}) => {
  const headers = new Headers(init.headers);
  headers.set('authorization', `Bearer ${token}`);
  return fetch(input, { ...init, headers });
};

const results = await auditServer({ url, fetchFn });
const report = results.map((r) => ({ id: r.id, name: r.name, status: r.status, reason: r.reason ?? null }));
console.log(JSON.stringify(report));
