/**
 * `run --local`: an embedded DynamoDB Local stands in for AWS. Every `dynamodb_output` connector
 * is pointed at it (with dummy credentials) and its table created from its index when missing;
 * at the end each of those tables is printed. Other outputs are left as they are, and without a
 * DynamoDB output nothing is started.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Logger } from 'pino';
import { DynamoDBOutputDefinition } from '../connectors/dynamodb/connector.js';
import { ensureTable, sampleTable } from '../connectors/dynamodb/local-tables.js';
import { LOCAL_CREDENTIALS, startDynamoDBLocal, type DynamoDBLocal } from '../local/dynamodb-local.js';
import type { OutputEndpoint } from '../pipeline/endpoints.js';
import { renderItems } from './render-table.js';

/** More rows than fit on a few screens are not worth printing; the count is printed instead. */
const MAX_ITEMS_SHOWN = 100;

export class LocalDynamoDB {
  private constructor(
    private readonly local: DynamoDBLocal,
    /** The program's outputs, the DynamoDB ones pointed at DynamoDB Local. */
    readonly outputs: readonly OutputEndpoint[],
  ) {}

  /** Starts DynamoDB Local (keeping its data in `dataDir`, or in memory) when some output writes to DynamoDB. */
  static async start(outputs: readonly OutputEndpoint[], dataDir: string | undefined, logger: Logger): Promise<LocalDynamoDB | undefined> {
    if (!outputs.some((endpoint) => endpoint.connector instanceof DynamoDBOutputDefinition)) return undefined;
    const local = await startDynamoDBLocal({ sharedDb: true, ...(dataDir ? { dbPath: dataDir } : {}) });
    logger.info({ endpoint: local.endpoint, dataDir: dataDir ?? 'in memory' }, 'DynamoDB Local started');
    try {
      return new LocalDynamoDB(local, await pointAtLocal(outputs, local, logger));
    } catch (error) {
      await local.stop();
      throw error;
    }
  }

  /** Prints each DynamoDB output's table (once, however many outputs write to it). */
  async printTables(out: NodeJS.WritableStream): Promise<void> {
    const client = localClient(this.local);
    try {
      const shown = new Set<string>();
      for (const { connector } of this.outputs) {
        if (!(connector instanceof DynamoDBOutputDefinition) || shown.has(connector.config.table)) continue;
        shown.add(connector.config.table);
        const { items, total } = await sampleTable(client, connector.config.table, MAX_ITEMS_SHOWN);
        out.write(`\nDynamoDB table ${connector.config.table} (${total} item${total === 1 ? '' : 's'}`
          + `${total > items.length ? `; the first ${items.length} scanned are shown` : ''}):\n`);
        out.write(`${renderItems(items, connector.index.columns)}\n`);
      }
    } finally {
      client.destroy();
    }
  }

  /** For an abort: ends DynamoDB Local at once. */
  kill(): void {
    void this.local.kill();
  }

  stop(): Promise<void> {
    return this.local.stop();
  }
}

async function pointAtLocal(outputs: readonly OutputEndpoint[], local: DynamoDBLocal, logger: Logger): Promise<OutputEndpoint[]> {
  const client = localClient(local);
  try {
    const pointed: OutputEndpoint[] = [];
    for (const endpoint of outputs) {
      if (!(endpoint.connector instanceof DynamoDBOutputDefinition)) {
        pointed.push(endpoint);
        continue;
      }
      const connector = endpoint.connector.withConfig({
        endpoint_url: local.endpoint,
        aws_access_key_id: LOCAL_CREDENTIALS.accessKeyId,
        aws_secret_access_key: LOCAL_CREDENTIALS.secretAccessKey,
      });
      if (await ensureTable(client, connector)) logger.info({ table: connector.config.table }, `created table ${connector.config.table} in DynamoDB Local`);
      pointed.push({ ...endpoint, connector });
    }
    return pointed;
  } finally {
    client.destroy();
  }
}

function localClient(local: DynamoDBLocal): DynamoDBClient {
  return new DynamoDBClient({ endpoint: local.endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS });
}
