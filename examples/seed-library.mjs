// The seed example through the library: an embedded DynamoDB Local, the composite-key table
// feldera_out (id N HASH, sort S RANGE), and view v1 (id INT, sort VARCHAR, s VARCHAR) indexed by
// (id, sort). The five rows are the ones the seed's datagen table t0 generates by default
// (increment strategy: row i has id i, sort "i", s "i"); the view then updates one and deletes one.
import { CreateTableCommand, DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { openDynamoDBOutput, startDynamoDBLocal } from '../dist/index.js';

const local = await startDynamoDBLocal();
const credentials = { aws_access_key_id: 'dynaviewlocal', aws_secret_access_key: 'dynaviewlocal' };
const client = new DynamoDBClient({
  endpoint: local.endpoint,
  region: 'us-east-1',
  credentials: { accessKeyId: credentials.aws_access_key_id, secretAccessKey: credentials.aws_secret_access_key },
});
try {
  await client.send(new CreateTableCommand({
    TableName: 'feldera_out',
    AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'N' }, { AttributeName: 'sort', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }, { AttributeName: 'sort', KeyType: 'RANGE' }],
    BillingMode: 'PAY_PER_REQUEST',
  }));

  const out = await openDynamoDBOutput({
    name: 'v1.unnamed-0',
    config: { table: 'feldera_out', region: 'us-east-1', endpoint_url: local.endpoint, ...credentials },
    view: {
      name: 'v1',
      columns: [
        { name: 'id', type: 'INT', nullable: false },
        { name: 'sort', type: 'VARCHAR', nullable: false },
        { name: 's', type: 'VARCHAR', nullable: true },
      ],
    },
    index: { name: 'v1_idx', columns: ['id', 'sort'] },
  });

  const t0 = Array.from({ length: 5 }, (_, i) => ({ id: i, sort: String(i), s: String(i) }));
  const first = await out.writeStep(t0.map((row) => ({ row, weight: 1 })));
  const second = await out.writeStep([
    { row: t0[1], weight: -1 },
    { row: { ...t0[1], s: 'one, updated' }, weight: 1 },
    { row: t0[4], weight: -1 },
  ]);
  await out.close();
  console.log(`step 1: ${first.puts} puts; step 2: ${second.puts} put, ${second.deletes} delete`);

  const { Items = [] } = await client.send(new ScanCommand({ TableName: 'feldera_out' }));
  const rows = Items.map((item) => ({ id: Number(item.id.N), sort: item.sort.S, s: item.s.NULL ? null : item.s.S }))
    .sort((a, b) => a.id - b.id);
  console.log('feldera_out:');
  console.table(rows);
} finally {
  client.destroy();
  await local.stop();
}
