package handlers

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"portal/app"
	"portal/views"
)

// staffGroups lists the groups this person may see: every group for coordinators and admins, the groups they
// lead for facilitators.
func (s *Server) staffGroups(c *fiber.Ctx) error {
	groups, err := s.App.VisibleGroups(c.UserContext(), actor(c), c.Query("alle") == "")
	if err != nil {
		return err
	}
	d := struct {
		Groups []app.StaffGroup
		All    bool
		Office bool
	}{groups, c.Query("alle") != "", actor(c).SeesAllGroups()}
	return s.render(c, "staff_groups", s.staffPage(c, "staff.groups.title", d))
}

// staffGroupData is the group page: the group, its offering, who leads it, its sessions and its members.
type staffGroupData struct {
	Group        app.Group
	Offering     app.Offering
	Facilitators []app.Facilitator
	Upcoming     []app.Session
	Past         []app.Session
	Counts       app.GroupCounts
	Members      []app.GroupMemberList
	Completed    bool
	CanEdit      bool
	Saved        bool
	Added        int
}

// paramID reads a numeric route parameter; anything else is a 404.
func paramID(c *fiber.Ctx, name string) (int64, error) {
	id, err := strconv.ParseInt(c.Params(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, app.ErrNotFound
	}
	return id, nil
}

// staffGroup shows one group, to whoever may see it (a facilitator only their own).
func (s *Server) staffGroup(c *fiber.Ctx) error {
	gd, err := s.groupParam(c)
	if err != nil {
		return err
	}
	counts, err := s.App.CountsOfGroup(c.UserContext(), actor(c), gd.Group.ID)
	if err != nil {
		return err
	}
	members, err := s.App.GroupMembers(c.UserContext(), actor(c), gd.Group.ID)
	if err != nil {
		return err
	}
	g := gd.Group
	d := staffGroupData{Members: members, Group: g, Offering: gd.Offering, Facilitators: gd.Facilitators, CanEdit: actor(c).SeesAllGroups(),
		Saved: c.Query("opgeslagen") != "", Added: c.QueryInt("toegevoegd"), Counts: counts, Completed: c.Query("afgerond") != ""}
	now := s.App.Now()
	for _, sess := range gd.Sessions {
		if sess.EndsAt.After(now) {
			d.Upcoming = append(d.Upcoming, sess)
		} else {
			d.Past = append(d.Past, sess)
		}
	}
	p := s.staffPage(c, "", d)
	p.Title = g.Name.In(p.Lang)
	return s.render(c, "staff_group", p)
}

// staffGroupFormData is the group form's frame: the offering it belongs to and the choices.
type staffGroupFormData struct {
	Offering     app.Offering
	Group        *app.Group
	Statuses     []views.Option
	Visibilities []views.Option
	Discreet     []views.Option
	Staff        []views.Option
}

func (s *Server) groupFormData(c *fiber.Ctx, o app.Offering, g *app.Group) (staffGroupFormData, error) {
	staff, err := s.App.FacilitatorChoices(c.UserContext(), actor(c))
	if err != nil {
		return staffGroupFormData{}, err
	}
	d := staffGroupFormData{Offering: o, Group: g,
		Statuses:     s.staffOptions(c, "staff.groups.status.", app.GroupStatuses),
		Visibilities: s.staffOptions(c, "staff.groups.visibility.", []string{app.VisibilityPublic, app.VisibilityPrivate}),
		Discreet: []views.Option{{Value: "", Label: s.Cat.T(lang(c), "staff.groups.discreet.inherit")},
			{Value: "yes", Label: s.Cat.T(lang(c), "staff.groups.discreet.yes")},
			{Value: "no", Label: s.Cat.T(lang(c), "staff.groups.discreet.no")}},
	}
	for _, st := range staff {
		label := st.DisplayName() + " (" + s.Cat.T(lang(c), "staff.role."+st.Role) + ")"
		d.Staff = append(d.Staff, views.Option{Value: strconv.FormatInt(st.ID, 10), Label: label})
	}
	return d, nil
}

// groupFormFields lists the group form's fields in page order, for the error summary.
var groupFormFields = []string{"name_nl", "name_en", "slug", "municipality", "place_name", "address", "capacity",
	"child_capacity", "closed_after", "status", "visibility", "discreet", "facilitators", "description_nl", "description_en"}

// groupFormOf reads the group form.
func groupFormOf(c *fiber.Ctx) app.GroupForm {
	f := app.GroupForm{
		Name:        app.Text{"nl": c.FormValue("name_nl"), "en": c.FormValue("name_en")},
		Description: app.Text{"nl": c.FormValue("description_nl"), "en": c.FormValue("description_en")},
		Slug:        c.FormValue("slug"), Municipality: c.FormValue("municipality"), PlaceName: c.FormValue("place_name"),
		Address: c.FormValue("address"), PlacePrivate: yes(c, "place_private"), Capacity: c.FormValue("capacity"),
		ChildCapacity: c.FormValue("child_capacity"), ClosedAfter: c.FormValue("closed_after"),
		Status: c.FormValue("status"), Visibility: c.FormValue("visibility"), Discreet: c.FormValue("discreet"),
	}
	for _, v := range c.Request().PostArgs().PeekMulti("facilitators") {
		if id, err := strconv.ParseInt(string(v), 10, 64); err == nil {
			f.Facilitators = append(f.Facilitators, id)
		} else {
			f.Facilitators = append(f.Facilitators, -1) // refused by the app as unknown
		}
	}
	return f
}

// groupFormValues fills the form from a group, for editing.
func groupFormValues(f app.GroupForm) map[string]string {
	m := map[string]string{
		"name_nl": f.Name["nl"], "name_en": f.Name["en"], "description_nl": f.Description["nl"],
		"description_en": f.Description["en"], "slug": f.Slug, "municipality": f.Municipality,
		"place_name": f.PlaceName, "address": f.Address, "place_private": tick(f.PlacePrivate),
		"capacity": f.Capacity, "child_capacity": f.ChildCapacity, "closed_after": f.ClosedAfter,
		"status": f.Status, "visibility": f.Visibility, "discreet": f.Discreet,
	}
	for _, id := range f.Facilitators {
		m["facilitators="+strconv.FormatInt(id, 10)] = "ja"
	}
	return m
}

// staffGroupNewForm shows an empty group form for an offering.
func (s *Server) staffGroupNewForm(c *fiber.Ctx) error {
	od, err := s.offeringParam(c)
	if err != nil {
		return err
	}
	o := od.Offering
	d, err := s.groupFormData(c, o, nil)
	if err != nil {
		return err
	}
	p := s.staffPage(c, "staff.groups.new", d)
	p.Form = groupFormValues(app.GroupForm{Status: app.GroupDraft, Visibility: app.VisibilityPublic, Capacity: "12",
		ChildCapacity: "0", PlacePrivate: o.Discreet})
	return s.render(c, "staff_group_form", p)
}

// staffGroupCreate makes the group.
func (s *Server) staffGroupCreate(c *fiber.Ctx) error {
	od, err := s.offeringParam(c)
	if err != nil {
		return err
	}
	o := od.Offering
	id, err := s.App.CreateGroup(c.UserContext(), actor(c), o.ID, groupFormOf(c))
	if err == nil {
		return c.Redirect("/beheer/groepen/"+strconv.FormatInt(id, 10)+"?opgeslagen=1", fiber.StatusSeeOther)
	}
	d, derr := s.groupFormData(c, o, nil)
	if derr != nil {
		return derr
	}
	p := s.staffPage(c, "staff.groups.new", d)
	p.Form = formValues(c)
	if s.staffInvalid(c, &p, err, groupFormFields...) {
		return s.render(c, "staff_group_form", p)
	}
	return err
}

// staffGroupEditForm shows the group form filled in.
func (s *Server) staffGroupEditForm(c *fiber.Ctx) error {
	gd, err := s.groupParam(c)
	if err != nil {
		return err
	}
	g, o := gd.Group, gd.Offering
	ids := make([]int64, len(gd.Facilitators))
	for i, f := range gd.Facilitators {
		ids[i] = f.ID
	}
	d, err := s.groupFormData(c, o, &g)
	if err != nil {
		return err
	}
	p := s.staffPage(c, "staff.groups.edit", d)
	p.Form = groupFormValues(app.GroupFormOf(g, ids))
	return s.render(c, "staff_group_form", p)
}

// staffGroupUpdate saves the group.
func (s *Server) staffGroupUpdate(c *fiber.Ctx) error {
	gd, err := s.groupParam(c)
	if err != nil {
		return err
	}
	g, o := gd.Group, gd.Offering
	err = s.App.UpdateGroup(c.UserContext(), actor(c), g.ID, groupFormOf(c))
	if err == nil {
		return c.Redirect("/beheer/groepen/"+strconv.FormatInt(g.ID, 10)+"?opgeslagen=1", fiber.StatusSeeOther)
	}
	d, derr := s.groupFormData(c, o, &g)
	if derr != nil {
		return derr
	}
	p := s.staffPage(c, "staff.groups.edit", d)
	p.Form = formValues(c)
	if s.staffInvalid(c, &p, err, groupFormFields...) {
		return s.render(c, "staff_group_form", p)
	}
	return err
}

// groupParam loads the group of the route, with its offering, facilitators and sessions, when this staff member
// may see it (the app checks).
func (s *Server) groupParam(c *fiber.Ctx) (app.GroupDetail, error) {
	id, err := paramID(c, "id")
	if err != nil {
		return app.GroupDetail{}, err
	}
	return s.App.GroupForStaff(c.UserContext(), actor(c), id)
}

// staffGroupComplete marks everyone with a place in a group that has ended as having completed it.
func (s *Server) staffGroupComplete(c *fiber.Ctx) error {
	gd, err := s.groupParam(c)
	if err != nil {
		return err
	}
	g := gd.Group
	if gd.SessionsAhead(s.App.Now()) > 0 {
		return app.ErrTransition // a group with sessions ahead has not ended
	}
	if _, err := s.App.CompleteGroup(c.UserContext(), actor(c), g.ID); err != nil {
		return err
	}
	return c.Redirect("/beheer/groepen/"+strconv.FormatInt(g.ID, 10)+"?afgerond=1", fiber.StatusSeeOther)
}
