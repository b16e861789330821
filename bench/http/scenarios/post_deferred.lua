-- POST a small JSON body answered from another thread (hello_server's /deferred), the shape of
-- a settlement: the handler hands its Reply to a worker, which answers.
wrk.method = "POST"
wrk.path = "/deferred"
wrk.body = '{"voucher_id":"v-000123","amount_fen":"125000","idempotency_key":"k-42"}'
wrk.headers["Content-Type"] = "application/json"
