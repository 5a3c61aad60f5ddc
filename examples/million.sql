-- A million generated rows through a view into DynamoDB: for checking that memory stays bounded.
-- Run with: npx dynaview run examples/million.sql --local
CREATE TABLE events (id BIGINT NOT NULL, kind VARCHAR, amount DECIMAL(12, 2), at TIMESTAMP) WITH (
'connectors' = '[{
  "transport": {
    "name": "datagen",
    "config": {
      "seed": 1,
      "plan": [{
        "limit": 1000000,
        "fields": {
          "kind": { "values": ["click", "view", "purchase"] },
          "amount": { "strategy": "uniform", "range": [0, 1000] }
        }
      }]
    }
  }
}]'
);
CREATE VIEW big_events WITH (
'connectors' = '[{
  "index": "big_events_idx",
  "transport": {
    "name": "dynamodb_output",
    "config": { "table": "big_events", "region": "us-east-1" }
  }
}]'
) AS SELECT id, UPPER(kind) AS kind, amount, at FROM events;
CREATE INDEX big_events_idx ON big_events(id);
