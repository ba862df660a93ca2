package redis

import (
	"context"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"vaxbook"
	"vaxbook/queue"
)

// The scripts mirror queue.MemCounters line for line; queuetest holds both to the
// same answers. A missing "gen" field means the counters were lost (or never made).

var queueIssue = goredis.NewScript(`
if redis.call('HEXISTS', KEYS[1], 'gen') == 0 then return -1 end
return redis.call('HINCRBY', KEYS[1], 'issued', 1)
`)

// luaQueueState replies with the state: the hash fields, the samples, the openings and
// the active count.
const luaQueueState = `
local function state()
  return {redis.call('HMGET', KEYS[1], 'issued', 'head', 'carry', 'rate', 'auto', 'paused', 'last', 'window', 'pruned'),
    redis.call('LRANGE', KEYS[2], 0, -1), redis.call('HGETALL', KEYS[3]), redis.call('ZCARD', KEYS[4])}
end
`

var queueRead = goredis.NewScript(luaQueueState + `
if redis.call('HEXISTS', KEYS[1], 'gen') == 0 then return -1 end
return state()
`)

// queueAdvance: ARGV now, maxActive, hold, idle, samples, maxStep, ttl (ms), then
// pairs of opening ms and seed.
var queueAdvance = goredis.NewScript(luaQueueState + `
if redis.call('HEXISTS', KEYS[1], 'gen') == 0 then return -1 end
local now, maxa, hold = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3] == '1'
local idle, nsamp, maxstep = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
local h = redis.call('HMGET', KEYS[1], 'issued', 'head', 'carry', 'rate', 'paused', 'last', 'lastsample')
local issued, head = tonumber(h[1]) or 0, tonumber(h[2]) or 0
local carry, rate = tonumber(h[3]) or 0, tonumber(h[4]) or 0
local paused, last, lastsample = h[5] == '1', tonumber(h[6]) or 0, tonumber(h[7]) or 0
for i = 8, #ARGV, 2 do
  if tonumber(ARGV[i]) <= now and redis.call('HEXISTS', KEYS[3], ARGV[i]) == 0 then
    local lo = head
    for _, v in ipairs(redis.call('HVALS', KEYS[3])) do
      lo = math.max(lo, tonumber(string.match(v, '^%d+:(%d+):')))
    end
    redis.call('HSET', KEYS[3], ARGV[i], string.format('%d:%d:%s', lo, math.max(issued, lo), ARGV[i+1]))
  end
end
local pruned = redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', '(' .. string.format('%d', now - idle))
local prunedtotal = redis.call('HINCRBY', KEYS[1], 'pruned', pruned)
local active = redis.call('ZCARD', KEYS[4])
local dt = 0
if last > 0 then dt = math.min(math.max(now - last, 0), maxstep) end
local free = maxa - active
if not paused and not hold and issued > head and (maxa == 0 or free > 0) then
  local x = carry + rate * dt / 1000
  local adv = math.floor(x)
  carry = x - adv
  if maxa > 0 then adv = math.min(adv, free) end
  local old = head
  head = math.min(head + adv, issued)
  for k = old + 1, head do redis.call('ZADD', KEYS[4], 'GT', now, string.format('%d', k)) end
  if head == issued then carry = 0 end
else
  carry = 0
end
last = math.max(last, now)
redis.call('HSET', KEYS[1], 'head', string.format('%d', head), 'carry', string.format('%.17g', carry),
  'last', string.format('%d', last))
if now - lastsample >= 1000 then
  redis.call('HSET', KEYS[1], 'lastsample', string.format('%d', now))
  redis.call('RPUSH', KEYS[2], string.format('%d:%d:%d:%d', now, head, issued, prunedtotal))
  redis.call('LTRIM', KEYS[2], -nsamp, -1)
end
for i = 1, 4 do redis.call('PEXPIRE', KEYS[i], ARGV[7]) end
return state()
`)

// queueRestore: ARGV now, issued, head, rate, auto, paused, then pairs of opening ms
// and "lo:hi:seed". It does nothing if the counters hold state.
var queueRestore = goredis.NewScript(`
if redis.call('HEXISTS', KEYS[1], 'gen') == 1 then return 0 end
redis.call('DEL', KEYS[1], KEYS[2])
redis.call('HSET', KEYS[1], 'issued', ARGV[2], 'head', ARGV[3], 'rate', ARGV[4], 'auto', ARGV[5],
  'paused', ARGV[6], 'carry', '0', 'last', ARGV[1], 'gen', ARGV[1])
for i = 7, #ARGV, 2 do redis.call('HSETNX', KEYS[3], ARGV[i], ARGV[i+1]) end
return 1
`)

var queueRaise = goredis.NewScript(`
if redis.call('HEXISTS', KEYS[1], 'gen') == 0 then return -1 end
local h = redis.call('HMGET', KEYS[1], 'issued', 'head')
local issued = math.max(tonumber(h[1]) or 0, tonumber(ARGV[1]))
local head = math.max(tonumber(h[2]) or 0, math.min(tonumber(ARGV[2]), issued))
redis.call('HSET', KEYS[1], 'issued', string.format('%d', issued), 'head', string.format('%d', head))
return 1
`)

