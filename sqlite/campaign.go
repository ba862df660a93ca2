package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"vaxbook"
)

// CreateCampaign inserts c with its windows and sets c.ID.
func (s *Store) CreateCampaign(ctx context.Context, c *vaxbook.Campaign) error {
	if c.Name == "" || c.SecondDoseDays < 0 {
		return vaxbook.Errorf(vaxbook.CodeInvalidInput, "a campaign needs a name and a non-negative second-dose interval")
	}
	var id int64
	err := s.inWrite(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `
			INSERT INTO campaigns (name, cohort_from, cohort_to, vaccination_from, vaccination_to, second_dose_days, weights)
			VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			c.Name, dateArg(c.CohortFrom), dateArg(c.CohortTo), dateArg(c.VaccinationFrom), dateArg(c.VaccinationTo),
			c.SecondDoseDays, formatWeights(c.Weights)).Scan(&id)
		if err != nil {
			return fmt.Errorf("insert campaign: %w", err)
		}
		stmt, err := tx.PrepareContext(ctx, `INSERT INTO windows (campaign_id, seq, grp, opens, closes) VALUES (?, ?, ?, ?, ?)`)
		if err != nil {
			return fmt.Errorf("prepare windows: %w", err)
		}
		defer stmt.Close()
		for i, w := range c.Windows {
			if _, err := stmt.ExecContext(ctx, id, i, w.Group, w.Opens.UnixMicro(), w.Closes.UnixMicro()); err != nil {
				return fmt.Errorf("insert window %d of campaign %d: %w", i, id, err)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	c.ID = id
	return nil
}

// Campaign returns the campaign with the id, or CodeNotFound.
func (s *Store) Campaign(ctx context.Context, id int64) (vaxbook.Campaign, error) {
	cs, err := s.campaigns(ctx, id)
	if err != nil {
		return vaxbook.Campaign{}, err
	}
	if len(cs) == 0 {
		return vaxbook.Campaign{}, vaxbook.Errorf(vaxbook.CodeNotFound, "no campaign %d", id)
	}
	return cs[0], nil
}

// Campaigns lists every campaign by id.
func (s *Store) Campaigns(ctx context.Context) ([]vaxbook.Campaign, error) {
	return s.campaigns(ctx, 0)
}

// campaigns reads the campaign with the id, or every campaign when id is 0, with their
// windows, from one snapshot.
func (s *Store) campaigns(ctx context.Context, id int64) ([]vaxbook.Campaign, error) {
	var cs []vaxbook.Campaign
	err := s.inRead(ctx, func(tx *sql.Tx) error {
		var err error
		if cs, err = readCampaigns(ctx, tx, id); err != nil {
			return err
		}
		return readWindows(ctx, tx, id, cs)
	})
	return cs, err
}

// querier is what a *sql.DB and a *sql.Tx have in common.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// readCampaign reads one campaign with its windows, which give the booking order of the
// share split, or returns CodeNotFound.
func readCampaign(ctx context.Context, q querier, id int64) (vaxbook.Campaign, error) {
	if id == 0 {
		return vaxbook.Campaign{}, vaxbook.Errorf(vaxbook.CodeNotFound, "no campaign %d", id)
	}
	cs, err := readCampaigns(ctx, q, id)
	if err != nil {
		return vaxbook.Campaign{}, err
	}
	if len(cs) == 0 {
		return vaxbook.Campaign{}, vaxbook.Errorf(vaxbook.CodeNotFound, "no campaign %d", id)
	}
	if err := readWindows(ctx, q, id, cs); err != nil {
		return vaxbook.Campaign{}, err
	}
	return cs[0], nil
}

func readCampaigns(ctx context.Context, q querier, id int64) ([]vaxbook.Campaign, error) {
	rows, err := q.QueryContext(ctx, `
		SELECT id, name, cohort_from, cohort_to, vaccination_from, vaccination_to, second_dose_days, weights
		FROM campaigns WHERE ? = 0 OR id = ? ORDER BY id`, id, id)
	if err != nil {
		return nil, fmt.Errorf("query campaigns: %w", err)
	}
	defer rows.Close()
	var cs []vaxbook.Campaign
	for rows.Next() {
		var c vaxbook.Campaign
		var cf, ct, vf, vt sql.NullString
		var weights string
		if err := rows.Scan(&c.ID, &c.Name, &cf, &ct, &vf, &vt, &c.SecondDoseDays, &weights); err != nil {
			return nil, fmt.Errorf("scan campaign: %w", err)
		}
		for _, p := range []struct {
			col sql.NullString
			d   *vaxbook.Date
		}{{cf, &c.CohortFrom}, {ct, &c.CohortTo}, {vf, &c.VaccinationFrom}, {vt, &c.VaccinationTo}} {
			if *p.d, err = parseDate(p.col); err != nil {
				return nil, fmt.Errorf("campaign %d: %w", c.ID, err)
			}
		}
		if c.Weights, err = parseWeights(weights); err != nil {
			return nil, fmt.Errorf("campaign %d: %w", c.ID, err)
		}
		cs = append(cs, c)
	}
	return cs, rows.Err()
}

// readWindows fills in the windows of cs, which are ordered by id.
func readWindows(ctx context.Context, q querier, id int64, cs []vaxbook.Campaign) error {
	rows, err := q.QueryContext(ctx, `
		SELECT campaign_id, grp, opens, closes FROM windows
		WHERE ? = 0 OR campaign_id = ? ORDER BY campaign_id, seq`, id, id)
	if err != nil {
		return fmt.Errorf("query windows: %w", err)
	}
	defer rows.Close()
	i := 0
	for rows.Next() {
		var cid int64
		var w vaxbook.Window
		var opens, closes sql.NullInt64
		if err := rows.Scan(&cid, &w.Group, &opens, &closes); err != nil {
			return fmt.Errorf("scan window: %w", err)
		}
		w.Opens, w.Closes = parseTime(opens), parseTime(closes)
		for i < len(cs) && cs[i].ID < cid {
			i++
		}
		if i == len(cs) || cs[i].ID != cid {
			return errors.New("window of an unknown campaign")
		}
		cs[i].Windows = append(cs[i].Windows, w)
	}
	return rows.Err()
}
