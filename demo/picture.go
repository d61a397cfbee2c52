package demo

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"strconv"
	"strings"
)

type shape int

const (
	shapeTee shape = iota
	shapeJumper
	shapeJacket
	shapeTrousers
	shapeMug
	shapeTowel
	shapeVase
	// Kinds within a category, for products that are not its usual
	// shape (see kinds).
	shapeTank
	shapeVest
	shapeSkirt
	shapeShorts
	shapeBoard
	shapeBowl
	shapePan
	shapeTeaTowel
	shapeCarafe
	shapeDish
	shapeDuvet
	shapePillow
	shapeThrow
	shapeMat
	shapeRobe
	shapeCandle
	shapeClock
	shapeRug
	shapeBudVases
	shapeCandlesticks
	shapeBasket
)

// outlines draws each shape in a 400x400 box. Paths are filled with the
// product colour and stroked a shade darker.
var outlines = map[shape]string{
	shapeTee: `<path d="M130 90 L170 68 Q200 96 230 68 L270 90 L322 140 L286 174 L266 154 L266 300 L134 300 L134 154 L114 174 L78 140 Z"/>`,
	shapeJumper: `<path d="M134 80 L170 66 Q200 92 230 66 L266 80 L306 122 L332 272 L300 280 L268 162 L268 300 L132 300 L132 162 L100 280 L68 272 L94 122 Z"/>` +
		`<path fill="none" d="M132 284 L268 284 M170 66 Q200 108 230 66"/>`,
	shapeJacket: `<path d="M134 80 L170 64 L200 130 L230 64 L266 80 L306 122 L332 276 L300 284 L270 164 L270 304 L130 304 L130 164 L100 284 L68 276 L94 122 Z"/>` +
		`<path fill="none" d="M200 130 L200 304 M150 220 L180 220 M220 220 L250 220"/>`,
	shapeTrousers: `<path d="M138 66 L262 66 L288 312 L226 312 L200 150 L174 312 L112 312 Z"/>` +
		`<path fill="none" d="M138 90 L262 90"/>`,
	shapeMug: `<path fill="none" stroke-width="18" d="M250 150 Q312 150 312 196 Q312 242 250 242"/>` +
		`<rect x="128" y="108" width="124" height="176" rx="16"/>`,
	shapeTowel: `<rect x="80" y="250" width="240" height="58" rx="10"/>` +
		`<rect x="92" y="186" width="216" height="58" rx="10"/>` +
		`<rect x="104" y="122" width="192" height="58" rx="10"/>` +
		`<path fill="none" d="M104 160 L296 160 M92 224 L308 224 M80 288 L320 288"/>`,
	shapeVase: `<path d="M176 68 L224 68 L221 110 Q302 160 272 262 Q256 308 200 308 Q144 308 128 262 Q98 160 179 110 Z"/>` +
		`<path fill="none" d="M176 84 L224 84"/>`,
	shapeTank: `<path d="M160 70 L180 70 Q200 120 220 70 L240 70 L246 130 Q270 150 270 180 L270 320 L130 320 L130 180 Q130 150 154 130 Z"/>`,
	shapeVest: `<path d="M150 70 L180 70 L200 150 L220 70 L250 70 L252 120 Q288 140 290 180 L290 320 L110 320 L110 180 Q112 140 148 120 Z"/>` +
		`<path fill="none" d="M200 150 L200 320"/>`,
	shapeSkirt: `<path d="M150 90 L250 90 L300 310 L100 310 Z"/>` +
		`<path fill="none" d="M150 110 L250 110 M175 110 L160 310 M200 110 L200 310 M225 110 L240 310"/>`,
	shapeShorts: `<path d="M128 110 L272 110 L300 250 L220 260 L200 180 L180 260 L100 250 Z"/>` +
		`<path fill="none" d="M128 130 L272 130 M190 120 Q200 150 210 120"/>`,
	shapeBoard: `<rect x="90" y="150" width="200" height="130" rx="28"/>` +
		`<path d="M290 200 L330 200 Q344 215 330 230 L290 230 Z"/><circle cx="318" cy="215" r="6" fill="none"/>`,
	shapeBowl: `<path d="M80 170 L320 170 Q316 280 200 288 Q84 280 80 170 Z"/>` +
		`<ellipse cx="200" cy="170" rx="120" ry="18"/><rect x="160" y="286" width="80" height="14" rx="4"/>`,
	shapePan: `<path d="M90 170 L250 170 L244 262 Q240 280 222 280 L118 280 Q100 280 96 262 Z"/>` +
		`<rect x="248" y="180" width="110" height="18" rx="8"/><path fill="none" d="M90 170 L76 160"/>`,
	shapeTeaTowel: `<path d="M130 80 L270 80 L270 320 L130 320 Z"/>` +
		`<path fill="none" d="M130 120 L270 120 M130 136 L270 136 M130 264 L270 264 M130 280 L270 280 M200 60 L200 80"/>`,
	shapeCarafe: `<path d="M180 60 L220 60 L220 130 Q290 170 290 250 Q290 320 200 320 Q110 320 110 250 Q110 170 180 130 Z"/>` +
		`<path fill="none" d="M180 76 L220 76"/>`,
	shapeDish: `<ellipse cx="200" cy="200" rx="150" ry="70"/><ellipse cx="200" cy="192" rx="118" ry="46"/>`,
	shapeDuvet: `<rect x="70" y="110" width="260" height="190" rx="14"/>` +
		`<path fill="none" d="M70 150 L330 150 M110 190 Q200 230 290 190 M110 250 Q200 290 290 250"/>`,
	shapePillow: `<path d="M90 150 Q200 130 310 150 Q320 200 310 250 Q200 270 90 250 Q80 200 90 150 Z"/>` +
		`<path d="M110 190 Q210 172 320 190 Q328 236 318 280 Q210 298 110 280 Q100 236 110 190 Z"/>`,
	shapeThrow: `<path d="M80 130 L320 130 L320 300 L80 300 Z"/>` +
		`<path fill="none" d="M80 300 L80 318 M110 300 L110 318 M140 300 L140 318 M170 300 L170 318 M200 300 L200 318 M230 300 L230 318 M260 300 L260 318 M290 300 L290 318 M320 300 L320 318 M120 130 L120 300 M160 130 L160 300 M200 130 L200 300 M240 130 L240 300 M280 130 L280 300"/>`,
	shapeMat: `<rect x="70" y="150" width="260" height="130" rx="40"/><rect x="100" y="176" width="200" height="78" rx="28" fill="none"/>`,
	shapeRobe: `<path d="M160 70 L240 70 L300 120 L330 250 L296 258 L276 170 L280 330 L120 330 L124 170 L104 258 L70 250 L100 120 Z"/>` +
		`<path fill="none" d="M160 70 L210 200 L240 70 M124 210 L276 210"/>`,
	shapeCandle: `<rect x="150" y="130" width="100" height="190" rx="10"/>` +
		`<path d="M200 70 Q222 100 200 120 Q178 100 200 70 Z"/><path fill="none" d="M200 120 L200 130"/>`,
	shapeClock: `<circle cx="200" cy="200" r="130"/><circle cx="200" cy="200" r="106" fill="none"/>` +
		`<path fill="none" d="M200 200 L200 122 M200 200 L254 228 M200 94 L200 104 M306 200 L296 200 M200 306 L200 296 M94 200 L104 200"/>`,
	shapeRug: `<circle cx="200" cy="200" r="140"/><circle cx="200" cy="200" r="100" fill="none"/><circle cx="200" cy="200" r="60" fill="none"/><circle cx="200" cy="200" r="20" fill="none"/>`,
	shapeBudVases: `<path d="M84 200 L108 200 L106 230 Q140 260 120 310 L72 310 Q52 260 86 230 Z"/>` +
		`<path d="M186 150 L214 150 L212 190 Q256 230 232 310 L168 310 Q144 230 188 190 Z"/>` +
		`<path d="M292 220 L316 220 L314 244 Q346 270 328 310 L280 310 Q262 270 294 244 Z"/>`,
	shapeCandlesticks: `<path d="M126 110 L154 110 L150 270 L172 300 L108 300 L130 270 Z"/>` +
		`<path d="M246 110 L274 110 L270 270 L292 300 L228 300 L250 270 Z"/>` +
		`<rect x="130" y="60" width="20" height="50" rx="3" fill="#f4efe2"/><rect x="250" y="60" width="20" height="50" rx="3" fill="#f4efe2"/>`,
	shapeBasket: `<path d="M90 170 L310 170 L286 310 L114 310 Z"/>` +
		`<path fill="none" d="M130 170 Q200 60 270 170 M96 205 L304 205 M102 240 L298 240 M108 275 L292 275"/>`,
}

