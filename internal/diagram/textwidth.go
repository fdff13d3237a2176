package diagram

// Advance widths of printable ASCII (32..126) in Liberation Sans, which has
// the metrics of Arial and Helvetica, in units of 1/2048 em. The SVG names
// those fonts, so boxes fit their text without a font library at run time.
var (
	regularWidths = [95]uint16{
		569, 569, 727, 1139, 1139, 1821, 1366, 391, 682, 682, 797, 1196, 569, 682, 569, 569,
		1139, 1139, 1139, 1139, 1139, 1139, 1139, 1139, 1139, 1139, 569, 569, 1196, 1196, 1196, 1139,
		2079, 1366, 1366, 1479, 1479, 1366, 1251, 1593, 1479, 569, 1024, 1366, 1139, 1706, 1479, 1593,
		1366, 1593, 1479, 1366, 1251, 1479, 1366, 1933, 1366, 1366, 1251, 569, 569, 569, 961, 1139,
		682, 1139, 1139, 1024, 1139, 1139, 569, 1139, 1139, 455, 455, 1024, 455, 1706, 1139, 1139,
		1139, 1139, 682, 1024, 569, 1139, 1024, 1479, 1024, 1024, 1024, 684, 532, 684, 1196,
	}
	boldWidths = [95]uint16{
		569, 682, 971, 1139, 1139, 1821, 1479, 487, 682, 682, 797, 1196, 569, 682, 569, 569,
		1139, 1139, 1139, 1139, 1139, 1139, 1139, 1139, 1139, 1139, 682, 682, 1196, 1196, 1196, 1251,
		1997, 1479, 1479, 1479, 1479, 1366, 1251, 1593, 1479, 569, 1139, 1479, 1251, 1706, 1479, 1593,
		1366, 1593, 1479, 1366, 1251, 1479, 1366, 1933, 1366, 1366, 1251, 682, 569, 682, 1196, 1139,
		682, 1139, 1251, 1139, 1251, 1139, 682, 1251, 1251, 569, 569, 1139, 569, 1821, 1251, 1251,
		1251, 1251, 797, 1139, 682, 1251, 1139, 1593, 1139, 1139, 1024, 797, 573, 797, 1196,
	}
	// otherWidths are the few non-ASCII characters labels use (same in both weights).
	otherWidths = map[rune]uint16{'→': 2048, '·': 682, '×': 1196, '≤': 1124, '≥': 1124, '–': 1139, '—': 2048, '…': 2048}
)

// textWidth is the width of s in pixels at font size px.
func textWidth(s string, px float64, bold bool) float64 {
	table := &regularWidths
	if bold {
		table = &boldWidths
	}
	var units int
	for _, r := range s {
		switch {
		case r >= 32 && r <= 126:
			units += int(table[r-32])
		case otherWidths[r] != 0:
			units += int(otherWidths[r])
		default:
			units += 2048 // wide fallback: never too narrow
		}
	}
	return float64(units) * px / 2048
}
