-- The seed's Kinesis Data Analytics query: per tick, the symbol's min, max and average price over
-- the preceding hour, and the previous tick's price and the change. The input stream is the
-- application's SOURCE_SQL_STREAM_001 ("symbol" VARCHAR(8), "timestamp" BIGINT, "price" DOUBLE).
CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (
  "symbol" VARCHAR(8), "timestamp" BIGINT, "price" DOUBLE,
  min_price DOUBLE, max_price DOUBLE, avg_price DOUBLE, previous_price DOUBLE, change DOUBLE);
CREATE OR REPLACE PUMP "STREAM_PUMP" AS
INSERT INTO "DESTINATION_SQL_STREAM"
SELECT STREAM "symbol", "timestamp", "price",
  MIN("price") OVER W1 AS min_price,
  MAX("price") OVER W1 AS max_price,
  AVG("price") OVER W1 AS avg_price,
  FIRST_VALUE("price") OVER R1
    AS previous_price,
  "price" - FIRST_VALUE("price") OVER R1
    AS change
FROM "SOURCE_SQL_STREAM_001"
WINDOW
  W1 AS (PARTITION BY "symbol"
         RANGE INTERVAL '1' HOUR PRECEDING),
  R1 AS (PARTITION BY "symbol"
         ROWS 1 PRECEDING);
