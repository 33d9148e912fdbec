-- wrk script: POST /v1/verify with the files listed in FILE_LIST (one path a line), in turn, until
-- PER_THREAD responses have come back on each thread; counts every non-200 as an error.
--   wrk -t2 -c64 -d600s --latency -s verify.lua URL -- FILE_LIST TOKEN PER_THREAD
local bodies = {}
local token = ""
local limit = 0
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  for path in io.lines(args[1]) do
    local file = assert(io.open(path, "rb"))
    table.insert(bodies, file:read("*a"))
    file:close()
  end
  token = args[2]
  limit = tonumber(args[3])
  index = math.random(#bodies)
  answered = 0
  errors = 0
end

function request()
  index = index % #bodies + 1
  return wrk.format("POST", "/v1/verify?filename=photo.jpg",
    { ["Content-Type"] = "image/jpeg", ["Authorization"] = "Bearer " .. token }, bodies[index])
end

function response(status, headers, body)
  answered = answered + 1
  if status ~= 200 then errors = errors + 1 end
  if answered >= limit then wrk.thread:stop() end
end

function done(summary, latency, requests)
  local answered_total, errors_total = 0, 0
  for _, thread in ipairs(threads) do
    answered_total = answered_total + thread:get("answered")
    errors_total = errors_total + thread:get("errors")
  end
  io.write(string.format("RESULT requests=%d errors=%d socket_errors=%d seconds=%.3f p50_ms=%.2f p99_ms=%.2f max_ms=%.2f\n",
    answered_total, errors_total + summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
