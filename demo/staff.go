package demo

import (
	"context"
	"fmt"

	"vaxbook"
	"vaxbook/staff"
)

// StaffLogin is the login of the demo staff account of a site.
func StaffLogin(siteID int64) string { return fmt.Sprintf("clinic-%d", siteID) }

// LoadStaff creates (or resets) one clinic account per site, login StaffLogin(id), all
// with password, and returns them. They let a demo user sign in as a clinic without an
// administration tool; the accounts have no one-time code so the demo needs no phone.
func LoadStaff(ctx context.Context, c vaxbook.Clinics, siteIDs []int64, password string) ([]vaxbook.Staff, error) {
	if len(password) < 8 {
		return nil, vaxbook.Errorf(vaxbook.CodeInvalidInput, "a demo staff password needs at least 8 characters")
	}
	out := make([]vaxbook.Staff, 0, len(siteIDs))
	for _, id := range siteIDs {
		hash, err := staff.Hash(password)
		if err != nil {
			return nil, err
		}
		st := vaxbook.Staff{SiteID: id, Login: StaffLogin(id), Name: fmt.Sprintf("Demo staff of site %d", id), PasswordHash: hash, Role: vaxbook.RoleClinic}
		if err := c.PutStaff(ctx, st); err != nil {
			return nil, fmt.Errorf("demo staff of site %d: %w", id, err)
		}
		if st, err = c.StaffByLogin(ctx, st.Login); err != nil {
			return nil, fmt.Errorf("demo staff of site %d: %w", id, err)
		}
		out = append(out, st)
	}
	return out, nil
}
