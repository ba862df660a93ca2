package imports_test

import (
	"errors"
	"strings"
	"testing"

	"vaxbook"
	"vaxbook/audit"
	"vaxbook/imports"
)

func TestTheServiceAuditsAnAppliedFileOnly(t *testing.T) {
	forEachStore(t, func(t *testing.T, s vaxbook.Store) {
		svc := imports.NewService(s, audit.New(s, vaxbook.NewManualClock(vaxbook.MustDate("2021-08-01").At(9, 0)), nil))
		bad := sitesFile + "3,해운대연세의원,부산광역시,해운대구,부산 해운대구 해운대로 3,hospital\n"
		var errs imports.Errors
		if _, err := svc.Import(t.Context(), imports.KindSites, strings.NewReader(bad), 0); !errors.As(err, &errs) {
			t.Fatalf("Import of a bad file = %v, want its line errors", err)
		}
		n, err := svc.Import(t.Context(), imports.KindSites, strings.NewReader(sitesFile), 0)
		if err != nil || n != 2 {
			t.Fatalf("Import = %d, %v; want 2 lines", n, err)
		}
		if _, err := s.Site(t.Context(), 2); err != nil {
			t.Errorf("site 2 after the import: %v", err)
		}
		es, err := s.AuditLog(t.Context(), 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(es) != 1 || es[0].Action != imports.ActionImport || !strings.HasPrefix(es[0].Detail, "sites: 2 lines") {
			t.Errorf("audit log %+v, want one import of 2 sites", es)
		}
	})
}
