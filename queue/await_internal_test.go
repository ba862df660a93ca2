package queue

import "testing"

func TestWaitersReleaseExactlyTheKeysTheHeadReached(t *testing.T) {
	var ws waiters
	byKey := map[uint64]*waiter{}
	for _, k := range []uint64{5, 1, 9, 3, 7, 5} {
		byKey[k] = ws.add(k) // the second 5 replaces the first in the map; both are held
	}
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
