package demo_test

import (
	"context"
	"testing"

	"vaxbook"
	"vaxbook/demo"
	"vaxbook/staff"
)

func TestLoadStaffCreatesOneSignInPerSite(t *testing.T) {
	ctx := context.Background()
	s := mustStore(t)
	if _, err := demo.Load(ctx, s, demo.Options{Sites: 5, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	got, err := demo.LoadStaff(ctx, s, []int64{1, 2}, "demo-clinic")
	if err != nil || len(got) != 2 {
		t.Fatalf("LoadStaff = %v, %v", got, err)
	}
	for i, st := range got {
		if st.ID == 0 || st.SiteID != int64(i+1) || st.Login != demo.StaffLogin(st.SiteID) || !staff.Check(st.PasswordHash, "demo-clinic") {
			t.Errorf("account %d = %+v", i, st)
		}
	}
	_, err = demo.LoadStaff(ctx, s, []int64{99}, "demo-clinic")
	if vaxbook.ErrorCode(err) != vaxbook.CodeNotFound {
		t.Errorf("LoadStaff at a missing site: %v, want not_found", err)
	}
}
