-- wrk script: GET one path (like a first-time visitor: no cookies) and count answers by status.
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "") .. "report.lua")

function init(args)
  wrk.headers["User-Agent"] = "Mozilla/5.0 (make bench)"
  wrk.headers["Accept-Language"] = "en"
end
