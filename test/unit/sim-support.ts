// Helpers for the simulator's unit tests.
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SimulatorOptions } from '../../src/sim/options.js';
import { startSimulator, type Simulator } from '../../src/sim/server.js';

/** Runs `body` against a simulator started for it, and stops the simulator whatever happens. */
export async function withSimulator(options: SimulatorOptions, body: (sim: Simulator) => Promise<void>): Promise<void> {
  const sim = await startSimulator(options);
  try {
    await body(sim);
  } finally {
    await sim.stop();
  }
}

/** A client without SDK retries, so each send is exactly one request. */
export function singleAttemptClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({
    endpoint, region: 'us-east-1', credentials: { accessKeyId: 'sim', secretAccessKey: 'sim' }, maxAttempts: 1,
  });
}

/** An on-demand table keyed by `id` (N). */
export async function createIdTable(client: DynamoDBClient, name: string): Promise<void> {
  await client.send(new CreateTableCommand({
    TableName: name, BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'N' }], KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
  }));
}
