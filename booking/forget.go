package booking

// Forget drops campaign id from the cache and its copy of places, so that this instance
// books and searches under an operator's edit at once; other instances pick it up within
// campaignTTL and SheetsConfig.RefreshEvery.
func (s *Service) Forget(id int64) {
	s.mu.Lock()
	delete(s.campaigns, id)
	s.mu.Unlock()
	if s.sheets != nil {
		s.sheets.Forget(id)
	}
}

// SearchFrom makes the service answer searches from the copies of sh (whose Run the
// caller runs), the store answering only while a campaign's copy is loading. Call it
// before the service serves.
func (s *Service) SearchFrom(sh *Sheets) { s.sheets = sh }
