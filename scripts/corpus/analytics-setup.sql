-- Data for the analytical workload (analytics.sql): generated, deterministic
-- (setseed), about 30 MB. Run once before recording; not recorded itself.
SELECT setseed(0.42);
DROP TABLE IF EXISTS orders, customers, items;
CREATE TABLE customers AS
  SELECT c AS id, 'customer ' || c AS name, (c % 50) AS region, md5(c::text) AS note
  FROM generate_series(1, 20000) c;
CREATE TABLE orders AS
  SELECT o AS id, 1 + (random() * 19999)::int AS customer_id,
         date '2024-01-01' + (random() * 700)::int AS day,
         round((random() * 1000)::numeric, 2) AS amount
  FROM generate_series(1, 200000) o;
CREATE TABLE items AS
  SELECT i AS id, 1 + (random() * 199999)::int AS order_id, 'sku-' || (random() * 5000)::int AS sku,
         1 + (random() * 9)::int AS quantity
  FROM generate_series(1, 400000) i;
ANALYZE customers; ANALYZE orders; ANALYZE items;
