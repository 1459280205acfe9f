-- wrk script for bench/run.py: POSTs real questions in rotation, from many distinct conversations.
--   wrk ... -s bench/load.lua URL -- MODE QUESTIONS_FILE PATH SESSIONS FIRST_MSG_ID THREADS START
-- MODE "ask":    POST PATH with {"question": …, "session_id": …}; QUESTIONS_FILE holds one JSON string a line.
-- MODE "wechat": POST a plain-mode WeChat text message to a signed /wechat?… URL; PATH is "@FILE", a file of
--                signed URLs, one a line, each used once (the server refuses a signed URL used again with
--                another body); thread k takes the k-th share of them. QUESTIONS_FILE
--                holds one question a line. Every message has its own MsgId, so none is a resend: thread k
--                numbers from FIRST_MSG_ID + k * 10^9 (each run of the bench passes a new FIRST_MSG_ID).
-- The threads ask from evenly spaced places in the list, starting at START: with a list longer than the run,
-- no question is asked twice (the new-questions mode); a run given the START where the last one stopped goes on
-- through the list instead of asking its beginning again.
-- done() prints one line "WRKJSON {…}" with the counts and latency percentiles (microseconds).

local next_id = 1

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
end

function init(args)
  mode, path, sessions, first_msg_id = args[1], args[3], tonumber(args[4]), tonumber(args[5])
  threads = tonumber(args[6] or "1")
  start = tonumber(args[7] or "0")
  paths = nil
  if string.sub(path, 1, 1) == "@" then
    paths = {}
    for line in io.lines(string.sub(path, 2)) do
      if #line > 0 then paths[#paths + 1] = line end
    end
    share = math.floor(#paths / threads)
  end
  questions = {}
  for line in io.lines(args[2]) do
    if #line > 0 then questions[#questions + 1] = line end
  end
  sent = 0
  spread = math.floor(#questions / threads)
  if mode == "ask" then
    headers = {["Content-Type"] = "application/json"}
  else
    headers = {["Content-Type"] = "text/xml; charset=utf-8"}
  end
end

function request()
  sent = sent + 1
  -- threads start at different places in the list so that they do not ask in step
  local question = questions[(start + (id - 1) * spread + sent) % #questions + 1]
  local user = "wrk-" .. id .. "-" .. (sent % sessions)
  local body
  if mode == "ask" then
    body = '{"question":' .. question .. ',"session_id":"' .. user .. '"}'
  else
    body = "<xml><ToUserName><![CDATA[gh_bench]]></ToUserName>"
      .. "<FromUserName><![CDATA[" .. user .. "]]></FromUserName>"
      .. "<CreateTime>" .. os.time() .. "</CreateTime><MsgType><![CDATA[text]]></MsgType>"
      .. "<Content><![CDATA[" .. question .. "]]></Content>"
      .. "<MsgId>" .. string.format("%d", first_msg_id + id * 1000000000 + sent) .. "</MsgId></xml>"
  end
  local target = path
  if paths then
    target = paths[(id - 1) * share + ((sent - 1) % share) + 1]
  end
  return wrk.format("POST", target, headers, body)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRKJSON {"requests":%d,"duration_us":%d,"bytes":%d,"connect":%d,"read":%d,'
    .. '"write":%d,"status":%d,"timeout":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d,"mean_us":%.1f}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean))
end
