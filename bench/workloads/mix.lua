-- Lua workload for bench/run.sh: closures, table (hash and array) work,
-- string building and float arithmetic limited to exactly rounded
-- operations, so the output is the same everywhere; arg[1] scales the work.
local n = tonumber(arg[1])

local function mix(a, b)
  return (a * 2654435761 + b) & 0xFFFFFFFF
end

local counts, words, arr = {}, {}, {}
local h, x, total = 12345, 1.0, 0.0
for i = 1, n do
  h = mix(h, i)
  local key = h % 4099
  counts[key] = (counts[key] or 0) + 1
  if i % 16 == 0 then
    words["k" .. (h % 997)] = i
    arr[#arr + 1] = h % 1000
  end
  x = x * 0.999 + (h % 97) / 7.0 - x / (1.0 + (h & 15))
  total = total + math.sqrt(x * x)
end

-- Hash-table iteration order is not defined: reduce it order-independently.
local nkeys, maxc, nwords, wsum = 0, 0, 0, 0
for k, c in pairs(counts) do
  nkeys = nkeys + 1
  if c > maxc then maxc = c end
end
for k, v in pairs(words) do
  nwords = nwords + 1
  wsum = (wsum + #k * v) % 1000000007
end
table.sort(arr)
local parts = {}
for i = 1, #arr, math.max(1, #arr // 10) do parts[#parts + 1] = arr[i] end
print(nkeys, maxc, nwords, wsum, table.concat(parts, ","))
print(string.format("%.17g %.17g", x, total))
