package web

import (
	"embed"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

//go:embed catalog/*.json
var catalogFS embed.FS

// langCookie remembers the language a resident switched to, for a year.
const langCookie = "vb_lang"

// catalog holds the Korean and English messages. Korean is the source language; Korean
// has only the "other" plural form, so messages are plain strings with {name}
// placeholders that the scripts fill in.
type catalog struct {
	bundle     *i18n.Bundle
	localizers map[string]*i18n.Localizer
	ids        []string
}

func loadCatalog() (*catalog, error) {
	b := i18n.NewBundle(language.Korean)
	b.RegisterUnmarshalFunc("json", json.Unmarshal)
	c := &catalog{bundle: b, localizers: map[string]*i18n.Localizer{}}
	for _, lang := range []string{"ko", "en"} {
		raw, err := catalogFS.ReadFile("catalog/" + lang + ".json")
		if err != nil {
			return nil, err
		}
		mf, err := b.ParseMessageFileBytes(raw, lang+".json")
		if err != nil {
			return nil, fmt.Errorf("catalog %s: %w", lang, err)
		}
		if lang == "ko" {
			for _, m := range mf.Messages {
				c.ids = append(c.ids, m.ID)
			}
		}
		c.localizers[lang] = i18n.NewLocalizer(b, lang)
	}
	return c, nil
}

// text returns message id in lang, falling back to Korean and then to the id itself so
// that a missing translation shows up on the page instead of failing it.
func (c *catalog) text(lang, id string) string {
	s, err := c.localizers[lang].Localize(&i18n.LocalizeConfig{MessageID: id})
	if err != nil {
		return id
	}
	return s
}

// subset returns the messages in lang whose id is one of ids or starts with one of the
// prefixes among them (those ending in "."), for one page's script.
func (c *catalog) subset(lang string, ids []string) map[string]string {
	out := map[string]string{}
	for _, id := range c.ids {
		for _, want := range ids {
			if id == want || (strings.HasSuffix(want, ".") && strings.HasPrefix(id, want)) {
				out[id] = c.text(lang, id)
				break
			}
		}
	}
	return out
}

// chooseLang picks the page language: ?lang= (remembered in a cookie), then the cookie,
// then Korean, the service's language by default whatever the browser says.
func chooseLang(w http.ResponseWriter, r *http.Request) string {
	if q := strings.ToLower(r.URL.Query().Get("lang")); q == "ko" || q == "en" {
		http.SetCookie(w, &http.Cookie{Name: langCookie, Value: q, Path: "/", MaxAge: 365 * 24 * 3600, SameSite: http.SameSiteLaxMode})
		return q
	}
	if c, err := r.Cookie(langCookie); err == nil && (c.Value == "ko" || c.Value == "en") {
		return c.Value
	}
	return "ko"
}

func otherLang(lang string) string {
	if lang == "en" {
		return "ko"
	}
	return "en"
}

// all returns every message in lang, for checks over the whole catalog.
func (c *catalog) all(lang string) map[string]string {
	out := make(map[string]string, len(c.ids))
	for _, id := range c.ids {
		out[id] = c.text(lang, id)
	}
	return out
}
