-- Customers and their orders, replicated from PostgreSQL as they change, joined and aggregated
-- per customer into DynamoDB. Set PostgreSQL up with examples/postgres/setup.sql, then run:
--   dynaview run examples/postgres-to-dynamodb.sql --local
-- or let `npm run demo:postgres` do it all against an embedded PostgreSQL.
CREATE TABLE customers (id INT NOT NULL PRIMARY KEY, name VARCHAR NOT NULL, city VARCHAR) WITH (
  'connectors' = '[{
    "transport": {"name": "postgres_cdc_input", "config": {
      "uri": "postgres://dynaview:dynaview@localhost:5432/shop", "publication": "shop", "source_table": "public.customers"}}
  }]'
);

CREATE TABLE orders (order_id INT NOT NULL PRIMARY KEY, customer_id INT NOT NULL, amount DECIMAL(10, 2) NOT NULL) WITH (
  'connectors' = '[{
    "transport": {"name": "postgres_cdc_input", "config": {
      "uri": "postgres://dynaview:dynaview@localhost:5432/shop", "publication": "shop", "source_table": "public.orders"}}
  }]'
);

-- Per customer: how many orders, their total and the largest. Customers without orders count 0.
CREATE MATERIALIZED VIEW customer_totals WITH (
  'connectors' = '[{
    "index": "customer_totals_idx",
    "transport": {"name": "dynamodb_output", "config": {"table": "customer_totals", "region": "us-east-1"}}
  }]'
) AS
SELECT c.id AS customer_id, c.name, c.city, COUNT(o.order_id) AS orders, COALESCE(SUM(o.amount), 0) AS total, MAX(o.amount) AS largest
FROM customers c LEFT JOIN orders o ON o.customer_id = c.id
GROUP BY c.id, c.name, c.city;

CREATE INDEX customer_totals_idx ON customer_totals(customer_id);
