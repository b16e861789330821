-- Settlement-run load for `suanli serve`: POST /api/v1/settlement-runs as the provider
-- operator's API key, SUANLI_BENCH_RUN_BILLS bills per request (default 16; a provider's
-- billing batch), each a small bill ("0.02": the voucher pays 0.01) with its own fresh key
-- <random per-thread prefix>-<thread>-<counter>-<i>, so no bill is a replay. Bills per second
-- are req/s x bills. Environment: SUANLI_API_KEY (sk_...), SUANLI_VOUCHER_IDS (the first is used),
-- SUANLI_BENCH_RUN_BILLS. Run by hand (docs/benchmarks-http.md, "Settlement runs"):
--   wrk -t2 -c64 -d10s -s bench/http/settle_run.lua http://127.0.0.1:PORT
local counter, prefix, voucher, bills, key = 0, "x", "1", 16, ""
local next_thread = 0

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
  voucher = string.match(os.getenv("SUANLI_VOUCHER_IDS") or "1", "%d+") or "1"
  bills = tonumber(os.getenv("SUANLI_BENCH_RUN_BILLS") or "16")
  prefix = random_hex(6) .. "-" .. tostring(thread_no or 0)
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["X-Api-Key"] = key
end

function request()
  counter = counter + 1
  local run = prefix .. "-" .. counter
  wrk.headers["Idempotency-Key"] = run
  local items = {}
  for i = 1, bills do
    local k = run .. "-" .. i
    items[i] = '{"idempotency_key":"' .. k .. '","voucher_id":' .. voucher .. ',"bill_no":"B-' ..
               k .. '","amount":"0.02"}'
  end
  local body = '{"settlements":[' .. table.concat(items, ",") .. ']}'
  return wrk.format("POST", "/api/v1/settlement-runs", wrk.headers, body)
end

-- Every run must be all 201s; a refused bill would mean the figure counts failures.
function response(status, headers, body)
  if status ~= 200 or not string.find(body, '"refused":0', 1, true) then
    io.write("settle_run: status " .. status .. ": " .. string.sub(body, 1, 300) .. "\n")
  end
end
