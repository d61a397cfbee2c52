// Package demo holds the demo catalog that an empty shop starts with: its
// categories, its products and the pictures it draws for them. Every name,
// description and picture here is the project's own.
package demo

// A Category of the demo catalog. Sized categories sell clothing in sizes
// XS to XL; Shape picks the outline its product pictures are drawn with.
type Category struct {
	Name, FriendlyName string
	SKUPrefix          string
	Sized              bool
	Shape              shape
	Products           []Product
}

// A Product of the demo catalog. Price is in cents, Colour a #rrggbb the
// picture is painted in. It has no rating: ratings come from buyers'
// reviews.
type Product struct {
	Name, Colour string
	Price        int64
	Description  string
}

// Catalog is the demo catalog, in the order it is loaded.
var Catalog = []Category{
	{Name: "tops", FriendlyName: "Tops & Shirts", SKUPrefix: "TOP", Sized: true, Shape: shapeTee, Products: []Product{
		{"Harbour Stripe Tee", "#1f3a5f", 2400, "Heavy cotton jersey with narrow navy stripes and a taped neck that keeps its shape wash after wash."},
		{"Sunday Linen Shirt", "#cdbb98", 5800, "Washed linen in an easy fit with a soft collar. It creases in all the right places and gets better every summer."},
		{"Field Pocket Tee", "#6b7b3a", 2200, "A plain olive tee with one useful chest pocket, cut a little longer in the back."},
		{"Coral Ribbed Tank", "#e8735a", 1800, "A close-fitting rib-knit vest in warm coral for hot days and layering."},
		{"Chalk Oxford Shirt", "#e4e0d4", 5200, "A sturdy oxford-weave shirt with a button-down collar; smart enough for work, soft enough for the weekend."},
		{"Midnight Henley", "#23263a", 3400, "Long-sleeved waffle-knit henley with a three-button placket, dyed the blue of a late evening."},
		{"Marigold Polo", "#e3a82b", 3800, "Piqué cotton polo in a sunny marigold, with a flat-knit collar and split hem."},
	}},
	{Name: "knitwear", FriendlyName: "Knitwear", SKUPrefix: "KNT", Sized: true, Shape: shapeJumper, Products: []Product{
		{"Fisherman Cable Jumper", "#e9e2d0", 8900, "Undyed wool knitted in deep cables, heavy enough for a windy harbour wall."},
		{"Heather Crew Sweater", "#8a7f9a", 6400, "A soft crew-neck in heathered lilac-grey yarn with ribbed cuffs and hem."},
		{"Rust Merino Cardigan", "#a4502a", 7900, "Fine-gauge merino cardigan in a warm rust, with horn-look buttons and two patch pockets."},
		{"Pine Rollneck", "#2f4f3e", 7200, "A dark green rollneck in lambswool that sits neatly under a coat."},
		{"Fog Lambswool Vest", "#a7adb0", 5600, "A sleeveless V-neck in misty grey for layering over shirts in spring and autumn."},
		{"Sky Cotton Sweatshirt", "#8fb4d6", 4600, "Loopback cotton sweatshirt in pale sky blue, brushed soft on the inside."},
	}},
	{Name: "outerwear", FriendlyName: "Outerwear", SKUPrefix: "OUT", Sized: true, Shape: shapeJacket, Products: []Product{
		{"Storm Waxed Jacket", "#3b4232", 16900, "Waxed cotton with a cord collar and deep bellows pockets; rewax it once a year and it will last for decades."},
		{"Harbour Pea Coat", "#1c2841", 19500, "Double-breasted pea coat in dense navy melton wool with a tall storm collar."},
		{"Sand Trench Coat", "#c8b089", 18900, "A classic belted trench in water-resistant gabardine, lined to the waist."},
		{"Ember Quilted Gilet", "#c0462f", 9800, "Light, warm and packable: a diamond-quilted gilet in ember red with snap fastening."},
		{"Alpine Rain Shell", "#2d6e8e", 12900, "Seam-sealed waterproof shell with an adjustable hood and pit zips for the climb."},
		{"Charcoal Overshirt", "#3d3d3d", 8400, "Brushed twill overshirt that works as a light jacket, with two flap pockets."},
	}},
	{Name: "trousers", FriendlyName: "Trousers & Skirts", SKUPrefix: "TRS", Sized: true, Shape: shapeTrousers, Products: []Product{
		{"Canvas Work Trousers", "#8c6e4a", 6900, "Tough cotton canvas with a gusseted crotch and a hammer loop, softening with every wear."},
		{"Indigo Selvedge Jeans", "#2b3a67", 9900, "Raw selvedge denim in a straight leg. Wear them hard and they fade to fit you."},
		{"Stone Chinos", "#cfc3a6", 5900, "Tapered chinos in a pale stone twill with a touch of stretch."},
		{"Plum Pleated Skirt", "#6e2f4f", 6400, "A midi skirt with soft knife pleats that move as you walk, in a deep plum."},
		{"Black Wide-Leg Trousers", "#1d1d1f", 7400, "High-waisted wide-leg trousers in a fluid crepe that drapes without clinging."},
		{"Sage Drawstring Shorts", "#9aae8c", 3900, "Cotton-linen shorts with an elastic drawstring waist, made for slow summer days."},
	}},
	{Name: "kitchen_dining", FriendlyName: "Kitchen & Dining", SKUPrefix: "KIT", Shape: shapeMug, Products: []Product{
		{"Speckled Stoneware Mug", "#d8d2c4", 1600, "A hand-thrown mug with a speckled oatmeal glaze that holds a generous 350 ml."},
		{"Olivewood Serving Board", "#8b6b3e", 4200, "Cut from a single piece of olive wood; every board's grain is different."},
		{"Cobalt Pasta Bowls, Set of 4", "#2347a0", 4800, "Wide, shallow bowls in a glossy cobalt glaze, dishwasher and oven safe."},
		{"Copper Milk Pan", "#b76e3c", 5400, "A small tin-lined copper pan with a pouring lip, for hot milk and sauces."},
		{"Linen Tea Towels, Pair", "#c9b79c", 1800, "Two absorbent linen towels with a checked border and a hanging loop."},
		{"Glass Carafe", "#b9d8d6", 2600, "Mouth-blown glass carafe with a tumbler that doubles as its lid."},
		{"Enamel Pie Dish", "#f0ece3", 2200, "Cream enamel on steel with a navy rim: from oven to table and back again."},
	}},
	{Name: "bed_bath", FriendlyName: "Bed & Bath", SKUPrefix: "BED", Shape: shapeTowel, Products: []Product{
		{"Waffle Bath Towel", "#e9e4da", 3200, "A light waffle-weave cotton towel that dries fast and packs flat."},
		{"Stonewashed Linen Duvet Cover", "#b7a99a", 14900, "Double-size duvet cover in stonewashed linen, soft from the first night."},
		{"Percale Pillowcases, Pair", "#f6f4ef", 3800, "Crisp, cool cotton percale in a housewife style with an envelope closure."},
		{"Chunky Knit Throw", "#d5c2a5", 8800, "An oversized throw knitted in thick recycled cotton for the end of the sofa."},
		{"Terracotta Bath Mat", "#c46a4a", 2800, "Tufted cotton bath mat in a baked terracotta with a non-slip back."},
		{"Cedar Bath Robe", "#8a5a3b", 7800, "A shawl-collared robe in cotton terry, long enough to keep warm in."},
	}},
	{Name: "home_decor", FriendlyName: "Home Decor", SKUPrefix: "DEC", Shape: shapeVase, Products: []Product{
		{"Ribbed Glass Vase", "#9fc1b8", 3400, "A tall ribbed vase in sea-green recycled glass that throws lovely light."},
		{"Beeswax Pillar Candle", "#e6c25a", 1400, "Poured from pure beeswax; it burns slowly, cleanly and smells faintly of honey."},
		{"Ash Wall Clock", "#c9b28f", 5900, "A quiet-sweep wall clock with a turned ash face and simple black hands."},
		{"Jute Round Rug", "#b8965e", 12400, "A hand-braided jute rug, 150 cm across, that brings warmth to a bare floor."},
		{"Ceramic Bud Vases, Trio", "#d9a58f", 2900, "Three small vases in blush, sand and clay for a single stem each."},
		{"Brass Candlesticks, Pair", "#c8a24a", 3900, "Solid cast brass candlesticks that will darken gently over the years."},
		{"Woven Storage Basket", "#a58152", 3600, "A sturdy seagrass basket with handles for blankets, toys or firewood."},
	}},
}
