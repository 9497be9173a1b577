// Package mail sends the portal's mail: the outbox worker, the SMTP sender (go-mail), the mail templates
// and calendar files, and the built-in mail catcher used when no SMTP_URL is set.
package mail
