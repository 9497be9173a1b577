package handlers_test

import (
	"bufio"
	"bytes"
	"fmt"
	"html"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"portal/app"
	"portal/app/locale"
	"portal/internal/testenv"
)

// upload posts a file as the import form does (multipart, with the form token).
func upload(t *testing.T, c *http.Client, u, token, name string, file []byte) response {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	if err := mw.WriteField("_csrf", token); err != nil {
		t.Fatal(err)
	}
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fw.Write(file); err != nil {
		t.Fatal(err)
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPost, u, &body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{status: resp.StatusCode, body: string(b), header: resp.Header}
}

var sealedField = regexp.MustCompile(`name="upload" value="([^"]+)"`)

// A coordinator imports a member list through the pages: the page and its template, a check that shows what
// is wrong row by row and changes nothing, a check that shows what will happen, and the import, which mails
// nobody. A facilitator may not open the page.
func TestImportThroughThePages(t *testing.T) {
	w := newStaffWorld(t, time.Date(2026, 6, 15, 9, 0, 0, 0, locale.Brussels))
	c, token := w.client(t, w.coord)
	base := "/beheer/groepen/" + itoa(w.own) + "/inlezen"

	page := w.get(t, c, base)
	if page.status != http.StatusOK || !strings.Contains(page.body, `enctype="multipart/form-data"`) ||
		!strings.Contains(page.body, base+"/sjabloon.xlsx") {
		t.Fatalf("import page: %d", page.status)
	}
	tpl := w.get(t, c, base+"/sjabloon.xlsx")
	if tpl.status != http.StatusOK {
		t.Fatalf("template: %d", tpl.status)
	}
	x, err := excelize.OpenReader(strings.NewReader(tpl.body))
	if err != nil {
		t.Fatal(err)
	}
	header, err := x.GetRows(x.GetSheetList()[0])
	if err != nil {
		t.Fatal(err)
	}
	if err := x.Close(); err != nil {
		t.Fatal(err)
	}
	if len(header) == 0 || header[0][0] != "Naam" || len(x.GetSheetList()) != 2 {
		t.Errorf("the template's first sheet starts %v, its sheets %v; want Naam and an explanation", header, x.GetSheetList())
	}

	var people, sendable int
	testenv.MustGet(t, w.srv.DB, &people, `SELECT count(*) FROM people`)
	bad := upload(t, c, w.srv.URL+base, token, "lijst.csv", []byte("\ufeffNaam;Rol;E-mail\nAnna;deelnemer;anna-at-home\n"))
	if bad.status != http.StatusUnprocessableEntity || !strings.Contains(html.UnescapeString(bad.body), "Rij 2, kolom 'E-mail'") ||
		sealedField.MatchString(bad.body) {
		t.Errorf("a list with a bad address: %d, want 422 with the row and column and no confirm button", bad.status)
	}

	// A refused value is repeated cut short: the page of a file with an overlong name stays small.
	long := upload(t, c, w.srv.URL+base, token, "lijst.csv", []byte("\ufeffNaam\n"+strings.Repeat("x", 900)+"\n"))
	if long.status != http.StatusUnprocessableEntity || strings.Contains(long.body, strings.Repeat("x", app.MaxImportShown+1)) ||
		len(long.body) > 40<<10 {
		t.Errorf("a list with a name of 900 characters: %d, a page of %d bytes; want 422, the name cut to %d characters",
			long.status, len(long.body), app.MaxImportShown)
	}
	// One of each is said in the singular.
	past := time.Date(2026, 6, 1, 19, 0, 0, 0, locale.Brussels)
	testenv.MustExec(t, w.srv.DB, `INSERT INTO sessions (group_id, starts_at, ends_at) VALUES ($1, $2, $3)`,
		w.own, past, past.Add(2*time.Hour))
	one := upload(t, c, w.srv.URL+base, token, "lijst.csv",
		[]byte("\ufeffNaam;"+past.In(locale.Brussels).Format("02/01/2006")+"\nCor;aanwezig\n"))
	if body := html.UnescapeString(one.body); !strings.Contains(body, "1 persoon in de lijst") ||
		!strings.Contains(body, "1 aanwezigheid bij 1 bijeenkomst.") {
		t.Errorf("a list of one person with one mark: %d, the summary is not in the singular", one.status)
	}
	if !strings.Contains(one.body, `id="preview-title" class="notice-title" tabindex="-1" autofocus`) {
		t.Error("after a good check the focus does not move to the preview's heading")
	}
	// A list with a bad mark shows the problems and the row concerned with the refused value, not what will happen.
	badMark := upload(t, c, w.srv.URL+base, token, "lijst.csv",
		[]byte("\ufeffNaam;"+past.In(locale.Brussels).Format("02/01/2006")+"\nCor;aanwezig\nDirk;misschien\n"))
	body := html.UnescapeString(badMark.body)
	switch {
	case badMark.status != http.StatusUnprocessableEntity:
		t.Errorf("a bad mark: %d, want 422", badMark.status)
	case strings.Contains(body, "Wat er zal gebeuren"):
		t.Error("a list with problems is shown under 'Wat er zal gebeuren'")
	case !strings.Contains(body, "'misschien'</span>") || strings.Contains(body, ">Cor<"):
		t.Error("the table of a list with problems does not show just the row concerned with its refused value")
	case !strings.Contains(body, `<li><a href="#f-file">`) || !strings.Contains(body, `probleemlijst"`) ||
		!regexp.MustCompile(`aria-describedby="[^"]*probleemlijst"`).MatchString(body):
		t.Error("the problems do not link to the file field, or the field is not described by them")
	}

	good := upload(t, c, w.srv.URL+base, token, "lijst.csv", []byte("\ufeffNaam;Rol;Verwijzer\nAnna;deelnemer;politie\nBen;;\n"))
	m := sealedField.FindStringSubmatch(good.body)
	if good.status != http.StatusOK || m == nil || !strings.Contains(good.body, "Anna") {
		t.Fatalf("a good list: %d, confirm form found: %v", good.status, m != nil)
	}
	var after int
	testenv.MustGet(t, w.srv.DB, &after, `SELECT count(*) FROM people`)
	if after != people {
		t.Fatalf("the check wrote %d people; it must write nothing", after-people)
	}
	testenv.MustGet(t, w.srv.DB, &sendable, `SELECT count(*) FROM outbox WHERE status <> 'cancelled'`)

	done := w.post(t, c, base+"/bevestigen", url.Values{"_csrf": {token}, "upload": {m[1]}})
	if done.status != http.StatusOK || !strings.Contains(done.body, "Ingelezen: 2 personen") {
		t.Fatalf("confirm: %d", done.status)
	}
	testenv.MustGet(t, w.srv.DB, &after, `SELECT count(*) FROM people`)
	if after != people+2 {
		t.Errorf("%d people added, want 2", after-people)
	}
	var nowSendable int
	testenv.MustGet(t, w.srv.DB, &nowSendable, `SELECT count(*) FROM outbox WHERE status <> 'cancelled'`)
	if nowSendable != sendable {
		t.Errorf("the import queued %d mails; want none", nowSendable-sendable)
	}
	var audited int
	testenv.MustGet(t, w.srv.DB, &audited, `SELECT count(*) FROM audit_log WHERE action = $1`, app.AuditGroupImport)
	if n := audited; n != 1 {
		t.Errorf("%d import audit rows, want 1", n)
	}

	// The sealed file is the coordinator's: another staff member cannot replay it.
	ac, atoken := w.client(t, w.admin)
	if r := w.post(t, ac, base+"/bevestigen", url.Values{"_csrf": {atoken}, "upload": {m[1]}}); r.status != http.StatusForbidden {
		t.Errorf("another staff member's confirm: %d, want 403", r.status)
	}

	fc, ftoken := w.client(t, w.fac)
	if r := w.get(t, fc, base); r.status != http.StatusForbidden {
		t.Errorf("facilitator's import page: %d, want 403", r.status)
	}
	if r := upload(t, fc, w.srv.URL+base, ftoken, "lijst.csv", []byte("Naam\nX\n")); r.status != http.StatusForbidden {
		t.Errorf("facilitator's upload: %d, want 403", r.status)
	}
}

// A file above the limit is refused with the limit in words, before it is read; the other forms keep their small
// limit.
func TestImportRefusesAHugeFile(t *testing.T) {
	w := newStaffWorld(t, time.Date(2026, 6, 15, 9, 0, 0, 0, locale.Brussels))
	c, token := w.client(t, w.coord)
	base := "/beheer/groepen/" + itoa(w.own) + "/inlezen"
	// A 50 MB upload is answered as soon as its headers are read: the server does not read the body. (A client
	// that goes on sending it then finds the connection closed; a browser shows the answer or a reset.)
	u, err := url.Parse(w.srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: multipart/form-data; boundary=x\r\n"+
		"Content-Length: %d\r\n\r\n", base, u.Host, 50<<20); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(string(b), "hoogstens 2 megabyte") {
		t.Errorf("a 50 MB file: %d, want 413 saying the limit", resp.StatusCode)
	}
	big := upload(t, c, w.srv.URL+base, token, "groot.csv", bytes.Repeat([]byte("x"), app.MaxImportBytes+10))
	if big.status != http.StatusUnprocessableEntity || !strings.Contains(big.body, "hoogstens 2 MB") {
		t.Errorf("a file just over the limit: %d, want 422 saying the limit", big.status)
	}
	form := url.Values{"_csrf": {token}, "q": {strings.Repeat("x", 100<<10)}}
	if r := w.post(t, c, "/beheer/zoeken", form); r.status != http.StatusRequestEntityTooLarge {
		t.Errorf("a large search form: %d, want 413", r.status)
	}
}
