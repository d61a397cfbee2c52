package demo

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"strconv"
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
)

// outlines draws each shape in a 400x400 box, leaving the bottom band for
// the product's name. Paths are filled with the product colour and stroked
// a shade darker.
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
}

// Picture draws a product picture: the category's outline painted in the
// product's colour on a pale tint of it, with the product's name below.
// It returns SVG that stands alone as an image file.
func Picture(name, colour string, s shape) ([]byte, error) {
	rgb, err := parseHex(colour)
	if err != nil {
		return nil, err
	}
	outline, ok := outlines[s]
	if !ok {
		return nil, fmt.Errorf("demo: no outline for shape %d", s)
	}
	bg := mix(rgb, [3]float64{255, 255, 255}, 0.82)
	ink := mix(rgb, [3]float64{0, 0, 0}, 0.45)
	size := 26
	if n := len([]rune(name)); n > 22 {
		size = 26 * 22 / n
	}
	var title bytes.Buffer
	if err := xml.EscapeText(&title, []byte(name)); err != nil {
		return nil, err
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 400" width="400" height="400" role="img">`)
	fmt.Fprintf(&b, `<title>%s</title>`, title.String())
	fmt.Fprintf(&b, `<rect width="400" height="400" fill="%s"/>`, hexColour(bg))
	fmt.Fprintf(&b, `<g fill="%s" stroke="%s" stroke-width="6" stroke-linejoin="round" stroke-linecap="round">%s</g>`, colour, hexColour(ink), outline)
	fmt.Fprintf(&b, `<text x="200" y="358" text-anchor="middle" font-family="Helvetica, Arial, sans-serif" font-size="%d" fill="#222">%s</text>`, size, title.String())
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
