-- One voucher deduction as ONE statement in ONE transaction (pgbench runs each script
-- execution in autocommit, so this statement is its own transaction and commits with
-- synchronous_commit=on). It locks the voucher row, takes min(50 % of the bill, remaining)
-- rounded down to the fen, updates the voucher and inserts the settlement under a unique
-- idempotency key; the unique index refuses a replayed key.
--
-- Variables: :vouchers and :run are given with -D; :n is a per-client counter (pgbench keeps a
-- client's variables across transactions), so (run, client_id, n) never repeats.
\set vid random(1, :vouchers)
\set bill random(2, 10000)
\set n :n + 1
\set key :run * 100000000000 + :client_id * 1000000000 + :n
WITH v AS (
  SELECT id, least(:bill / 2, remaining_fen) AS deducted_fen
  FROM vouchers WHERE id = :vid FOR UPDATE
), u AS (
  UPDATE vouchers SET remaining_fen = vouchers.remaining_fen - v.deducted_fen
  FROM v WHERE vouchers.id = v.id
  RETURNING vouchers.id, v.deducted_fen
)
INSERT INTO settlements (idem_key, voucher_id, bill_fen, deducted_fen)
SELECT 'pg-' || :key, u.id, :bill, u.deducted_fen FROM u;
