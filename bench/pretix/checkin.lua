-- One ticket per request, never the same twice: pretix's check-in RPC or our check-in API.
--   wrk -t16 -c16 -d20s -s checkin.lua URL -- pretix FILE THREADS LIST TOKEN
--   wrk -t16 -c16 -d20s -s checkin.lua URL -- ours FILE THREADS EVENT_ID TOKEN
-- FILE holds one ticket secret (pretix) or ticket token (ours) a line; thread t of THREADS
-- takes lines t, t+THREADS, t+2*THREADS, ... in order. When its share runs out it starts
-- again (counted as `wrapped`: those are repeat scans, which the driver reports).
dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "common.lua")

wrapped = 0

function init(args)
  kind, threads = args[1], tonumber(args[3])
  target = tonumber(args[4])
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = (kind == "pretix" and "Token " or "Bearer ") .. args[5]
  tickets = {}
  local line_no = 0
  for line in io.lines(args[2]) do
    if line_no % threads == tid - 1 then tickets[#tickets + 1] = line end
    line_no = line_no + 1
  end
end

function request()
  local n = next_index()
  if n > #tickets then
    wrapped = wrapped + 1
    n = (n - 1) % #tickets + 1
  end
  local body
  if kind == "pretix" then
    body = string.format('{"secret":"%s","lists":[%d],"type":"entry","source_type":"barcode"}', tickets[n], target)
  else
    body = string.format('{"ticket":"%s","event_id":%d,"device":"wrk %d","confirm_outside_day":true}',
      tickets[n], target, tid)
  end
  return wrk.format(nil, nil, nil, body)
end
