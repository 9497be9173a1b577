package main

import (
	"fmt"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/valyala/fasthttp"
)

// pageWeight is what one public page costs a visitor: its HTML and the style sheets and scripts it links to.
type pageWeight struct {
	Path       string
	Lang       string
	HTML       int
	CSS        int
	JS         int
	Scripts    []string
	PlainForms bool // every form works without a script: a method and a submit button
}

// Total is what the page needs to be read: HTML and CSS (scripts only enhance).
func (w pageWeight) Total() int { return w.HTML + w.CSS }

var (
	styleLink  = regexp.MustCompile(`<link rel="stylesheet" href="([^"]+)"`)
	scriptLink = regexp.MustCompile(`<script src="([^"]+)"`)
	formTag    = regexp.MustCompile(`(?s)<form\b[^>]*>.*?</form>`)
	plainForm  = regexp.MustCompile(`^<form\b[^>]*method="(post|get)"`)
	submit     = regexp.MustCompile(`<button\b[^>]*type="submit"|<button>|<input\b[^>]*type="submit"`)
)

// weigh fetches a page in a language and what it links to, the way a first visit would.
func weigh(addr, lang, path string) (w pageWeight, body []byte, err error) {
	w = pageWeight{Path: path, Lang: lang, PlainForms: true}
	if body, err = get(addr, lang, path); err != nil {
		return w, nil, err
	}
	w.HTML = len(body)
	for _, m := range styleLink.FindAllSubmatch(body, -1) {
		css, err := get(addr, lang, htmlUnescape(string(m[1])))
		if err != nil {
			return w, nil, err
		}
		w.CSS += len(css)
	}
	for _, m := range scriptLink.FindAllSubmatch(body, -1) {
		js, err := get(addr, lang, htmlUnescape(string(m[1])))
		if err != nil {
			return w, nil, err
		}
		w.JS += len(js)
		w.Scripts = append(w.Scripts, string(m[1]))
	}
	for _, f := range formTag.FindAll(body, -1) {
		if !plainForm.Match(f) || !submit.Match(f) {
			w.PlainForms = false
		}
	}
	return w, body, nil
}

func htmlUnescape(s string) string { return strings.ReplaceAll(s, "&amp;", "&") }

// get fetches a path in a language (the portal's language cookie; "" for the default) and returns its body;
// anything but 200 is an error.
func get(addr, lang, path string) ([]byte, error) {
	req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
	defer fasthttp.ReleaseRequest(req)
	defer fasthttp.ReleaseResponse(resp)
	req.SetRequestURI("http://" + addr + path)
	if lang != "" {
		req.Header.SetCookie("taal", lang)
	}
	if err := fasthttp.DoTimeout(req, resp, 10*time.Second); err != nil {
		return nil, err
	}
	if resp.StatusCode() != fasthttp.StatusOK {
		return nil, fmt.Errorf("GET %s: status %d", path, resp.StatusCode())
	}
	return append([]byte(nil), resp.Body()...), nil
}

func fileSize(p string) (int64, error) {
	st, err := os.Stat(p)
	if err != nil {
		return 0, err
	}
	return st.Size(), nil
}
