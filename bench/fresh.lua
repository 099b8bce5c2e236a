-- wrk script: every request asks for a URL nobody asked for before (a
-- parameter the pages ignore, numbered per thread), so the page cache never
-- has it and Flask renders the whole page: the cost of a cache miss.
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("id", threads)
end

function init(args)
  n = 0
end

function request()
  n = n + 1
  local sep = string.find(wrk.path, "?", 1, true) and "&" or "?"
  return wrk.format(nil, wrk.path .. sep .. "fresh=" .. id .. "-" .. n)
end
