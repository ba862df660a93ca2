package booking

// Forget drops campaign id from the cache, so that this instance books under an
// operator's edit at once; other instances pick it up within campaignTTL.
func (s *Service) Forget(id int64) {
	s.mu.Lock()
	delete(s.campaigns, id)
	s.mu.Unlock()
}
