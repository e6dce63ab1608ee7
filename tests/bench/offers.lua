-- offers.lua: wrk's script for scripts/bench-offers.sh: holders
-- redeeming OpenID4VCI offers at `ob-issuer serve`.
--
--   wrk -t T -c C -d CAP -s offers.lua URL -- DATA.lua T DONE_DIR CONF
--
-- DATA.lua (tests/bench/offers_prep.py) holds one {code, pin, proof}
-- per offer; thread k takes the offers k, k+T, k+2T... A redemption is
-- the three POSTs a wallet makes after reading the offer:
--   POST /token       the pre-authorized code and the PIN -> access token
--   POST /nonce       -> a c_nonce
--   POST /credential  Bearer token, a `jwt` key proof (CONF's format)
-- and counts when /credential answers 200 with a signed credential (a
-- Data Integrity proofValue in it). The proof must be signed over its
-- nonce, so the proofs were signed before the run over nonces fetched
-- then (the server ties a nonce to no token); the run's own POST /nonce
-- makes the server do that request's work (a one-time row, a commit)
-- and its nonce goes unused. Tokens and proofs are not tied to a
-- connection (a bearer token is good on any): a token's next step goes
-- to the next free connection, so C connections keep C holders'
-- requests in flight. A connection with nothing left to send while
-- others finish waits 10 ms and fetches the issuer metadata (counted as
-- "idle", not as a redemption). A thread whose offers all have an
-- answer (a credential or a refusal) writes DONE_DIR/done.K and stops;
-- the bench then ends wrk (SIGINT). The clock is CLOCK_MONOTONIC through
-- LuaJIT's ffi: from a thread's first request to its last answer, the
-- run from the earliest start to the latest end.
local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } obb_timespec;
int clock_gettime(int clk, obb_timespec *ts);
]]
local ts = ffi.new("obb_timespec")
local function now()
	ffi.C.clock_gettime(1, ts) -- CLOCK_MONOTONIC
	return tonumber(ts.tv_sec) + tonumber(ts.tv_nsec) * 1e-9
end

local PREAUTH = "urn:ietf:params:oauth:grant-type:pre-authorized_code"
local threads = {}
local counter = 0

function setup(thread)
	thread:set("id", counter)
	counter = counter + 1
	table.insert(threads, thread)
end

-- tokens: access tokens whose nonce is not asked yet; asking: those
-- whose POST /nonce is in flight; ready: those ready for /credential
local mine, tokens, asking, ready, done_dir, conf
local next_offer, next_proof = 1, 1

function init(args)
	local all = dofile(args[1])
	local nthreads = tonumber(args[2])
	done_dir, conf = args[3], args[4]
	mine, tokens, asking, ready = {}, {}, {}, {}
	for i = id + 1, #all, nthreads do
		table.insert(mine, all[i])
	end
	assigned = #mine
	issued, refused, idle, other = 0, 0, 0, 0
	t0, t1 = 0, 0
	first_error = ""
	-- wrk calls thread 0's request() once before the run, to count the
	-- requests it returns (pipelining): that call gets the metadata GET
	verify = id == 0
end

local function finish_one()
	if issued + refused == assigned then
		t1 = now()
		local f = io.open(done_dir .. "/done." .. id, "w")
		if f then f:close() end
		wrk.thread:stop()
	end
end

local function refusal(what, status, body)
	if first_error == "" then
		first_error = string.format("%s: HTTP %d %s", what, status, (body or ""):gsub("%s+", " "):sub(1, 200))
	end
end

local function idle_get()
	return wrk.format("GET", "/.well-known/openid-credential-issuer")
end

-- a connection with nothing to send waits 10 ms before its metadata GET
function delay()
	return (#tokens == 0 and #ready == 0 and next_offer > #mine) and 10 or 0
end

function request()
	if verify then
		verify = false
		return idle_get()
	end
	if t0 == 0 then t0 = now() end
	local tok = table.remove(ready, 1)
	if tok then
		local o = mine[next_proof]
		next_proof = next_proof + 1
		return wrk.format("POST", "/credential",
			{ ["Authorization"] = "Bearer " .. tok, ["Content-Type"] = "application/json" },
			'{"credential_configuration_id":"' .. conf .. '","proofs":{"jwt":["' .. o.proof .. '"]}}')
	end
	tok = table.remove(tokens, 1)
	if tok then
		table.insert(asking, tok)
		return wrk.format("POST", "/nonce", { ["Content-Length"] = "0" })
	end
	local o = mine[next_offer]
	if o then
		next_offer = next_offer + 1
		return wrk.format("POST", "/token", { ["Content-Type"] = "application/x-www-form-urlencoded" },
			"grant_type=" .. PREAUTH .. "&pre-authorized_code=" .. o.code .. "&tx_code=" .. o.pin)
	end
	return idle_get()
end

function response(status, headers, body)
	local tok = status == 200 and body:match('"access_token"%s*:%s*"([^"]+)"')
	if tok then
		table.insert(tokens, tok)
	elseif status == 200 and body:find('"c_nonce"', 1, true) then
		table.insert(ready, table.remove(asking, 1))
	elseif status == 200 and body:find('"credentials"', 1, true) and body:find('"proofValue"', 1, true) then
		issued = issued + 1
		finish_one()
	elseif status == 200 and body:find('"credential_configurations_supported"', 1, true) then
		idle = idle + 1
	elseif body:find('"error"', 1, true) then
		-- a refused request: that offer is over
		refusal("refused", status, body)
		refused = refused + 1
		finish_one()
	else
		refusal("unexpected answer", status, body)
		other = other + 1
	end
end

function done(summary, latency, requests)
	local n, r, i, o, a, s, e, err = 0, 0, 0, 0, 0, nil, nil, ""
	for _, t in ipairs(threads) do
		n = n + t:get("issued")
		r = r + t:get("refused")
		i = i + t:get("idle")
		o = o + t:get("other")
		a = a + t:get("assigned")
		local t0, t1 = t:get("t0"), t:get("t1")
		if t0 > 0 and (not s or t0 < s) then s = t0 end
		if t1 > 0 and (not e or t1 > e) then e = t1 end
		if err == "" then err = t:get("first_error") end
	end
	io.write(string.format("offers-assigned: %d\n", a))
	io.write(string.format("offers-issued: %d\n", n))
	io.write(string.format("offers-refused: %d\n", r))
	io.write(string.format("offers-idle: %d\n", i))
	io.write(string.format("offers-other: %d\n", o))
	io.write(string.format("offers-seconds: %.6f\n", (s and e and n + r == a) and (e - s) or 0))
	io.write(string.format("offers-p50-ms: %.2f\n", latency:percentile(50) / 1000))
	io.write(string.format("offers-p99-ms: %.2f\n", latency:percentile(99) / 1000))
	io.write(string.format("offers-max-ms: %.2f\n", latency.max / 1000))
	if err ~= "" then io.write("offers-first-error: " .. err .. "\n") end
end
