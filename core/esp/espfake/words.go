package espfake

// Word tables for generated metadata and reviews. The reasons and notes read
// like real inspector feedback so that UIs are tested with realistic text.

var adjectives = []string{"Quiet", "Golden", "Misty", "Busy", "Colorful", "Rustic", "Modern", "Snowy", "Sunlit",
	"Vintage", "Serene", "Crowded", "Empty", "Autumn", "Spring", "Rainy", "Tropical", "Urban", "Rural", "Aerial"}

var subjects = []string{"harbor", "market", "mountain lake", "city street", "wheat field", "coffee shop", "forest path",
	"beach", "train station", "old town square", "vineyard", "lighthouse", "family picnic", "bicycle", "bridge",
	"farmers", "skyline", "waterfall", "fishing boat", "library", "kitchen", "team meeting", "surfer", "garden"}

var places = []string{"Lisbon", "Kyoto", "Cape Town", "Reykjavik", "Vancouver", "Oaxaca", "Tasmania", "Provence",
	"Hanoi", "Patagonia", "Edinburgh", "Marrakesh", "Bavaria", "Queensland", "Tuscany", "Hokkaido"}

var countries = []struct{ country, province, city string }{
	{"Portugal", "Lisbon", "Lisbon"}, {"Japan", "Kyoto", "Kyoto"}, {"South Africa", "Western Cape", "Cape Town"},
	{"Iceland", "Capital Region", "Reykjavik"}, {"Canada", "British Columbia", "Vancouver"},
	{"Mexico", "Oaxaca", "Oaxaca de Juárez"}, {"Australia", "Tasmania", "Hobart"}, {"France", "Provence", "Arles"},
	{"Vietnam", "Hanoi", "Hanoi"}, {"Argentina", "Santa Cruz", "El Chaltén"}, {"United Kingdom", "Scotland", "Edinburgh"},
	{"Germany", "Bavaria", "Munich"},
}

var vocabulary = []string{"travel", "tourism", "outdoors", "nature", "people", "lifestyle", "city", "architecture",
	"landscape", "water", "sky", "cloud", "sunset", "sunrise", "morning", "evening", "summer", "winter", "autumn",
	"spring", "color image", "horizontal", "photography", "no people", "one person", "two people", "group", "women",
	"men", "adult", "child", "family", "friendship", "happiness", "relaxation", "vacation", "street", "building",
	"history", "culture", "tradition", "food", "drink", "coffee", "market", "shopping", "transportation", "boat",
	"bicycle", "train", "car", "road", "bridge", "river", "lake", "sea", "beach", "coastline", "mountain", "forest",
	"tree", "flower", "garden", "field", "agriculture", "farm", "animal", "dog", "bird", "horse", "snow", "rain",
	"fog", "light", "shadow", "reflection", "silhouette", "aerial view", "close-up", "copy space", "beauty in nature",
	"scenics", "tranquil scene", "built structure", "famous place", "old town", "night", "illuminated", "business",
	"technology", "teamwork", "meeting", "office", "working", "sport", "surfing", "hiking", "adventure", "freedom"}

var revisionReasons = []string{
	"Keywords: irrelevant or excessive keywords",
	"Caption: missing location or date information",
	"Title: does not describe the image",
	"Metadata: spelling errors",
	"Release: model release missing or incomplete",
	"Release: property release required",
	"Editorial: caption must follow the editorial style guide",
}

var revisionNotes = []string{
	"Please remove keywords that do not describe what is visible, such as places that are not shown.",
	"Add the city and country where the photo was taken to the caption.",
	"The title repeats the keywords; describe the scene in a short sentence instead.",
	"Attach a model release for the recognisable person in the foreground.",
	"The building is private property; a property release is needed for commercial use.",
	"Editorial captions need the format: CITY, COUNTRY - MONTH DAY: description.",
}

var rejectionReasons = []string{
	"Technical: focus not on the main subject",
	"Technical: excessive noise or compression artifacts",
	"Technical: overprocessed or oversharpened",
	"Commercial: limited commercial value",
	"Legal: visible trademarks or logos",
	"Legal: artwork or design protected by copyright",
	"Similar: too similar to other submitted files",
}

var rejectionNotes = []string{
	"The main subject is soft at 100%; the focus falls on the background.",
	"Heavy noise in the shadows and banding in the sky.",
	"Halos around edges from strong sharpening.",
	"We already have many similar images of this subject.",
	"The logo on the shirt must be removed or the file submitted as editorial.",
	"The mural is protected artwork and cannot be licensed without a release.",
	"",
}

var submissionTypes = []string{"getty_creative_still", "getty_editorial_still", "istock_creative_still",
	"istock_editorial_still", "getty_creative_video", "istock_creative_video", "getty_editorial_video"}

var releaseGenders = []string{"Female", "Male", "Non-binary"}

var releaseEthnicities = []string{"Caucasian", "East Asian", "Black", "Hispanic/Latinx", "South Asian", "Middle Eastern", "Multiracial"}
