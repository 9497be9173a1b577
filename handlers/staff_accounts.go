package handlers

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"portal/app"
	"portal/views"
)

// staffAccounts lists every staff account (admins only).
func (s *Server) staffAccounts(c *fiber.Ctx) error {
	list, err := s.App.StaffList(c.UserContext(), actor(c))
	if err != nil {
		return err
	}
	return s.render(c, "staff_accounts", s.staffPage(c, "staff.accounts.title", struct{ Staff []app.Staff }{list}))
}

// staffAccountFormData is the account form's frame.
type staffAccountFormData struct {
	Roles []views.Option
}

var accountFormFields = []string{"email", "name", "role", "password"}

// staffAccountNewForm shows the form for a new account.
func (s *Server) staffAccountNewForm(c *fiber.Ctx) error {
	p := s.staffPage(c, "staff.accounts.new", staffAccountFormData{s.staffOptions(c, "staff.role.", app.Roles)})
	p.Form = map[string]string{"role": app.RoleFacilitator}
	return s.render(c, "staff_account_new", p)
}

// staffAccountCreate makes the account; without a password, a mail invites the new colleague to choose one.
func (s *Server) staffAccountCreate(c *fiber.Ctx) error {
	id, err := s.App.CreateStaff(c.UserContext(), actor(c), app.StaffAccount{Email: c.FormValue("email"),
		Name: c.FormValue("name"), Role: c.FormValue("role"), Password: c.FormValue("password")})
	if err == nil {
		return c.Redirect("/beheer/medewerkers/"+strconv.FormatInt(id, 10)+"?opgeslagen=1", fiber.StatusSeeOther)
	}
	p := s.staffPage(c, "staff.accounts.new", staffAccountFormData{s.staffOptions(c, "staff.role.", app.Roles)})
	p.Form = formValues(c)
	delete(p.Form, "password")
	if s.staffInvalid(c, &p, err, accountFormFields...) {
		return s.render(c, "staff_account_new", p)
	}
	return err
}

// staffAccountData is one account's page.
type staffAccountData struct {
	Account  app.Staff
	Roles    []views.Option
	Self     bool
	Sessions int
	Done     string
	// OffersDigest: the page offers the daily digest of new work (their own page, office roles); Digest is
	// whether they chose it, DigestSaved shows after saving that choice.
	OffersDigest, Digest, DigestSaved bool
}

// staffAccount shows one account with what an admin can do to it.
func (s *Server) staffAccount(c *fiber.Ctx) error {
	return s.renderAccount(c, nil, c.Query("gedaan"))
}

func (s *Server) renderAccount(c *fiber.Ctx, problem error, done string) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	v, err := s.App.StaffAccount(c.UserContext(), actor(c), id)
	if err != nil {
		return err
	}
	st := v.Account
	d := staffAccountData{Account: st, Roles: s.staffOptions(c, "staff.role.", app.Roles), Self: id == currentStaff(c).ID,
		Sessions: v.Sessions, Done: done}
	p := s.staffPage(c, "", d)
	p.Title = st.DisplayName()
	p.Form = map[string]string{"role": st.Role}
	if problem != nil && !s.staffInvalid(c, &p, problem, "role", "active") {
		return problem
	}
	return s.render(c, "staff_account", p)
}

// accountAction runs an admin action on the account of the route and shows the account again.
func (s *Server) accountAction(c *fiber.Ctx, done string, act func(admin app.Actor, id int64) error) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	if err := act(actor(c), id); err != nil {
		if _, ok := app.AsValidation(err); ok {
			return s.renderAccount(c, err, "")
		}
		return err
	}
	return c.Redirect("/beheer/medewerkers/"+strconv.FormatInt(id, 10)+"?gedaan="+done, fiber.StatusSeeOther)
}

// staffAccountRole changes a role.
func (s *Server) staffAccountRole(c *fiber.Ctx) error {
	return s.accountAction(c, "rol", func(admin app.Actor, id int64) error {
		return s.App.ChangeStaffRole(c.UserContext(), admin, id, c.FormValue("role"))
	})
}

// staffAccountActive deactivates (ending every session) or reactivates an account.
func (s *Server) staffAccountActive(c *fiber.Ctx) error {
	active := c.FormValue("active") == "ja"
	done := map[bool]string{true: "actief", false: "inactief"}[active]
	return s.accountAction(c, done, func(admin app.Actor, id int64) error {
		return s.App.SetStaffActive(c.UserContext(), admin, id, active)
	})
}

// staffAccountTOTP clears someone's authenticator (a lost phone).
func (s *Server) staffAccountTOTP(c *fiber.Ctx) error {
	return s.accountAction(c, "tweestaps", func(admin app.Actor, id int64) error {
		return s.App.ResetTOTP(c.UserContext(), admin, id)
	})
}

// staffAccountPasswordMail sends someone a link to choose a new password.
func (s *Server) staffAccountPasswordMail(c *fiber.Ctx) error {
	return s.accountAction(c, "mail", func(admin app.Actor, id int64) error {
		return s.App.SendPasswordMail(c.UserContext(), admin, id)
	})
}

// staffMyAccount shows the signed-in staff member's own account: role, open sessions, log out everywhere.
func (s *Server) staffMyAccount(c *fiber.Ctx) error {
	v, err := s.App.MyAccount(c.UserContext(), actor(c))
	if err != nil {
		return err
	}
	d := staffAccountData{Account: v.Account, Self: true, Sessions: v.Sessions, DigestSaved: c.Query("bewaard") == "1"}
	if actor(c).SeesAllGroups() {
		on, err := s.App.WorkDigest(c.UserContext(), actor(c))
		if err != nil {
			return err
		}
		d.OffersDigest, d.Digest = true, on
	}
	return s.render(c, "staff_me", s.staffPage(c, "staff.me.title", d))
}

// staffMyDigest saves the choice of the daily digest mail of new work (office roles).
func (s *Server) staffMyDigest(c *fiber.Ctx) error {
	if err := s.App.SetWorkDigest(c.UserContext(), actor(c), c.FormValue("digest") == "1"); err != nil {
		return err
	}
	return c.Redirect("/beheer/account?bewaard=1#samenvatting", fiber.StatusSeeOther)
}
