package app

import (
	"context"
	"time"

	"github.com/jmoiron/sqlx"

	"portal/app/locale"
)

// schedule describes a group's sessions: count sessions from the first weekday on or after start, every
// weeks weeks (or every months months), at hour:minute for minutes minutes.
type schedule struct {
	start   time.Time
	weekday time.Weekday
	weeks   int
	months  int
	count   int
	hour    int
	minute  int
	minutes int
}

func (s schedule) sessions() [][2]time.Time {
	var out [][2]time.Time
	d := s.start
	for range s.count {
		for d.Weekday() != s.weekday {
			d = d.AddDate(0, 0, 1)
		}
		from := time.Date(d.Year(), d.Month(), d.Day(), s.hour, s.minute, 0, 0, locale.Brussels)
		out = append(out, [2]time.Time{from, from.Add(time.Duration(s.minutes) * time.Minute)})
		if s.months > 0 {
			d = time.Date(d.Year(), d.Month()+time.Month(s.months), 1, 0, 0, 0, 0, locale.Brussels)
		} else {
			d = d.AddDate(0, 0, 7*s.weeks)
		}
	}
	return out
}

type seedGroup struct {
	slug, nl, en          string
	municipality          string
	placeName, address    string
	placePrivate          bool
	capacity, children    int
	closedAfter           int
	discreet              *bool
	plan                  schedule
	descriptionNL, descEN string
}

type seedOffering struct {
	slug, kind, audience, admission string
	discreet                        bool
	retentionDays                   int
	offsets                         []int64
	position                        int
	partner                         string
	name, summary, description      Text
	forWhom, howToJoin              Text
	groups                          []seedGroup
}

// Seed loads the organisation's offer (the demo data of DOMAIN.md) with sessions from now on. It is idempotent:
// what exists (by slug) is left as it is, so staff edits survive a second seed.
func (a *App) Seed(ctx context.Context) error {
	now := a.Now().In(locale.Brussels)
	return a.Store.tx(ctx, func(tx *sqlx.Tx) error {
		for _, o := range seedData(now) {
			if err := seedOne(ctx, tx, o, now); err != nil {
				return err
			}
		}
		return nil
	})
}

func seedOne(ctx context.Context, tx *sqlx.Tx, o seedOffering, now time.Time) error {
	offeringID, err := upsertSeedOffering(ctx, tx, o)
	if err != nil {
		return err
	}
	for _, g := range o.groups {
		var closed *int
		if g.closedAfter > 0 {
			closed = &g.closedAfter
		}
		groupID, err := insertSeedGroup(ctx, tx, offeringID, g, closed)
		if err != nil {
			return err
		}
		if groupID == 0 {
			continue // the group was there already: keep its sessions as staff left them
		}
		for _, s := range g.plan.sessions() {
			if _, err := insertSession(ctx, tx, groupID, s[0], s[1], now); err != nil {
				return err
			}
		}
	}
	return nil
}

// SeedIfEmpty seeds a database that has no offerings yet, so a newcomer's first run shows a full portal.
func (a *App) SeedIfEmpty(ctx context.Context) (bool, error) {
	n, err := offeringTotal(ctx, a.Store.DB)
	if err != nil {
		return false, err
	}
	if n > 0 {
		return false, nil
	}
	return true, a.Seed(ctx)
}

// nextDate returns the next (month, day) after now, at midnight in Brussels.
func nextDate(now time.Time, month time.Month, day int) time.Time {
	d := time.Date(now.Year(), month, day, 0, 0, 0, 0, locale.Brussels)
	if !d.After(now) {
		d = d.AddDate(1, 0, 0)
	}
	return d
}

