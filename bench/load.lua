-- wrk script for bench/load.py: optional JSON POST body, and a count of each status class.
-- Usage: wrk -s bench/load.lua URL -- [json-body]
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  created, ok, other = 0, 0, 0
  if args[1] ~= nil then
    wrk.method = "POST"
    wrk.body = args[1]
    wrk.headers["Content-Type"] = "application/json"
  end
end

function response(status, headers, body)
  if status == 201 then created = created + 1 end
  if status >= 200 and status < 300 then ok = ok + 1 else other = other + 1 end
end

function done(summary, latency, requests)
  local c, o, x = 0, 0, 0
  for _, thread in ipairs(threads) do
    c = c + thread:get("created")
    o = o + thread:get("ok")
    x = x + thread:get("other")
  end
  io.write(string.format("COUNTS created=%d ok=%d non2xx=%d\n", c, o, x))
end