// kinds are the demo products that are not their category's usual shape:
// a tank top, a skirt, a bowl... Every other product is drawn as its
// category's shape.
var kinds = map[string]shape{
	"Coral Ribbed Tank": shapeTank, "Fog Lambswool Vest": shapeVest, "Ember Quilted Gilet": shapeVest,
	"Plum Pleated Skirt": shapeSkirt, "Sage Drawstring Shorts": shapeShorts,
	"Olivewood Serving Board": shapeBoard, "Cobalt Pasta Bowls, Set of 4": shapeBowl, "Copper Milk Pan": shapePan,
	"Linen Tea Towels, Pair": shapeTeaTowel, "Glass Carafe": shapeCarafe, "Enamel Pie Dish": shapeDish,
	"Stonewashed Linen Duvet Cover": shapeDuvet, "Percale Pillowcases, Pair": shapePillow, "Chunky Knit Throw": shapeThrow,
	"Terracotta Bath Mat": shapeMat, "Cedar Bath Robe": shapeRobe,
	"Beeswax Pillar Candle": shapeCandle, "Ash Wall Clock": shapeClock, "Jute Round Rug": shapeRug,
	"Ceramic Bud Vases, Trio": shapeBudVases, "Brass Candlesticks, Pair": shapeCandlesticks, "Woven Storage Basket": shapeBasket,
}

