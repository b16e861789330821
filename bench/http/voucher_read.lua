-- Voucher read load for `suanli serve` (bench/http/suanli_bench.sh): GET /api/v1/vouchers/{id}
-- as the provider operator's API key (authentication, role check and a store read per request).
-- Environment: SUANLI_API_KEY (sk_...), SUANLI_VOUCHER_IDS (the first id is read).
-- nginx gets the same requests and answers them with its static reply.
local key = os.getenv("SUANLI_API_KEY") or ""
local id = string.match(os.getenv("SUANLI_VOUCHER_IDS") or "1", "%d+") or "1"
wrk.method = "GET"
wrk.path = "/api/v1/vouchers/" .. id
wrk.headers["X-Api-Key"] = key

-- Paced variant (suanli_bench.sh's *_paced scenarios prepend `pace_ms = N`): every connection
-- waits N ms before each request, so the offered rate is about connections x 1000 / (N + latency)
-- instead of "as fast as the server answers", and p99 shows service time, not queueing.
if pace_ms then
  function delay() return pace_ms end
end
