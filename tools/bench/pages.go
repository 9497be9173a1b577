package main

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// pageLink finds the links of a page to other pages of the site.
var pageLink = regexp.MustCompile(`<a\b[^>]*href="(/[^"#?]*)`)

// publicPages walks the site from its home page, link by link, and returns every public page it reaches:
// the catalogue, each offering, the forms, the information pages. Staff pages, the language switch and
// static files are left out.
func publicPages(addr, lang string, limit int) ([]pageWeight, error) {
	seen := map[string]bool{"/": true}
	queue := []string{"/"}
	var out []pageWeight
	for len(queue) > 0 && len(out) < limit {
		path := queue[0]
		queue = queue[1:]
		w, body, err := weigh(addr, lang, path)
		if err != nil {
			return nil, err
		}
		out = append(out, w)
		for _, m := range pageLink.FindAllSubmatch(body, -1) {
			p := string(m[1])
			if seen[p] || strings.HasPrefix(p, "/static/") || strings.HasPrefix(p, "/taal/") || strings.HasPrefix(p, "/beheer") {
				continue
			}
			seen[p] = true
			queue = append(queue, p)
		}
	}
	return out, nil
}

// pageWeights weighs every public page in Dutch and in English, before the bench adds offerings of its own.
func (b *bench) pageWeights() ([]pageWeight, error) {
	var all []pageWeight
	for _, lang := range []string{"nl", "en"} {
		w, err := publicPages(b.addr, lang, 100)
		if err != nil {
			return nil, fmt.Errorf("weighing pages: %w", err)
		}
		all = append(all, w...)
	}
	return all, nil
}

// weightOf returns the weight of path in Dutch among ws.
func weightOf(ws []pageWeight, path string) pageWeight {
	for _, w := range ws {
		if w.Path == path && w.Lang != "en" {
			return w
		}
	}
	return pageWeight{}
}

// printWeights lists every page in Dutch, heaviest first, and the heaviest in English.
func (b *bench) printWeights(ws []pageWeight) {
	sorted := append([]pageWeight(nil), ws...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Total() > sorted[j].Total() })
	var en []pageWeight
	b.say("\nPublic pages, bytes of HTML + CSS (+ scripts, which only enhance):")
	for _, w := range sorted {
		if w.Lang == "en" {
			en = append(en, w)
			continue
		}
		forms := ""
		if !w.PlainForms {
			forms = "  A FORM NEEDS A SCRIPT"
		}
		b.say("  %6d = %6d + %5d (+ %4d)  %s%s", w.Total(), w.HTML, w.CSS, w.JS, pathName(w.Path), forms)
	}
	if len(en) > 0 {
		b.say("  in English: %d pages, the heaviest %d bytes (%s)", len(en), en[0].Total(), pathName(en[0].Path))
	}
}

// pathName hides a personal token.
func pathName(p string) string {
	if strings.HasPrefix(p, "/mijn/") {
		return "/mijn/:token"
	}
	return p
}

// sizeRows are the footprint lines of the table: pages, binary, image.
func (b *bench) sizeRows(ws []pageWeight) []row {
	var heaviest pageWeight
	plain, scripts := true, map[string]bool{}
	for _, w := range ws {
		if w.Total() > heaviest.Total() {
			heaviest = w
		}
		plain = plain && w.PlainForms
		for _, s := range w.Scripts {
			scripts[strings.SplitN(s, "?", 2)[0]] = true
		}
	}
	rows := []row{limitRow(fmt.Sprintf("heaviest of %d public pages, nl+en, HTML+CSS (%s %s)", len(ws), heaviest.Lang, pathName(heaviest.Path)),
		float64(heaviest.Total()), targetPage, kb)}
	var list []string
	for s := range scripts {
		list = append(list, strings.TrimPrefix(s, "/static/"))
	}
	sort.Strings(list)
	r := row{Figure: "JavaScript required", Value: "no", Ceiling: "scripts that enhance: " + strings.Join(list, ", "),
		Target: "no", Met: "yes"}
	if !plain {
		r.Value, r.Met = "yes: a form has no method or submit button", "NO"
	}
	rows = append(rows, r)
	if size, err := fileSize(b.o.Portal); err == nil {
		rows = append(rows, limitRow("binary (static, -trimpath -s -w)", float64(size), 0, mb))
		ca, _ := fileSize("/etc/ssl/certs/ca-certificates.crt")
		rows = append(rows, row{Figure: "image (estimate, see README)", Value: "≈ " + mb(float64(size+ca)),
			Ceiling: "binary + CA bundle on scratch"})
	}
	return rows
}