// Picture draws a product picture: its kind of object (kinds, else the
// category's shape s) painted in the product's colour on a pale tint of
// it, with stripes for a striped product. The name is the picture's title
// for screen readers, never printed in it. It returns SVG that stands
// alone as an image file.
func Picture(name, colour string, s shape) ([]byte, error) {
	rgb, err := parseHex(colour)
	if err != nil {
		return nil, err
	}
	if k, ok := kinds[name]; ok {
		s = k
	}
	outline, ok := outlines[s]
	if !ok {
		return nil, fmt.Errorf("demo: no outline for shape %d", s)
	}
	bg := mix(rgb, [3]float64{255, 255, 255}, 0.82)
	ink := mix(rgb, [3]float64{0, 0, 0}, 0.45)
	var title bytes.Buffer
	if err := xml.EscapeText(&title, []byte(name)); err != nil {
		return nil, err
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 400" width="400" height="400" role="img">`)
	fmt.Fprintf(&b, `<title>%s</title>`, title.String())
	fmt.Fprintf(&b, `<rect width="400" height="400" fill="%s"/>`, hexColour(bg))
	fmt.Fprintf(&b, `<g fill="%s" stroke="%s" stroke-width="6" stroke-linejoin="round" stroke-linecap="round">%s</g>`, colour, hexColour(ink), outline)
	if strings.Contains(strings.ToLower(name), "stripe") {
		// Pale stripes across the shape, clipped to it.
		fmt.Fprintf(&b, `<clipPath id="c">%s</clipPath><g clip-path="url(#c)" fill="%s">`, outline, hexColour(bg))
		for y := 96; y < 320; y += 28 {
			fmt.Fprintf(&b, `<rect x="0" y="%d" width="400" height="10"/>`, y)
		}
		b.WriteString(`</g>`)
	}
	b.WriteString(`</svg>`)
	return b.Bytes(), nil
}

func parseHex(s string) ([3]float64, error) {
	var rgb [3]float64
	if len(s) != 7 || s[0] != '#' {
		return rgb, fmt.Errorf("demo: colour %q is not #rrggbb", s)
	}
	for i := range 3 {
		v, err := strconv.ParseUint(s[1+2*i:3+2*i], 16, 8)
		if err != nil {
			return rgb, fmt.Errorf("demo: colour %q is not #rrggbb", s)
		}
		rgb[i] = float64(v)
	}
	return rgb, nil
}

// mix moves c the fraction t of the way towards to.
func mix(c, to [3]float64, t float64) [3]float64 {
	var out [3]float64
	for i := range 3 {
		out[i] = c[i] + (to[i]-c[i])*t
	}
	return out
}

func hexColour(c [3]float64) string {
	return fmt.Sprintf("#%02x%02x%02x", int(c[0]+0.5), int(c[1]+0.5), int(c[2]+0.5))
}
