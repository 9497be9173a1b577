package app

import (
	"time"

	"github.com/lib/pq"
)

// Offering kinds.
const (
	KindIntervision = "intervision"
	KindWaakvlam    = "waakvlam"
	KindPeerGroup   = "peer_group"
	KindRotonde     = "rotonde"
	KindFamily      = "family"
	KindEvent       = "event"
)

// Audiences, in the order the catalogue shows them.
const (
	AudienceProfessionals = "professionals"
	AudienceSurvivors     = "survivors"
	AudienceHarm          = "harm"
	AudienceFamilies      = "families"
	AudiencePublic        = "public"
)

// Audiences lists every audience in catalogue order.
var Audiences = []string{AudienceSurvivors, AudienceHarm, AudienceFamilies, AudienceProfessionals, AudiencePublic}

// Admission modes: how one joins.
const (
	AdmissionOpen         = "open"
	AdmissionIntake       = "intake"
	AdmissionOrganisation = "organisation"
	AdmissionInvitation   = "invitation"
)

// Offering is one of the organisation's offers: intervision, Waakvlam, peer groups, Rotonde, Blaffen of
// Schuilen, or the activities (one-off events).
type Offering struct {
	ID              int64         `db:"id"`
	Slug            string        `db:"slug"`
	Kind            string        `db:"kind"`
	Audience        string        `db:"audience"`
	Admission       string        `db:"admission"`
	Discreet        bool          `db:"discreet"`
	RetentionDays   int           `db:"retention_days"`
	ReminderOffsets pq.Int64Array `db:"reminder_offsets"`
	CancelHours     int           `db:"cancel_hours"`
	Position        int           `db:"position"`
	Name            Text          `db:"name"`
	Summary         Text          `db:"summary"`
	Description     Text          `db:"description"`
	ForWhom         Text          `db:"for_whom"`
	HowToJoin       Text          `db:"how_to_join"`
	Partner         string        `db:"partner"`
	Active          bool          `db:"active"`
	CreatedAt       time.Time     `db:"created_at"`
}

// ForParticipants reports whether the offering's pages are meant for people who may be in danger, and so
// carry the quick exit and discreet mail.
func (o Offering) ForParticipants() bool { return o.Audience != AudienceProfessionals }

// Group is a group, cohort or single event of an offering.
type Group struct {
	ID                 int64     `db:"id"`
	OfferingID         int64     `db:"offering_id"`
	Slug               string    `db:"slug"`
	Name               Text      `db:"name"`
	Municipality       string    `db:"municipality"`
	PlaceName          string    `db:"place_name"`
	Address            string    `db:"address"`
	PlacePrivate       bool      `db:"place_private"`
	Capacity           int       `db:"capacity"`
	ChildCapacity      int       `db:"child_capacity"`
	ClosedAfterSession *int      `db:"closed_after_session"`
	DiscreetOverride   *bool     `db:"discreet"`
	Status             string    `db:"status"`
	Visibility         string    `db:"visibility"`
	OfferHours         int       `db:"offer_hours"`
	Description        Text      `db:"description"`
	CreatedAt          time.Time `db:"created_at"`
}

// Group statuses.
const (
	GroupDraft     = "draft"
	GroupOpen      = "open"
	GroupClosed    = "closed"
	GroupCancelled = "cancelled"
)

// Discreet reports whether mail about this group must be neutral: the group's own setting, else its offering's.
func (g Group) Discreet(o Offering) bool {
	if g.DiscreetOverride != nil {
		return *g.DiscreetOverride
	}
	return o.Discreet
}

// Session is one meeting of a group.
type Session struct {
	ID        int64     `db:"id"`
	GroupID   int64     `db:"group_id"`
	StartsAt  time.Time `db:"starts_at"`
	EndsAt    time.Time `db:"ends_at"`
	Status    string    `db:"status"`
	Topic     Text      `db:"topic"`
	PlaceName string    `db:"place_name"`
	Address   string    `db:"address"`
}

// Session statuses.
const (
	SessionPlanned   = "planned"
	SessionCancelled = "cancelled"
)
