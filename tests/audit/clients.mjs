// The clients partners use, each as its documentation sets it up, against a started server. Prints one JSON object:
//   urql: a query through @urql/core with its default exchanges (and its default Accept header);
//   apollo: the same query twice through @apollo/client with the persisted queries link, and every request it sent;
//   introspection: per token, graphql-js's getIntrospectionQuery (all options) and buildClientSchema's root fields.
// Usage: PARTNERGRAPH_TOKEN=... PARTNERGRAPH_ROLE_TOKENS='{"role":"token",...}' node clients.mjs <http url of /graphql>
import { createHash } from 'node:crypto';
import { Client, cacheExchange, fetchExchange, gql as urqlGql } from '@urql/core';
import { ApolloClient, ApolloLink, HttpLink, InMemoryCache, gql } from '@apollo/client';
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { buildClientSchema, getIntrospectionQuery } from 'graphql';

const url = process.argv[2];
const token = process.env.PARTNERGRAPH_TOKEN;
const roleTokens = JSON.parse(process.env.PARTNERGRAPH_ROLE_TOKENS ?? '{}');
const authorization = `Bearer ${token}`;
const out = {};

// urql, default exchanges: its fetchExchange sends Accept with text/event-stream among the JSON types.
{
  const client = new Client({ url, exchanges: [cacheExchange, fetchExchange], fetchOptions: { headers: { authorization } } });
  const result = await client.query(urqlGql`query UrqlProvinces { provinces { code } viewer { clientId } }`, {}).toPromise();
  out.urql = { data: result.data ?? null, error: result.error ? String(result.error) : null };
}

// Apollo Client with automatic persisted queries; a fetch that notes what each request carried.
{
  const requests = [];
  const fetchAndNote = async (input, init) => {
    const response = await fetch(input, init);
    const sent = init?.body ? JSON.parse(init.body) : Object.fromEntries(new URL(String(input)).searchParams);
    const text = await response.clone().text();
    let code = null;
    try { code = JSON.parse(text).errors?.[0]?.extensions?.code ?? null; } catch { code = 'NOT_JSON'; }
    requests.push({ method: init?.method ?? 'GET', query: 'query' in sent, hash: JSON.stringify(sent.extensions ?? '').includes('sha256Hash'), status: response.status, code });
    return response;
  };
  const client = new ApolloClient({
    cache: new InMemoryCache(),
    link: ApolloLink.from([
      new PersistedQueryLink({ sha256: (text) => createHash('sha256').update(text).digest('hex') }),
      new HttpLink({ uri: url, headers: { authorization }, fetch: fetchAndNote }),
    ]),
  });
  const query = gql`query ApolloViewer { viewer { clientId organisation { id } } }`;
  try {
    const first = await client.query({ query, fetchPolicy: 'no-cache' });
    const second = await client.query({ query, fetchPolicy: 'no-cache' });
    out.apollo = { first: first.data ?? null, second: second.data ?? null, error: null, requests };
  } catch (e) {
    out.apollo = { error: `${e}: ${JSON.stringify(e.errors ?? null)}`, requests };
  }
}

// graphql-js introspection, then buildClientSchema, for each role's token.
out.introspection = {};
for (const [role, roleToken] of Object.entries(roleTokens)) {
  const query = getIntrospectionQuery({ descriptions: true, specifiedByUrl: true, directiveIsRepeatable: true, schemaDescription: true, inputValueDeprecation: true, oneOf: true });
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', authorization: `Bearer ${roleToken}` },
    body: JSON.stringify({ query, operationName: 'IntrospectionQuery' }),
  });
  const body = await response.json();
  if (body.errors) {
    out.introspection[role] = { errors: body.errors };
    continue;
  }

  const schema = buildClientSchema(body.data);
  const roots = [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].filter(Boolean);
  out.introspection[role] = { fields: roots.flatMap((t) => Object.keys(t.getFields())).sort(), types: Object.keys(schema.getTypeMap()).length };
}

console.log(JSON.stringify(out));
