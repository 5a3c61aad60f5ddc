-- The tour's "views over views" example: a table with a primary key fed by a file of changes,
-- a view over it with computed columns, and a view over that view written to DynamoDB.
-- Run it with: npx dynaview run examples/people.sql --local
CREATE TABLE people (id INT NOT NULL PRIMARY KEY, name VARCHAR, score DOUBLE) WITH ('connectors' = '[{
  "transport": {"name": "file_input", "config": {"path": "people/changes.json"}},
  "format": {"name": "json", "config": {"update_format": "insert_delete"}}
}]');
CREATE VIEW positive AS SELECT id, UPPER(name) AS name_upper, score * 2 AS doubled FROM people WHERE score > 0;
CREATE VIEW shouted WITH ('connectors' = '[{"index": "shouted_idx",
  "transport": {"name": "dynamodb_output", "config": {"table": "shouted", "region": "eu-west-1"}}}]')
AS SELECT id, name_upper || '!' AS shout, doubled FROM positive WHERE id < 100;
CREATE INDEX shouted_idx ON shouted(id);
