-- Settlement load for `suanli serve` (bench/http/suanli_bench.sh): POST /api/v1/settlements as
-- the provider operator's API key, a small bill ("0.02": the voucher pays 0.01) per request, so
-- one 1,000,000 voucher lasts 10^8 requests. Every request carries a fresh Idempotency-Key and
-- bill number, <random per-thread prefix>-<thread>-<counter>, so no request is a replay; the
-- prefix comes from /dev/urandom, so runs started in the same second never collide either.
-- Environment: SUANLI_API_KEY (sk_...), SUANLI_VOUCHER_IDS ("1" or "1,2,3": used in turn).
-- nginx gets the same requests and answers them all with its static reply.
-- SUANLI_BENCH_RUN_BILLS=N (N > 0) posts settlement runs instead: POST /api/v1/settlement-runs
-- with N such bills a request, each with its own key <prefix>-<thread>-<counter>-<i> (bills a
-- second = req/s x N; docs/benchmarks-http.md, "Settlement runs"), and reports any run that is
-- not 200 with every bill settled.
local counter, prefix, vouchers, nv, key = 0, "x", {}, 0, ""
local run_bills = 0
local next_thread = 0  -- main state only; each thread gets its number as the global thread_no

function setup(thread)
  next_thread = next_thread + 1
  thread:set("thread_no", next_thread)
end

local function random_hex(n)
  local f = io.open("/dev/urandom", "rb")
  local bytes = f and f:read(n) or tostring(os.time() + os.clock())
  if f then f:close() end
  return (bytes:gsub(".", function(c) return string.format("%02x", c:byte()) end))
end

function init(args)
  key = os.getenv("SUANLI_API_KEY") or ""
  for id in string.gmatch(os.getenv("SUANLI_VOUCHER_IDS") or "1", "%d+") do
    vouchers[#vouchers + 1] = id
  end
  nv = #vouchers
  run_bills = tonumber(os.getenv("SUANLI_BENCH_RUN_BILLS") or "0") or 0
  prefix = random_hex(6) .. "-" .. tostring(thread_no or 0)
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["X-Api-Key"] = key
end

local function bill(k, voucher)
  return '"voucher_id":' .. voucher .. ',"bill_no":"B-' .. k .. '","amount":"0.02"'
end

function request()
  counter = counter + 1
  local k = prefix .. "-" .. counter
  wrk.headers["Idempotency-Key"] = k
  local voucher = vouchers[counter % nv + 1]
  if run_bills == 0 then
    return wrk.format("POST", "/api/v1/settlements", wrk.headers, "{" .. bill(k, voucher) .. "}")
  end
  local items = {}
  for i = 1, run_bills do
    items[i] = '{"idempotency_key":"' .. k .. "-" .. i .. '",' .. bill(k .. "-" .. i, voucher) .. "}"
  end
  return wrk.format("POST", "/api/v1/settlement-runs", wrk.headers,
                    '{"settlements":[' .. table.concat(items, ",") .. "]}")
end

if os.getenv("SUANLI_BENCH_RUN_BILLS") then
  function response(status, headers, body)
    if status ~= 200 or not string.find(body, '"refused":0', 1, true) then
      io.write("settle run: status " .. status .. ": " .. string.sub(body, 1, 300) .. "\n")
    end
  end
end

-- Paced variant (suanli_bench.sh's *_paced scenarios prepend `pace_ms = N`): every connection
-- waits N ms before each request, so the offered rate is about connections x 1000 / (N + latency)
-- instead of "as fast as the server answers", and p99 shows service time, not queueing.
if pace_ms then
  function delay() return pace_ms end
end
