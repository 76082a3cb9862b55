-- The analytical workload recorded into the corpus (scripts/corpus/make-corpus):
-- hash joins, sorts that spill past work_mem, hash and array aggregates, CTEs
-- and window functions over the data of analytics-setup.sql. Small work_mem so
-- sorts and hashes go to disk as they do on real, bigger data.
SET work_mem = '1MB';
SET max_parallel_workers_per_gather = 0;  -- one backend does all the work: the one recorded

-- hash join + hash aggregate
SELECT c.region, count(*), sum(o.amount)
FROM orders o JOIN customers c ON c.id = o.customer_id
GROUP BY c.region ORDER BY c.region;

-- external sort (spills past work_mem)
SELECT id, amount FROM orders ORDER BY amount DESC, id LIMIT 20;

-- array aggregate per group, sorted input
SELECT customer_id, array_agg(amount ORDER BY day) AS amounts
FROM orders WHERE customer_id < 2000 GROUP BY customer_id ORDER BY customer_id LIMIT 10;

-- string aggregate over a three-way join
SELECT c.name, string_agg(i.sku, ',' ORDER BY i.sku) AS skus
FROM customers c JOIN orders o ON o.customer_id = c.id JOIN items i ON i.order_id = o.id
WHERE c.id % 97 = 0 GROUP BY c.name ORDER BY c.name LIMIT 10;

-- CTE + window functions
WITH daily AS (
  SELECT day, sum(amount) AS total FROM orders GROUP BY day
)
SELECT day, total,
       avg(total) OVER (ORDER BY day ROWS BETWEEN 6 PRECEDING AND CURRENT ROW) AS week_avg,
       rank() OVER (ORDER BY total DESC) AS rank
FROM daily ORDER BY day LIMIT 30;

-- window over partitions (sort by partition key, spills)
SELECT customer_id, id, amount,
       row_number() OVER (PARTITION BY customer_id ORDER BY amount DESC) AS nth
FROM orders ORDER BY customer_id, nth LIMIT 20;

-- distinct + hash aggregate on text keys
SELECT sku, count(DISTINCT order_id) FROM items GROUP BY sku ORDER BY 2 DESC LIMIT 10;

-- recursive CTE
WITH RECURSIVE walk(n, total) AS (
  SELECT 1, 0::numeric
  UNION ALL
  SELECT n + 1, total + (SELECT amount FROM orders WHERE id = n * 97) FROM walk WHERE n < 500
)
SELECT max(n), max(total) FROM walk;
