-- wrk script for load/measure.sh's cross-check of the ingest ratio: a generic delivery receipt with a message id no
-- other request of the run has (thread number, start time, a random number and a counter), to whatever URL wrk is
-- given. measure.sh sends the same requests to the empty endpoint for the baseline.
local threads = 0

function setup(thread)
  thread:set("thread_number", threads)
  threads = threads + 1
end

function init()
  math.randomseed(os.time() + thread_number)
  prefix = string.format("wrk-%d-%d-%d-", thread_number, os.time(), math.random(1000000000))
  counter = 0
  headers = { ["Content-Type"] = "application/json" }
end

function request()
  counter = counter + 1
  return wrk.format("POST", nil, headers, string.format(
    '[{"event":"delivered","data":[{"ts":%d,"meta":"%s%d","description":"Delivered to handset"}]}]',
    os.time(), prefix, counter))
end
