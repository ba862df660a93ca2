package inmem

// Len returns the number of records the guard holds, for tests of sweeping.
func (g *Guard) Len() int {
	n := 0
	for i := range g.shards {
		s := &g.shards[i]
		s.mu.Lock()
		n += len(s.recs)
		s.mu.Unlock()
	}
	return n
}
