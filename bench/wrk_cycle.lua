-- wrk script for bench/api_throughput.py --load-generator wrk: each wrk thread has one connection and plays one
-- dispatcher's console: POST /incidents -> /incidents/{id}/dispatch -> /units/{u}/status EnRoute -> OnScene ->
-- InService -> /incidents/{id}/close, each command with its own Idempotency-Key, on units only it uses.
-- Run as: wrk -t N -c N -d 20s -s bench/wrk_cycle.lua http://127.0.0.1:PORT -- TOKEN UNITS_0 UNITS_1 ...
-- (UNITS_i: the comma-separated units of thread i). At the end it prints one JSON line starting "WRK_RESULT ".

local threads = {}
local counter = 0

function setup(thread)
   thread:set("tid", counter)
   counter = counter + 1
   table.insert(threads, thread)
end

function init(args)
   token = args[1]
   units = {}
   for u in string.gmatch(args[tid + 2] or "", "[^,]+") do
      table.insert(units, u)
   end
   step, n, incident, sent, cycles, failed = 0, 0, nil, 0, 0, 0
   unit_index = 1
   math.randomseed(1000 + tid)
end

local function post(path, body)
   sent = sent + 1
   return wrk.format("POST", path, {
      ["Content-Type"] = "application/json",
      ["Authorization"] = "Bearer " .. token,
      ["Idempotency-Key"] = string.format("wrk-command-%d-%d", tid, sent),
   }, body)
end

function request()
   local unit = units[unit_index]
   if step == 0 then
      local lat = 37.71 + math.random() * 0.09
      local lon = -122.50 + math.random() * 0.12
      return post("/api/v1/incidents", string.format(
         '{"incident_type":"CARDIAC","priority":"P1","location":{"lat":%.5f,"lon":%.5f}}', lat, lon))
   elseif step == 1 then
      return post("/api/v1/incidents/" .. incident .. "/dispatch", '{"units":["' .. unit .. '"]}')
   elseif step == 2 then
      return post("/api/v1/units/" .. unit .. "/status", '{"status":"EnRoute"}')
   elseif step == 3 then
      return post("/api/v1/units/" .. unit .. "/status", '{"status":"OnScene"}')
   elseif step == 4 then
      return post("/api/v1/units/" .. unit .. "/status", '{"status":"InService"}')
   else
      return post("/api/v1/incidents/" .. incident .. "/close", '{"disposition":"18","outcome":"bench"}')
   end
end

function response(status, headers, body)
   if status >= 300 then
      failed = failed + 1
      if not first_error then
         first_error = string.format("step %d: %d %s", step, status, string.sub(body, 1, 200))
      end
      step = 0  -- a failed step ends the cycle; the next one uses this thread's next unit
      unit_index = unit_index % #units + 1
      return
   end
   if step == 0 then
      incident = string.match(body, '"id":"([^"]+)"')
   end
   step = step + 1
   if step == 6 then
      step = 0
      cycles = cycles + 1
      unit_index = unit_index % #units + 1
   end
end

function done(summary, latency, requests)
   local c, f, sample = 0, 0, ""
   for _, t in ipairs(threads) do
      c = c + t:get("cycles")
      f = f + t:get("failed")
      if sample == "" and t:get("first_error") then
         sample = string.gsub(t:get("first_error"), '[%c"\\]', " ")
      end
   end
   io.write(string.format(
      'WRK_RESULT {"requests":%d,"duration_us":%d,"non_2xx":%d,"socket_errors":%d,"cycles":%d,' ..
      '"p50_ms":%.2f,"p90_ms":%.2f,"p99_ms":%.2f,"max_ms":%.2f,"mean_ms":%.2f,"error_sample":"%s"}\n',
      summary.requests, summary.duration, f,
      summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout, c,
      latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
      latency.max / 1000, latency.mean / 1000, sample))
end
