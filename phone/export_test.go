package phone

// Len returns the number of keys the limiter holds, for tests of sweeping.
func (l *MemLimiter) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.events)
}