func seedData(now time.Time) []seedOffering {
	soon := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, locale.Brussels).AddDate(0, 0, 7)
	nextMonth := time.Date(now.Year(), now.Month()+1, 1, 0, 0, 0, 0, locale.Brussels)
	yes := true
	intervision := func(slug, town, place, address string, weekday time.Weekday, start time.Time) seedGroup {
		return seedGroup{slug: slug, nl: "Intervisiegroep " + town, en: "Intervision group " + town,
			municipality: town, placeName: place, address: address, capacity: 12,
			plan: schedule{start: start, weekday: weekday, months: 2, count: 6, hour: 13, minute: 30, minutes: 150}}
	}
	peer := func(slug, nl, en, town string, weekday time.Weekday, weeksAhead int) seedGroup {
		return seedGroup{slug: slug, nl: nl, en: en, municipality: town, placePrivate: true,
			placeName: "Veilig Huis Rivierenland", address: "Lange Schipstraat 27, 2800 Mechelen",
			capacity: 10, closedAfter: 3,
			plan: schedule{start: soon.AddDate(0, 0, 7*weeksAhead), weekday: weekday, weeks: 2, count: 10, hour: 19, minute: 0, minutes: 120}}
	}
	return []seedOffering{
		{
			slug: "intervisie", kind: KindIntervision, audience: AudienceProfessionals, admission: AdmissionOpen,
			retentionDays: 730, offsets: []int64{10080, 1440, 120}, position: 10,
			name: Text{"nl": "Begeleide intervisie", "en": "Guided intervision"},
			summary: Text{
				"nl": "Multidisciplinaire intervisiegroepen voor politie, hulp- en dienstverleners, om de twee maanden in je regio.",
				"en": "Multidisciplinary intervision groups for police, care and service providers, every two months in your region."},
			description: Text{
				"nl": "In een begeleide intervisiegroep bespreek je situaties van intrafamiliaal geweld uit je eigen praktijk, samen met collega's van de politie en van hulp- en dienstverlening. Iedereen neemt deel vanuit de eigen professionele achtergrond. Zo leer je elkaars werking beter kennen en kunnen we beter op elkaar inspelen. Een regisseur van Veilig Huis begeleidt de groep.",
				"en": "In a guided intervision group you discuss situations of family violence from your own practice. You do so with colleagues from the police and from care and services. Everyone takes part from their own professional background, so we get to know each other's work and can work together better. A case director of Veilig Huis leads the group."},
			forWhom: Text{
				"nl": "Professionals die met gezinnen werken: politie, Sociaal Huis, het Centrum Algemeen Welzijnswerk (CAW), jeugdzorg en geestelijke gezondheidszorg. Ook huisartsen, leerlingenbegeleiding, Kind & Gezin en andere partners.",
				"en": "Professionals who work with families: police, social services, the Centre for General Welfare Work (CAW), youth care and mental health. Also GPs, pupil guidance, Kind & Gezin and other partners."},
			howToJoin: Text{
				"nl": "Kies een groep in je regio en schrijf je in. Je lidmaatschap loopt voor het hele werkjaar. Is een groep volzet, dan kom je op de wachtlijst.",
				"en": "Choose a group in your region and sign up. Membership runs for the whole year. When a group is full, you join its waiting list."},
			groups: []seedGroup{
				intervision("intervisie-bornem", "Bornem", "Sociaal Huis Bornem", "Hingenesteenweg 56, 2880 Bornem", time.Tuesday, nextMonth),
				intervision("intervisie-heist-op-den-berg", "Heist-op-den-Berg", "Sociaal Huis Heist-op-den-Berg", "Kerkstraat 35, 2220 Heist-op-den-Berg", time.Wednesday, nextMonth),
				intervision("intervisie-sint-katelijne-waver", "Sint-Katelijne-Waver", "Gemeentehuis Sint-Katelijne-Waver", "Lemanstraat 1, 2860 Sint-Katelijne-Waver", time.Thursday, nextMonth),
				intervision("intervisie-mechelen", "Mechelen", "Veilig Huis Rivierenland", "Lange Schipstraat 27, 2800 Mechelen", time.Monday, nextMonth),
				intervision("intervisie-lier", "Lier", "Sociaal Huis Lier", "Paradeplein 2, 2500 Lier", time.Friday, nextMonth.AddDate(0, 1, 0)),
			},
		},
		{
			slug: "waakvlam", kind: KindWaakvlam, audience: AudienceProfessionals, admission: AdmissionOrganisation,
			retentionDays: 730, offsets: []int64{10080, 1440}, position: 20,
			name: Text{"nl": "Waakvlam", "en": "Waakvlam training"},
			summary: Text{
				"nl": "Een vorming over intrafamiliaal geweld, op maat van je dienst, bij jullie op locatie.",
				"en": "A training on family violence, tailored to your service, at your own premises."},
			description: Text{
				"nl": "De Waakvlam is een vorming die Veilig Huis ontwikkelde. We zoomen in op intrafamiliaal geweld: hoe herken je signalen en hoe ga je best om met zulke situaties? De vorming is heel concreet en op maat van de dienst die ze aanvraagt. Ze kan ook samen met een intervisiesessie.",
				"en": "Waakvlam is a training developed by Veilig Huis. We look closely at family violence: how do you recognise the signs, and how do you best deal with such situations? The training is concrete and tailored to the service that asks for it. It can be combined with an intervision session."},
			forWhom: Text{
				"nl": "Diensten en organisaties die hun medewerkers willen versterken, zoals een Sociaal Huis, een asielcentrum of een Centrum voor Kinderzorg en Gezinsondersteuning (CKG).",
				"en": "Services and organisations that want to strengthen their staff, such as a social services office, an asylum centre or a family support centre."},
			howToJoin: Text{
				"nl": "Je organisatie vraagt de vorming aan. We nemen contact op om de inhoud af te stemmen en een datum te kiezen. Daarna krijgen je collega's een eigen link om zich in te schrijven.",
				"en": "Your organisation requests the training. We contact you to tailor it and agree a date. Your colleagues then get their own link to sign up."},
		},
		{
			slug: "lotgenotengroepen", kind: KindPeerGroup, audience: AudienceSurvivors, admission: AdmissionIntake,
			discreet: true, retentionDays: 365, offsets: []int64{10080, 1440}, position: 30,
			name: Text{"nl": "Lotgenotengroepen", "en": "Peer support groups"},
			summary: Text{
				"nl": "Samen met anderen die hetzelfde meemaakten, in een kleine, vaste groep.",
				"en": "Together with others who went through the same, in a small, closed group."},
			description: Text{
				"nl": "In een lotgenotengroep kom je samen met mensen die hetzelfde meemaakten. Je deelt ervaringen, steunt elkaar en werkt aan herstel, onder begeleiding. De groep blijft dezelfde van begin tot einde: na de eerste bijeenkomsten komt er niemand meer bij. We hebben groepen voor vrouwen die geweld van een partner of ex-partner meemaken, en een groep voor mannen. Moedige Moeders is er voor ouders die geweld van hun eigen kind meemaken.",
				"en": "In a peer support group you meet people who went through the same. You share experiences, support each other and work on recovery, with a facilitator. The group stays the same from start to end: after the first meetings, nobody new joins. There are groups for women who experience violence from a partner or former partner, and a group for men. Moedige Moeders is for parents who experience violence from their own child."},
			forWhom: Text{
				"nl": "Mensen die geweld binnen hun gezin of relatie meemaken of meemaakten.",
				"en": "People who experience or experienced violence in their family or relationship."},
			howToJoin: Text{
				"nl": "Je vult een korte aanvraag in. Je hoeft alleen een voornaam of schuilnaam te geven en te zeggen hoe we je veilig kunnen bereiken. We nemen contact op voor een kennismakingsgesprek. Daarna beslissen we samen of de groep bij je past.",
				"en": "You fill in a short request. A first name or alias is enough, and you tell us how we can reach you safely. We contact you for an introductory talk. Then we decide together whether the group suits you."},
			groups: []seedGroup{
				peer("vrouwengroep-mechelen", "Vrouwengroep Mechelen", "Women's group Mechelen", "Mechelen", time.Tuesday, 0),
				peer("vrouwengroep-lier", "Vrouwengroep Lier", "Women's group Lier", "Lier", time.Monday, 1),
				peer("vrouwengroep-heist-op-den-berg", "Vrouwengroep Heist-op-den-Berg", "Women's group Heist-op-den-Berg", "Heist-op-den-Berg", time.Thursday, 2),
				peer("mannengroep", "Mannengroep", "Men's group", "Mechelen", time.Wednesday, 1),
				func() seedGroup {
					g := peer("moedige-moeders", "Moedige Moeders", "Moedige Moeders (brave parents)", "Mechelen", time.Thursday, 0)
					g.descriptionNL = "Voor ouders die geweld meemaken van hun eigen kind."
					g.descEN = "For parents who experience violence from their own child."
					return g
				}(),
			},
		},
		{
			slug: "rotonde", kind: KindRotonde, audience: AudienceHarm, admission: AdmissionIntake,
			discreet: true, retentionDays: 365, offsets: []int64{10080, 1440}, position: 40, partner: "CAW",
			name: Text{"nl": "Rotonde", "en": "Rotonde"},
			summary: Text{
				"nl": "Een groep voor wie schade veroorzaakte binnen het gezin of de relatie en daar iets aan wil doen.",
				"en": "A group for people who caused harm in their family or relationship and want to change that."},
			description: Text{
				"nl": "Rotonde combineert uitleg en oefening met de kracht van contact met anderen in dezelfde situatie. Je neemt vrijwillig deel. Rotonde is een gezamenlijk aanbod van Veilig Huis en het Centrum Algemeen Welzijnswerk (CAW). We vragen en bewaren geen details over wat er gebeurd is.",
				"en": "Rotonde combines explanation and practice with the strength of meeting others in the same situation. Taking part is voluntary. Rotonde is offered jointly by Veilig Huis and the Centre for General Welfare Work (CAW). We do not ask for or keep details of what happened."},
			forWhom: Text{
				"nl": "Mensen die geweld gebruikten of schade veroorzaakten binnen hun gezin of relatie, op eigen initiatief of na doorverwijzing.",
				"en": "People who used violence or caused harm in their family or relationship, on their own initiative or after a referral."},
			howToJoin: Text{
				"nl": "Je vult een korte aanvraag in, of je hulpverlener doet dat met jou. We nodigen je uit voor een kennismakingsgesprek. Daarna hoor je of je kunt starten.",
				"en": "You fill in a short request, or your care worker does it with you. We invite you for an introductory talk. Then you hear whether you can start."},
			groups: []seedGroup{{
				slug: "rotonde-groep-1", nl: "Rotonde – nieuwe groep", en: "Rotonde – new group", municipality: "Mechelen",
				placeName: "CAW De Kempen", address: "Mechelen", placePrivate: true, capacity: 8, closedAfter: 2,
				plan: schedule{start: soon.AddDate(0, 0, 14), weekday: time.Thursday, weeks: 1, count: 12, hour: 18, minute: 30, minutes: 120},
			}},
		},
		{
			slug: "blaffen-of-schuilen", kind: KindFamily, audience: AudienceFamilies, admission: AdmissionIntake,
			discreet: true, retentionDays: 365, offsets: []int64{10080, 1440}, position: 50, partner: "Vertrouwenscentrum Kindermishandeling",
			name: Text{"nl": "Blaffen of Schuilen", "en": "Blaffen of Schuilen (bark or hide)"},
			summary: Text{
				"nl": "Groepssessies voor ouders en hun kinderen over wat spanningen en geweld thuis met kinderen doen.",
				"en": "Group sessions for parents and their children about what tension and violence at home do to children."},
			description: Text{
				"nl": "Samen met het Vertrouwenscentrum Kindermishandeling bieden we in de hele regio groepssessies voor ouders en kinderen. Ouders leren wat geweld tussen volwassenen met kinderen doet. Ouders en kinderen krijgen hulpmiddelen om erover te praten. Ouders en kinderen zitten elk in hun eigen groep. Wie dat nodig heeft, kan daarna verder begeleid worden door het Centrum Algemeen Welzijnswerk (CAW).",
				"en": "Together with the Child Abuse Confidential Centre we offer group sessions for parents and children across the region. Parents learn what violence between adults does to children. Parents and children get tools to talk about it. Parents and children each have their own group. Those who need it can get further support afterwards from the Centre for General Welfare Work (CAW)."},
			forWhom: Text{
				"nl": "Ouders en hun kinderen (vanaf 6 jaar) in gezinnen waar spanningen of geweld tussen partners zijn of waren.",
				"en": "Parents and their children (from 6 years) in families where there is or was tension or violence between partners."},
			howToJoin: Text{
				"nl": "Eén ouder meldt het gezin aan: één of twee ouders en de kinderen, met alleen hun voornaam en leeftijd. We nemen contact op voor een kennismakingsgesprek.",
				"en": "One parent registers the family: one or two parents and the children, with only their first name and age. We contact you for an introductory talk."},
			groups: []seedGroup{
				{slug: "blaffen-mechelen", nl: "Blaffen of Schuilen Mechelen", en: "Blaffen of Schuilen Mechelen", municipality: "Mechelen",
					placeName: "Veilig Huis Rivierenland", address: "Lange Schipstraat 27, 2800 Mechelen", placePrivate: true,
					capacity: 8, children: 8, closedAfter: 2,
					plan: schedule{start: soon, weekday: time.Wednesday, weeks: 2, count: 6, hour: 14, minute: 0, minutes: 120}},
				{slug: "blaffen-heist-op-den-berg", nl: "Blaffen of Schuilen Heist-op-den-Berg", en: "Blaffen of Schuilen Heist-op-den-Berg",
					municipality: "Heist-op-den-Berg", placeName: "Sociaal Huis Heist-op-den-Berg", address: "Kerkstraat 35, 2220 Heist-op-den-Berg",
					placePrivate: true, capacity: 8, children: 8, closedAfter: 2,
					plan: schedule{start: soon.AddDate(0, 1, 0), weekday: time.Wednesday, weeks: 2, count: 6, hour: 14, minute: 0, minutes: 120}},
			},
		},
		{
			slug: "activiteiten", kind: KindEvent, audience: AudiencePublic, admission: AdmissionOpen,
			retentionDays: 90, offsets: []int64{10080, 1440}, position: 60,
			name: Text{"nl": "Activiteiten", "en": "Events"},
			summary: Text{
				"nl": "Infoavonden en ontmoetingen, zoals de inspiratieavond voor lotgenoten en de infoavond van Orange the World.",
				"en": "Information evenings and gatherings, such as the inspiration evening for peers and the Orange the World evening."},
			description: Text{
				"nl": "Een paar keer per jaar organiseren we een activiteit voor iedereen die met intrafamiliaal geweld te maken heeft, of die er meer over wil weten. Inschrijven is nodig: de plaatsen zijn beperkt.",
				"en": "A few times a year we organise an event for everyone affected by family violence, or who wants to know more about it. Please sign up: places are limited."},
			forWhom: Text{
				"nl": "Iedereen: lotgenoten, omstaanders, buren, vrienden, professionals.",
				"en": "Everyone: peers, bystanders, neighbours, friends, professionals."},
			howToJoin: Text{
				"nl": "Kies een activiteit en schrijf je in met een voornaam of schuilnaam. Je krijgt meteen een bevestiging, of een plaats op de wachtlijst.",
				"en": "Choose an event and sign up with a first name or alias. You get a confirmation straight away, or a place on the waiting list."},
			groups: []seedGroup{
				{slug: "samen-naar-herstel", nl: "Inspiratieavond ‘Samen naar herstel’", en: "Inspiration evening ‘Together towards recovery’",
					municipality: "Mechelen", placeName: "Veilig Huis Rivierenland", address: "Lange Schipstraat 27, 2800 Mechelen",
					placePrivate: true, capacity: 35, discreet: &yes,
					descriptionNL: "Een avond voor lotgenoten, met een lachworkshop, een introductie in mindfulness en een creaworkshop.",
					descEN:        "An evening for peers, with a laughter workshop, an introduction to mindfulness and a creative workshop.",
					plan:          schedule{start: nextDate(now, time.June, 14), weekday: nextDate(now, time.June, 14).Weekday(), weeks: 1, count: 1, hour: 19, minute: 0, minutes: 150}},
				{slug: "orange-the-world", nl: "Infoavond ‘Orange the World’", en: "Information evening ‘Orange the World’",
					municipality: "Mechelen", placeName: "Stadhuis Mechelen, Schepenzaal", address: "Grote Markt 21, 2800 Mechelen",
					capacity:      120,
					descriptionNL: "Naar aanleiding van de Internationale Dag tegen Geweld op Vrouwen: over de kracht van hoop en de rol van omstaanders bij kindermishandeling. Met Stad Mechelen en Soroptimisten Mechelen.",
					descEN:        "For the International Day for the Elimination of Violence against Women: on the power of hope and the role of bystanders in child abuse. With the City of Mechelen and Soroptimists Mechelen.",
					plan:          schedule{start: nextDate(now, time.November, 25), weekday: nextDate(now, time.November, 25).Weekday(), weeks: 1, count: 1, hour: 19, minute: 30, minutes: 120}},
			},
		},
	}
}
