package views

// Page is what every template receives: the common frame and the page's own data in D.
type Page struct {
	// Lang is the language of the page ("nl" or "en").
	Lang string
	// Path is the current path, for the language switch.
	Path string
	// CSRF is the token every form carries in its hidden field "_csrf".
	CSRF string
	// QuickExit shows the "Snel weg" button: on every page meant for participants.
	QuickExit bool
	// QuickExitURL is the neutral site the quick exit leaves for.
	QuickExitURL string
	// Title is the page title, already translated.
	Title string
	// Staff is the signed-in staff member on /beheer pages, else nil.
	Staff any
	// Errors maps form fields to translated messages, for forms shown again.
	Errors map[string]string
	// Form holds the values of a form shown again.
	Form map[string]string
	// D is the page's own data.
	D any
}
