package signin

// CacheOn reports whether the session cache hears announcements (and so keeps
// sessions), for tests that must wait until listening started.
func (s *Service) CacheOn() bool { return s.cache != nil && s.cache.on.Load() }
