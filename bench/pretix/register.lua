-- A new person per request: pretix's order creation or our public registration.
--   wrk -t32 -c32 -d20s -s register.lua URL -- pretix ROUND ITEM TOKEN
--   wrk -t32 -c32 -d20s -s register.lua URL -- ours ROUND
-- The n-th request of thread t in round r is e-mail r<r>t<t>n<n>@bench.example (pretix) or
-- phone 139<r><t:2><n:5> (ours): distinct in every run, and the driver can tell which it was.
dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "common.lua")

function init(args)
  kind, round = args[1], tonumber(args[2])
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  if kind == "pretix" then
    item = tonumber(args[3])
    wrk.headers["Authorization"] = "Token " .. args[4]
  end
end

function request()
  local n = next_index()
  local body
  if kind == "pretix" then
    body = string.format('{"email":"r%dt%dn%d@bench.example","locale":"en","sales_channel":"web",' ..
      '"positions":[{"item":%d,"attendee_name":"Guest %d-%d"}]}', round, tid, n, item, tid, n)
  else
    body = string.format('{"name":"压测%d-%d","phone":"139%d%02d%05d","consent":true,"party_size":1}',
      tid, n, round, tid, n)
  end
  return wrk.format(nil, nil, nil, body)
end
