package app

// Sectors of professionals, for intervision signups and the yearly figures.
var Sectors = []string{"police", "parket", "ocmw", "caw", "youth_care", "ggz", "gp", "clb", "kind_en_gezin", "ckg",
	"asylum", "education", "other"}

// Referrers: who sent a participant to us.
var Referrers = []string{"self", "police", "parket", "caw", "ocmw", "gp", "partner", "other"}

// Municipalities of the region, plus "elsewhere" and "rather not say": the figures count per municipality.
var Municipalities = []string{"Berlaar", "Bonheiden", "Bornem", "Duffel", "Heist-op-den-Berg", "Lier", "Mechelen",
	"Nijlen", "Putte", "Puurs-Sint-Amands", "Sint-Katelijne-Waver", "Willebroek", MunicipalityElsewhere, MunicipalityUnsaid}

// The two municipality codes that are not a municipality.
const (
	MunicipalityElsewhere = "elders"
	MunicipalityUnsaid    = "onbekend"
)

// ServiceTypes of organisations that request Waakvlam.
var ServiceTypes = []string{"social_services", "police", "caw", "youth_care", "ggz", "asylum", "ckg", "education",
	"health", "other"}
