-- The comparator's schema: the same two facts every system in bench/ stores per deduction.
CREATE TABLE vouchers (
  id            bigint PRIMARY KEY,
  remaining_fen bigint NOT NULL CHECK (remaining_fen >= 0)
);
CREATE TABLE settlements (
  idem_key     text PRIMARY KEY,
  voucher_id   bigint NOT NULL,
  bill_fen     bigint NOT NULL,
  deducted_fen bigint NOT NULL,
  at           timestamptz NOT NULL DEFAULT now()
);
