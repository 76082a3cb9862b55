-- A query workload for sqlite3 recorded into the corpus: an in-memory
-- database, inserts, an index, joins, groups and sorts.
CREATE TABLE t(id INTEGER PRIMARY KEY, k TEXT, v REAL);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 50000)
INSERT INTO t SELECT i, 'key-' || (i * 7919 % 1000), (i * 104729 % 10007) / 7.0 FROM n;
CREATE TABLE u AS SELECT k, count(*) AS n, avg(v) AS a FROM t GROUP BY k;
CREATE INDEX t_k ON t(k);
SELECT u.k, u.n, max(t.v) FROM u JOIN t ON t.k = u.k GROUP BY u.k ORDER BY 3 DESC LIMIT 5;
SELECT k, group_concat(id, ',') FROM (SELECT k, id FROM t WHERE id % 101 = 0 ORDER BY v) GROUP BY k LIMIT 5;
SELECT count(*) FROM t a JOIN t b ON a.k = b.k AND a.id < b.id WHERE a.id < 2000;
