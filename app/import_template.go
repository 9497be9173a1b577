package app

import (
	"context"
	"time"

	"portal/app/export"
	"portal/app/locale"
)

// ImportTemplate lays out the workbook staff fill in to import a group's lists: a sheet with the headers the
// import reads (the member columns, then a column per planned session of the group headed by its date as the
// attendance export writes it) and a sheet that explains them, in lang. For the office (OfficeRoles):
// ErrForbidden for anyone else; ErrNotFound for an unknown group. It holds no personal data.
func (a *App) ImportTemplate(ctx context.Context, actor Actor, cat *locale.Catalogue, lang string, groupID int64) (Group, []export.Table, error) {
	if err := actor.Allow(OfficeRoles); err != nil {
		return Group{}, nil, err
	}
	g, err := groupByID(ctx, a.Store.DB, groupID)
	if err != nil {
		return Group{}, nil, err
	}
	from, to := time.Date(FirstYear, 1, 1, 0, 0, 0, 0, locale.Brussels), time.Date(LastYear+1, 1, 1, 0, 0, 0, 0, locale.Brussels)
	sessions, err := plannedSessionsBetween(ctx, a.Store.DB, groupID, from, to)
	if err != nil {
		return Group{}, nil, err
	}
	list := export.Table{Name: cat.T(lang, "import.sheet.list"), Keys: 1, Columns: []string{
		cat.T(lang, "figures.sheet.name"), cat.T(lang, "figures.sheet.role"), importHeader(lang, colEmail),
		importHeader(lang, colPhone), cat.T(lang, "figures.col.referrer"), importHeader(lang, colRequested)}}
	for _, s := range sessions {
		list.Columns = append(list.Columns, locale.ShortDate(lang, s.StartsAt))
	}
	help := export.Table{Name: cat.T(lang, "import.sheet.help"), Keys: 1, Columns: []string{cat.T(lang, "import.sheet.help")}}
	for _, id := range []string{"import.help.1", "import.help.2", "import.help.3", "import.help.4", "import.help.5", "import.help.6"} {
		help.Rows = append(help.Rows, []any{cat.T(lang, id)})
	}
	return g, []export.Table{list, help}, nil
}

// importHeader is the header of a member column that the catalogue has no label of its own for; importColumn
// reads both languages back.
func importHeader(lang, kind string) string {
	en := lang == "en"
	switch kind {
	case colEmail:
		if en {
			return "Email"
		}
		return "E-mail"
	case colPhone:
		if en {
			return "Phone"
		}
		return "Telefoon"
	case colRequested:
		if en {
			return "Request date"
		}
		return "Aanvraagdatum"
	}
	return kind
}
