package queue

import "testing"

func TestWaitersReleaseExactlyTheKeysTheHeadReached(t *testing.T) {
	var ws waiters
	byKey := map[uint64]*waiter{}
	for _, k := range []uint64{5, 1, 9, 3, 7} {
		byKey[k] = ws.add(k)
	}
	first5 := byKey[5]
	byKey[5] = ws.add(5) // a second answer for key 5 wakes the first
	select {
	case <-first5.ch:
	default:
		t.Error("the first answer for key 5 is still held after a second one")
	}
	if len(ws.h) != 5 {
		t.Errorf("%d waiters held, want 5 (one per key)", len(ws.h))
	}
	ws.remove(first5) // its Await returns and removes it: the second stays
	ws.remove(byKey[9])
	ws.release(5)
	for _, k := range []uint64{1, 3, 5} {
		select {
		case <-byKey[k].ch:
		default:
			t.Errorf("key %d not released at head 5", k)
		}
	}
	select {
	case <-byKey[7].ch:
		t.Error("key 7 released at head 5")
	default:
	}
	if len(ws.h) != 1 || ws.h[0] != byKey[7] {
		t.Fatalf("left held: %d waiters, want only key 7", len(ws.h))
	}
	ws.remove(byKey[5]) // already released: a no-op
	ws.remove(byKey[7])
	if len(ws.h) != 0 {
		t.Errorf("%d waiters left after removing all", len(ws.h))
	}
}