var queueSet = goredis.NewScript(`
if redis.call('HEXISTS', KEYS[1], 'gen') == 0 then return -1 end
redis.call('HSET', KEYS[1], unpack(ARGV))
return 1
`)

var queueAdjust = goredis.NewScript(`
if redis.call('HEXISTS', KEYS[1], 'gen') == 0 then return -1 end
if redis.call('HGET', KEYS[1], 'auto') == '1' then redis.call('HSET', KEYS[1], 'rate', ARGV[1], 'window', ARGV[2]) end
return 1
`)

var queueLead = goredis.NewScript(`
local v = redis.call('GET', KEYS[1])
if v == false or v == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0
`)

// state runs a script that replies with the state (or -1 if lost) and decodes it.
func (c *QueueCounters) state(ctx context.Context, s *goredis.Script, args []any) (queue.State, error) {
	v, err := s.Run(ctx, c.rdb, c.keys, args...).Result()
	if err != nil {
		return queue.State{}, fmt.Errorf("redis queue state: %w", err)
	}
	if n, ok := v.(int64); ok && n < 0 {
		return queue.State{}, queue.ErrLost
	}
	st, err := decodeQueueState(v)
	if err != nil {
		return queue.State{}, fmt.Errorf("redis queue state: %w", err)
	}
	return st, nil
}

func decodeQueueState(v any) (queue.State, error) {
	parts, ok := v.([]any)
	if !ok || len(parts) != 4 {
		return queue.State{}, fmt.Errorf("unexpected reply %T", v)
	}
	h, _ := parts[0].([]any)
	field := func(i int) string {
		if i < len(h) {
			s, _ := h[i].(string)
			return s
		}
		return ""
	}
	var st queue.State
	st.Issued, _ = strconv.ParseUint(field(0), 10, 64)
	st.Head, _ = strconv.ParseUint(field(1), 10, 64)
	st.Carry, _ = strconv.ParseFloat(field(2), 64)
	st.Rate, _ = strconv.ParseFloat(field(3), 64)
	st.Auto, st.Paused = field(4) == "1", field(5) == "1"
	if ms, _ := strconv.ParseInt(field(6), 10, 64); ms != 0 {
		st.Last = msInstant(ms)
	}
	st.Window, _ = strconv.Atoi(field(7))
	st.Pruned, _ = strconv.ParseUint(field(8), 10, 64)
	samples, _ := parts[1].([]any)
	for _, x := range samples {
		s, _ := x.(string)
		f := strings.Split(s, ":")
		if len(f) != 3 && len(f) != 4 { // three fields: written before samples counted prunes
			return queue.State{}, fmt.Errorf("malformed sample %q", s)
		}
		ms, _ := strconv.ParseInt(f[0], 10, 64)
		head, _ := strconv.ParseUint(f[1], 10, 64)
		issued, _ := strconv.ParseUint(f[2], 10, 64)
		var pruned uint64
		if len(f) == 4 {
			pruned, _ = strconv.ParseUint(f[3], 10, 64)
		}
		st.Samples = append(st.Samples, queue.Sample{At: msInstant(ms), Head: head, Issued: issued, Pruned: pruned})
	}
	ops, _ := parts[2].([]any)
	for i := 0; i+1 < len(ops); i += 2 {
		at, _ := ops[i].(string)
		val, _ := ops[i+1].(string)
		o, err := decodeOpening(at, val)
		if err != nil {
			return queue.State{}, err
		}
		st.Openings = append(st.Openings, o)
	}
	// In the order recorded, which is by instant, as MemCounters keeps them.
	slices.SortFunc(st.Openings, func(a, b queue.Opening) int { return a.At.Compare(b.At) })
	active, _ := parts[3].(int64)
	st.Active = int(active)
	return st, nil
}

func decodeOpening(at, val string) (queue.Opening, error) {
	ms, err1 := strconv.ParseInt(at, 10, 64)
	f := strings.Split(val, ":")
	if err1 != nil || len(f) != 3 {
		return queue.Opening{}, fmt.Errorf("malformed opening %q=%q", at, val)
	}
	lo, err1 := strconv.ParseUint(f[0], 10, 64)
	hi, err2 := strconv.ParseUint(f[1], 10, 64)
	seed, err3 := hex.DecodeString(f[2])
	if err1 != nil || err2 != nil || err3 != nil || len(seed) != 16 {
		return queue.Opening{}, fmt.Errorf("malformed opening %q=%q", at, val)
	}
	return queue.Opening{At: msInstant(ms), Lo: lo, Hi: hi, Seed: [16]byte(seed)}, nil
}

func msInstant(ms int64) time.Time { return time.UnixMilli(ms).In(vaxbook.Seoul) }
