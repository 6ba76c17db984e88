-- The abuse counters of one submission, in one round trip (safety/abuse.py, check()).
--
-- KEYS: the n rate-limit counters, then the address's mail log, then the IP's mail log.
-- ARGV: now (ms), n, the n windows (s), the address cap and its window (s), the IP cap and its
--       window (s) (a cap of 0 is none), 1 if the submission would be mailed, a unique member.
--
-- Rate limits are fixed windows: INCR, and EXPIRE when the counter is new. A mail cap is a rolling
-- window: a sorted set of the mails sent (scored by time), trimmed to the window. A mail is allowed
-- under both caps and then logged in both; over the IP's cap it is not, and the caller holds it.
-- Returns the n counts, then 1 if the mail may go (else 0), then 1 if the IP's cap stopped it.
local now, n = tonumber(ARGV[1]), tonumber(ARGV[2])
local result = {}
for i = 1, n do
  local count = redis.call('INCR', KEYS[i])
  if count == 1 then redis.call('EXPIRE', KEYS[i], ARGV[2 + i]) end
  result[i] = count
end
local base = 2 + n
local caps = {
  {KEYS[n + 1], tonumber(ARGV[base + 1]), tonumber(ARGV[base + 2])},
  {KEYS[n + 2], tonumber(ARGV[base + 3]), tonumber(ARGV[base + 4])},
}
local wants_mail, member = tonumber(ARGV[base + 5]), ARGV[base + 6]
local mail, ip_capped = 0, 0
if wants_mail == 1 then
  mail = 1
  for i, cap in ipairs(caps) do
    local key, limit, window = cap[1], cap[2], cap[3]
    if limit > 0 then
      redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window * 1000)
      if redis.call('ZCARD', key) >= limit then
        mail = 0
        if i == 2 then ip_capped = 1 end
        break
      end
    end
  end
  if mail == 1 then
    for _, cap in ipairs(caps) do
      if cap[2] > 0 then
        redis.call('ZADD', cap[1], now, member)
        redis.call('PEXPIRE', cap[1], cap[3] * 1000)
      end
    end
  end
end
result[n + 1] = mail
result[n + 2] = ip_capped
return result
