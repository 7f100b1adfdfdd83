-- wrk script for bench/load.py: an optional JSON POST body. No response() callback: it would
-- copy every body into Lua and take CPU from the server on this small machine; wrk's own
-- summary gives the requests and the non-2xx count.
-- Usage: wrk -s bench/load.lua URL -- [json-body]
function init(args)
  if args[1] ~= nil then
    wrk.method = "POST"
    wrk.body = args[1]
    wrk.headers["Content-Type"] = "application/json"
  end
end
