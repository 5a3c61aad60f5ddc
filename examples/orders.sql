-- Orders joined with their customers and aggregated per customer, kept in DynamoDB.
-- Run it with: dynaview run examples/orders.sql --local
CREATE TABLE customers (id INT NOT NULL PRIMARY KEY, name VARCHAR NOT NULL, city VARCHAR) WITH (
  'connectors' = '[{
    "transport": {"name": "file_input", "config": {"path": "orders/customers.json"}},
    "format": {"name": "json", "config": {"update_format": "insert_delete"}}
  }]'
);

-- Later lines update order 101 and delete order 103: the views follow.
CREATE TABLE orders (order_id INT NOT NULL PRIMARY KEY, customer_id INT NOT NULL, amount DECIMAL(10, 2) NOT NULL) WITH (
  'connectors' = '[{
    "transport": {"name": "file_input", "config": {"path": "orders/orders.json"}},
    "format": {"name": "json", "config": {"update_format": "insert_delete"}}
  }]'
);

-- Per customer: how many orders, their total and the largest. Customers without orders count 0.
CREATE MATERIALIZED VIEW customer_totals WITH (
  'connectors' = '[{
    "index": "customer_totals_idx",
    "transport": {"name": "dynamodb_output", "config": {"table": "customer_totals", "region": "us-east-1"}}
  }]'
) AS
SELECT c.id AS customer_id, c.name, COUNT(o.order_id) AS orders, COALESCE(SUM(o.amount), 0) AS total, MAX(o.amount) AS largest
FROM customers c LEFT JOIN orders o ON o.customer_id = c.id
GROUP BY c.id, c.name;

CREATE INDEX customer_totals_idx ON customer_totals(customer_id);

-- The three largest orders of known customers, with the customer's city.
CREATE MATERIALIZED VIEW top_orders WITH (
  'connectors' = '[{
    "index": "top_orders_idx",
    "transport": {"name": "dynamodb_output", "config": {"table": "top_orders", "region": "us-east-1"}}
  }]'
) AS
SELECT o.order_id, c.city, o.amount
FROM orders o JOIN customers c ON o.customer_id = c.id
ORDER BY o.amount DESC
LIMIT 3;

CREATE INDEX top_orders_idx ON top_orders(order_id);
