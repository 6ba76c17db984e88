-- wrk script: POST a form as many different people and count answers by status.
-- Arguments (after --): path, cookie header, body prefix (already url-encoded, ends with "&"), run id.
-- Each request sends <prefix>name=Bench+Signer+<n>&email=<unique address> and comes from its own
-- address (X-Forwarded-For, read because the bench's server trusts one proxy), as in a real surge:
-- four in five addresses at a big webmail provider, the rest each at a domain of its own.
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "") .. "report.lua")

function init(args)
  path, cookie, prefix, run = args[1], args[2], args[3], args[4]
  counter = 0
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
  local domain = "gmail.com"
  if counter % 5 == 0 then domain = "d" .. counter .. "-" .. id .. ".bench.example.org" end
  local body = prefix .. "name=Bench+Signer+" .. counter ..
    "&email=b" .. run .. "-" .. id .. "-" .. counter .. "%40" .. domain
  headers["X-Forwarded-For"] = string.format("10.%d.%d.%d",
    (id * 16 + math.floor(counter / 65536)) % 256, math.floor(counter / 256) % 256, counter % 256)
  return wrk.format("POST", path, headers, body)
end
