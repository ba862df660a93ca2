package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"vaxbook"
)

// CreateCampaign inserts c with its windows in one transaction and sets c.ID.
func (s *Store) CreateCampaign(ctx context.Context, c *vaxbook.Campaign) error {
	var id int64
	err := s.inTx(ctx, "create campaign", func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `
			INSERT INTO campaigns (name, cohort_from, cohort_to, vaccination_from,
				vaccination_to, second_dose_days, weights)
			VALUES ($1, $2, $3, $4, $5, $6, $7)
			RETURNING id`,
			c.Name, pgDate(c.CohortFrom), pgDate(c.CohortTo), pgDate(c.VaccinationFrom),
			pgDate(c.VaccinationTo), c.SecondDoseDays, c.Weights[:]).Scan(&id)
		if err != nil {
			return err
		}
		var b pgx.Batch
		for i, w := range c.Windows {
			b.Queue(`INSERT INTO windows (campaign_id, seq, grp, opens, closes)
				VALUES ($1, $2, $3, $4, $5)`, id, i, w.Group, w.Opens, w.Closes)
		}
		return tx.SendBatch(ctx, &b).Close()
	})
	if err != nil {
		return err
	}
	c.ID = id
	return nil
}

// Campaign returns the campaign with the id, or CodeNotFound.
func (s *Store) Campaign(ctx context.Context, id int64) (vaxbook.Campaign, error) {
	cs, err := s.campaigns(ctx, &id)
	if err != nil {
		return vaxbook.Campaign{}, err
	}
	if len(cs) == 0 {
		return vaxbook.Campaign{}, vaxbook.Errorf(vaxbook.CodeNotFound, "campaign %d not found", id)
	}
	return cs[0], nil
}

// Campaigns lists every campaign by id.
func (s *Store) Campaigns(ctx context.Context) ([]vaxbook.Campaign, error) {
	return s.campaigns(ctx, nil)
}

// campaigns loads the campaign with the id, or all when id is nil, with their windows.
func (s *Store) campaigns(ctx context.Context, id *int64) ([]vaxbook.Campaign, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT id, name, cohort_from, cohort_to, vaccination_from, vaccination_to,
			second_dose_days, weights
		FROM campaigns WHERE $1::BIGINT IS NULL OR id = $1 ORDER BY id`, id)
	if err != nil {
		return nil, dbError(err, "load campaigns")
	}
	cs, err := pgx.CollectRows(rows, scanCampaign)
	if err != nil {
		return nil, dbError(err, "load campaigns")
	}
	if len(cs) == 0 {
		return nil, nil
	}
	at := make(map[int64]int, len(cs))
	for i, c := range cs {
		at[c.ID] = i
	}
	rows, err = s.pool.Query(ctx, `
		SELECT campaign_id, grp, opens, closes FROM windows
		WHERE $1::BIGINT IS NULL OR campaign_id = $1 ORDER BY campaign_id, seq`, id)
	if err != nil {
		return nil, dbError(err, "load windows")
	}
	var (
		cid int64
		w   vaxbook.Window
	)
	_, err = pgx.ForEachRow(rows, []any{&cid, &w.Group, &w.Opens, &w.Closes}, func() error {
		i, ok := at[cid]
		if !ok {
			return nil // a campaign created after the first query
		}
		cs[i].Windows = append(cs[i].Windows, vaxbook.Window{
			Group: w.Group, Opens: w.Opens.In(vaxbook.Seoul), Closes: w.Closes.In(vaxbook.Seoul)})
		return nil
	})
	if err != nil {
		return nil, dbError(err, "load windows")
	}
	return cs, nil
}

func scanCampaign(row pgx.CollectableRow) (vaxbook.Campaign, error) {
	var (
		c              vaxbook.Campaign
		cf, ct, vf, vt pgtype.Date
		weights        []int
	)
	if err := row.Scan(&c.ID, &c.Name, &cf, &ct, &vf, &vt, &c.SecondDoseDays, &weights); err != nil {
		return c, err
	}
	if len(weights) != vaxbook.Groups {
		return c, fmt.Errorf("campaign %d has %d weights", c.ID, len(weights))
	}
	copy(c.Weights[:], weights)
	c.CohortFrom, c.CohortTo = fromDate(cf), fromDate(ct)
	c.VaccinationFrom, c.VaccinationTo = fromDate(vf), fromDate(vt)
	return c, nil
}
