-- wrk script: POST a form with a unique email per request and count answers by status.
-- Arguments (after --): path, cookie header, body prefix (already url-encoded, ends with "&"), run id.
-- Each request sends: <prefix>name=Bench+Signer+<n>&email=b<run>-<thread>-<n>%40bench.example.org
local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end

function init(args)
  path, cookie, prefix, run = args[1], args[2], args[3], args[4]
  counter = 0
  statuses = {}
  headers = {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = cookie,
    ["Origin"] = wrk.scheme .. "://" .. wrk.host .. ":" .. wrk.port,
    ["User-Agent"] = "Mozilla/5.0 (make bench)",
    ["Accept-Language"] = "en",
  }
end

function request()
  counter = counter + 1
  local body = prefix .. "name=Bench+Signer+" .. counter ..
    "&email=b" .. run .. "-" .. id .. "-" .. counter .. "%40bench.example.org"
  return wrk.format("POST", path, headers, body)
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("statuses")) do
      total[status] = (total[status] or 0) + n
    end
  end
  local parts = {}
  for status, n in pairs(total) do table.insert(parts, string.format('"%d": %d', status, n)) end
  local e = summary.errors
  io.write(string.format(
    'BENCH-JSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, "max_us": %d, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, "statuses": {%s}}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency.max,
    e.connect, e.read, e.write, e.status, e.timeout, table.concat(parts, ", ")))
end
