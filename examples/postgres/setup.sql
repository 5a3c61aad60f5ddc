-- The PostgreSQL side of examples/postgres-to-dynamodb.sql, run by the owner of the tables in
-- database shop (npm run demo:postgres does it all on an embedded PostgreSQL). The server needs
-- wal_level = logical, and the user dynaview the REPLICATION attribute:
--   CREATE ROLE dynaview LOGIN REPLICATION PASSWORD 'dynaview';
--   CREATE DATABASE shop OWNER dynaview;
CREATE TABLE customers (id INT PRIMARY KEY, name TEXT NOT NULL, city TEXT);
CREATE TABLE orders (
  order_id INT PRIMARY KEY,
  customer_id INT NOT NULL REFERENCES customers (id),
  amount NUMERIC(10, 2) NOT NULL,
  note TEXT -- not in the dynaview table: extra columns are ignored
);

-- Updates and deletes then carry the whole old row.
ALTER TABLE customers REPLICA IDENTITY FULL;
ALTER TABLE orders REPLICA IDENTITY FULL;

CREATE PUBLICATION shop FOR TABLE customers, orders;

INSERT INTO customers VALUES (1, 'Ada', 'London'), (2, 'Grace', 'New York'), (3, 'Linus', NULL);
INSERT INTO orders VALUES (100, 1, 25.50, NULL), (101, 1, 12.00, 'gift'), (102, 2, 99.99, NULL), (103, 2, 42.00, NULL);
