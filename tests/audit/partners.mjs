// More of the clients partners use, each as its documentation sets it up, against a started server. Prints one JSON object:
//   apollo: createReferral and withdrawReferral through Apollo Client's HttpLink, and the change they make received
//           through a GraphQLWsLink subscription (graphql-ws) on the same client;
//   graphqlRequest: a query through graphql-request, and a refusal with its details read from extensions;
//   codegen: @graphql-codegen/cli run on codegen.yml (TypeScript types from the URL, with the token header).
// Usage: PARTNERGRAPH_TOKEN=... PARTNERGRAPH_SHELTER=<organisation slug> PARTNERGRAPH_CODEGEN_OUT=<file.ts> node partners.mjs <http url of /graphql>
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ApolloClient, ApolloLink, HttpLink, InMemoryCache, gql } from '@apollo/client';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { getMainDefinition } from '@apollo/client/utilities';
import { createClient } from 'graphql-ws';
import { ClientError, GraphQLClient, gql as requestGql } from 'graphql-request';
import WebSocket from 'ws';

const url = process.argv[2];
const token = process.env.PARTNERGRAPH_TOKEN;
const authorization = `Bearer ${token}`;
const out = {};

// Apollo Client: queries and mutations over HTTP, subscriptions over graphql-ws, split by operation type.
{
  const wsClient = createClient({ url: url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, connectionParams: { authorization }, retryAttempts: 0 });
  const client = new ApolloClient({
    cache: new InMemoryCache(),
    link: ApolloLink.split(
      ({ query }) => {
        const definition = getMainDefinition(query);
        return definition.kind === 'OperationDefinition' && definition.operation === 'subscription';
      },
      new GraphQLWsLink(wsClient),
      new HttpLink({ uri: url, headers: { authorization } }),
    ),
  });
  try {
    const created = await client.mutate({
      mutation: gql`mutation Refer($input: CreateReferralInput!) { createReferral(input: $input) { referral { id reference status version } change { sequence } } }`,
      variables: { input: { toOrganisation: process.env.PARTNERGRAPH_SHELTER, kind: 'DOMESTIC', services: ['SHELTER'], consent: { givenBy: 'CHILD' } } },
    });
    const referral = created.data.createReferral.referral;

    // From the creation's sequence on: the withdrawal arrives whether it is made before or after the socket is up.
    const event = new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no event within 20 s')), 20_000);
      const subscription = client.subscribe({
        query: gql`subscription Follow($id: ID!, $after: Long) { referralStatusChanged(referralId: $id, after: $after) { sequence status previousStatus referral { id } } }`,
        variables: { id: referral.id, after: created.data.createReferral.change.sequence },
      }).subscribe({
        next: (result) => {
          if (result.error) { clearTimeout(timer); subscription.unsubscribe(); reject(result.error); return; }
          clearTimeout(timer);
          subscription.unsubscribe();
          resolve(result.data.referralStatusChanged);
        },
        error: (e) => { clearTimeout(timer); reject(e); },
      });
    });
    const withdrawn = await client.mutate({
      mutation: gql`mutation Withdraw($input: ReferralTransitionInput!) { withdrawReferral(input: $input) { referral { id status version } } }`,
      variables: { input: { referralId: referral.id, expectedVersion: referral.version, reason: 'Family found' } },
    });
    out.apollo = { created: referral, withdrawn: withdrawn.data.withdrawReferral.referral, event: await event, error: null };
  } catch (e) {
    out.apollo = { error: `${e}: ${JSON.stringify(e.errors ?? e.graphQLErrors ?? null)}` };
  }
  await wsClient.dispose();
}

// graphql-request: a query, and a refusal whose details a program reads from extensions.
{
  const client = new GraphQLClient(url, { headers: { authorization } });
  try {
    const data = await client.request(requestGql`query Provinces { provinces { code } viewer { clientId } }`);
    let refusal = null;
    try {
      await client.request(requestGql`query Big { referrals(first: 101) { nodes { id } } }`);
    } catch (e) {
      refusal = e instanceof ClientError ? e.response.errors?.[0]?.extensions ?? null : { unexpected: String(e) };
    }
    out.graphqlRequest = { provinces: data.provinces.length, clientId: data.viewer.clientId, refusal, error: null };
  } catch (e) {
    out.graphqlRequest = { error: String(e) };
  }
}

// graphql-codegen's command line on codegen.yml, as a partner runs `npx graphql-codegen`.
{
  const require = createRequire(import.meta.url);
  const bin = join(dirname(require.resolve('@graphql-codegen/cli/package.json')), 'esm', 'bin.js');
  const run = spawnSync(process.execPath, [bin, '--config', 'codegen.yml'], {
    env: { ...process.env, PARTNERGRAPH_URL: url },
    encoding: 'utf8',
    timeout: 90_000,
  });
  out.codegen = { exitCode: run.status, output: `${run.stdout ?? ''}${run.stderr ?? ''}`.slice(-2000) };
}

console.log(JSON.stringify(out));
process.exit();
