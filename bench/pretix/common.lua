-- Shared by register.lua and checkin.lua (bench/compare_pretix.py runs wrk with -t N -c N).
-- One connection per thread, so a thread's response() always answers its latest request():
-- each thread counts its requests (`sent`: the n-th request carries the thread's n-th datum)
-- and remembers which of them got no 2xx answer, so the driver can match the database's rows
-- to the answers exactly (a request in flight when wrk stops may still be carried out).

sent, pending, bad, unanswered = 0, nil, {}, {}
local threads = {}

function setup(thread)  -- runs in wrk's main state, once per thread, before the thread's init()
  table.insert(threads, thread)
  thread:set("tid", #threads)
end

-- Called by each script's request(): the index of the datum this request carries.
function next_index()
  if pending then table.insert(unanswered, pending) end  -- a socket error: no answer came
  sent = sent + 1
  pending = sent
  return sent
end

function response(status, headers, body)
  if pending and status ~= 201 then bad[pending] = status end  -- every endpoint here answers 201 on success
  pending = nil
end

local function list(t)
  local parts = {}
  for _, v in ipairs(t) do parts[#parts + 1] = tostring(v) end
  return "[" .. table.concat(parts, ",") .. "]"
end

function done(summary, latency, requests)
  local per_thread = {}
  for _, t in ipairs(threads) do
    local no_answer = t:get("unanswered")
    if t:get("pending") then table.insert(no_answer, t:get("pending")) end
    local failed = {}
    for index, status in pairs(t:get("bad")) do failed[#failed + 1] = string.format('"%d":%d', index, status) end
    per_thread[#per_thread + 1] = string.format('{"tid":%d,"sent":%d,"unanswered":%s,"bad":{%s},"wrapped":%d}',
      t:get("tid"), t:get("sent"), list(no_answer), table.concat(failed, ","), t:get("wrapped") or 0)
  end
  local e = summary.errors
  io.write(string.format('WRKJSON {"duration_us":%d,"requests":%d,"non2xx":%d,"connect":%d,"read":%d,' ..
    '"write":%d,"timeout":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d,"threads":[%s]}\n',
    summary.duration, summary.requests, e.status, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    table.concat(per_thread, ",")))
end
