package web

import (
	"fmt"
	"strings"
	"testing"

	"vaxbook/queue"
)

// TestWaitingPageStatesTheClaimWindow: the waiting page promises the place is kept for
// the waiting room's claim window after the turn comes; the promise must follow the
// window if it changes.
func TestWaitingPageStatesTheClaimWindow(t *testing.T) {
	cat, err := loadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	minutes := int(queue.DefaultConfig().ClaimWindow.Minutes())
	for lang, want := range map[string]string{"ko": fmt.Sprintf("%d분", minutes), "en": fmt.Sprintf("%d minutes", minutes)} {
		if got := cat.text(lang, "wait.keepopen.why"); !strings.Contains(got, want) {
			t.Errorf("%s: %q does not state the %s the place is kept", lang, got, want)
		}
	}
}
