package views

// Page is what every template receives: the common frame and the page's own data in D.
type Page struct {
	// Lang is the language of the page ("nl" or "en").
	Lang string
	// Path is the current path, for the language switch.
	Path string
	// Token returns the token every form carries in its hidden field "_csrf" (see CSRF). It is asked for only
	// by a page that has a form, because the first time it may give the browser its CSRF cookie.
	Token func() string
	// QuickExit shows the "Snel weg" button: on every page meant for participants.
	QuickExit bool
	// QuickExitURL is the neutral site the quick exit leaves for.
	QuickExitURL string
	// Neutral is true on the neutral host of discreet links: the frame names neither the organisation nor the
	// topic, its only brand is "Afspraken", and it links nowhere but to pages that exist on that host.
	Neutral bool
	// Title is the page title, already translated.
	Title string
	// Staff is the signed-in staff member on /beheer pages, else nil.
	Staff any
	// Errors maps form fields to translated messages, for forms shown again.
	Errors map[string]string
	// ErrorList holds the same messages in the form's order, for the summary at the top.
	ErrorList []FieldError
	// Labels maps a form field to its visible label, for the error summary's links. Render fills it, from the
	// form partials, when the page has errors; handlers leave it nil.
	Labels map[string]string
	// Form holds the values of a form shown again. A checked box of a group is stored as "name=value".
	Form map[string]string
	// D is the page's own data.
	D any
}

// CSRF is the form token of this request, for the hidden field "_csrf" of every form.
func (p Page) CSRF() string {
	if p.Token == nil {
		return ""
	}
	return p.Token()
}

// FieldError is one form field's message.
type FieldError struct {
	Field, Message string
}

// Option is one choice of a select, a radio group or a checkbox group.
type Option struct {
	Value, Label string
}
