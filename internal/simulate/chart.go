package simulate

import (
	"fmt"
	"image/color"
	"io"
	"math"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"
)

var (
	colCPU      = color.RGBA{R: 0xd6, G: 0x27, B: 0x28, A: 0xff}
	colOut      = color.RGBA{R: 0xff, G: 0x7f, B: 0x0e, A: 0xff}
	colIn       = color.RGBA{R: 0x1f, G: 0x77, B: 0xb4, A: 0xff}
	colDesired  = color.RGBA{R: 0x2c, G: 0xa0, B: 0x2c, A: 0xff}
	colService  = color.RGBA{R: 0x1f, G: 0x77, B: 0xb4, A: 0xff}
	colDemand   = color.RGBA{R: 0x7f, G: 0x7f, B: 0x7f, A: 0xff}
	colLimit    = color.RGBA{R: 0x44, G: 0x44, B: 0x44, A: 0xff}
	dashed      = []vg.Length{vg.Points(6), vg.Points(3)}
	dotted      = []vg.Length{vg.Points(2), vg.Points(2)}
	chartWidth  = 9 * vg.Inch
	chartHeight = 6.5 * vg.Inch
)

// WriteSVG draws the run as an SVG: CPU with the scale-out and scale-in
// thresholds on top, desired and in-service capacity with the demand (load in
// instances) and the group's limits below, on a shared minute axis.
func WriteSVG(w io.Writer, r *Result) error {
	c := vgsvg.New(chartWidth, chartHeight)
	if err := drawChart(draw.New(c), r); err != nil {
		return err
	}
	_, err := c.WriteTo(w)
	return err
}

func drawChart(dc draw.Canvas, r *Result) error {
	top, err := cpuPlot(r)
	if err != nil {
		return err
	}
	bottom, err := capacityPlot(r)
	if err != nil {
		return err
	}
	tiles := draw.Tiles{Rows: 2, Cols: 1, PadTop: vg.Points(4), PadBottom: vg.Points(4), PadLeft: vg.Points(4), PadRight: vg.Points(10), PadY: vg.Points(8)}
	canvases := plot.Align([][]*plot.Plot{{top}, {bottom}}, tiles, dc)
	top.Draw(canvases[0][0])
	bottom.Draw(canvases[1][0])
	return nil
}

// stepXY turns per-minute values into points for a post-step line that
// holds each value for its whole minute.
func stepXY(r *Result, value func(Row) (float64, bool)) plotter.XYs {
	var pts plotter.XYs
	for _, row := range r.Timeline {
		if v, ok := value(row); ok {
			pts = append(pts, plotter.XY{X: float64(row.Minute), Y: v})
		}
	}
	if n := len(pts); n > 0 {
		pts = append(pts, plotter.XY{X: pts[n-1].X + 1, Y: pts[n-1].Y})
	}
	return pts
}

func stepLine(pts plotter.XYs, c color.Color, width vg.Length, dashes []vg.Length) (*plotter.Line, error) {
	l, err := plotter.NewLine(pts)
	if err != nil {
		return nil, err
	}
	l.StepStyle = plotter.PostStep
	l.Color, l.Width, l.Dashes = c, width, dashes
	return l, nil
}

func hline(r *Result, y float64, c color.Color, dashes []vg.Length) (*plotter.Line, error) {
	return stepLine(plotter.XYs{{X: 0, Y: y}, {X: float64(r.Minutes), Y: y}}, c, vg.Points(1.2), dashes)
}

func title(r *Result) string {
	s := r.Summary
	t := fmt.Sprintf("stack %s: %s", r.Model.Stack, r.Profile)
	switch {
	case s.FirstScaleOut != nil && s.TimeToFirstScaleOut != nil && s.ScaleOutThreshold != nil:
		pct := "%"
		if r.Model.Metric == MetricRequests {
			pct = ""
		}
		t += fmt.Sprintf("\nfirst scale-out at minute %d, %d min after %s went above %s%s; peak %d desired (minute %d), %d serving from minute %d",
			*s.FirstScaleOut, *s.TimeToFirstScaleOut, metricWord(r.Model), num(*s.ScaleOutThreshold), pct, s.PeakCapacity, s.PeakCapacityMinute, s.PeakInService, s.PeakInServiceMinute)
	case s.FirstScaleOut != nil:
		t += fmt.Sprintf("\nfirst scale-out at minute %d; peak %d instances (minute %d)", *s.FirstScaleOut, s.PeakCapacity, s.PeakCapacityMinute)
	default:
		t += "\nno scale-out"
	}
	return t
}

// newPlot is a plot in a sans-serif face with minute ticks on X.
func newPlot(r *Result) *plot.Plot {
	p := plot.New()
	for _, st := range []*text.Style{&p.Title.TextStyle, &p.X.Label.TextStyle, &p.Y.Label.TextStyle, &p.X.Tick.Label, &p.Y.Tick.Label, &p.Legend.TextStyle} {
		st.Font.Variant = "Sans"
	}
	p.Legend.TextStyle.Font.Size = vg.Points(10)
	p.X.Min, p.X.Max = 0, float64(r.Minutes)
	p.X.Tick.Marker = stepTicks(niceStep(float64(r.Minutes)/10), 0, float64(r.Minutes))
	return p
}

// niceStep rounds x up to 1, 2 or 5 times a power of ten (at least 1).
func niceStep(x float64) float64 {
	if x <= 1 {
		return 1
	}
	pow := math.Pow(10, math.Floor(math.Log10(x)))
	for _, f := range []float64{1, 2, 5, 10} {
		if f*pow >= x {
			return f * pow
		}
	}
	return 10 * pow
}

// stepTicks labels every step from lo to hi (inclusive).
func stepTicks(step, lo, hi float64) plot.ConstantTicks {
	var ticks plot.ConstantTicks
	for v := lo; v <= hi+1e-9; v += step {
		ticks = append(ticks, plot.Tick{Value: v, Label: strconv.FormatFloat(v, 'f', -1, 64)})
	}
	return ticks
}

func cpuPlot(r *Result) (*plot.Plot, error) {
	p := newPlot(r)
	p.Title.Text = title(r)
	m := r.Model
	unit, name := "%", metricWord(m)
	if m.Metric == MetricRequests {
		// Room above the highest value or threshold for the legend.
		unit, name = "", "requests per target"
		p.Y.Label.Text = "requests per serving target per minute"
		top := 0.0
		for _, row := range r.Timeline {
			if v := row.Value(); v != nil {
				top = max(top, *v)
			}
		}
		for _, a := range m.Alarms {
			top = max(top, a.Threshold)
		}
		top = math.Max(1, math.Ceil(top))
		p.Y.Min, p.Y.Max = 0, top*1.4
		p.Y.Tick.Marker = stepTicks(niceStep(top/10), 0, top)
	} else {
		p.Y.Label.Text = metricWord(m) + " per serving instance (%)"
		// Room above 100% for the legend.
		p.Y.Min, p.Y.Max = 0, 140
		p.Y.Tick.Marker = stepTicks(10, 0, 100)
	}
	p.Add(plotter.NewGrid())
	cpu, err := stepLine(stepXY(r, func(row Row) (float64, bool) {
		if v := row.Value(); v != nil {
			return *v, true
		}
		return 0, false
	}), colCPU, vg.Points(2), nil)
	if err != nil {
		return nil, err
	}
	p.Add(cpu)
	p.Legend.Add(name, cpu)
	for _, th := range []struct {
		idx   int
		col   color.Color
		label string
	}{{m.ScaleOutAlarm(), colOut, "scale-out"}, {m.ScaleInAlarm(), colIn, "scale-in"}} {
		if th.idx < 0 {
			continue
		}
		a := m.Alarms[th.idx]
		l, err := hline(r, a.Threshold, th.col, dashed)
		if err != nil {
			return nil, err
		}
		p.Add(l)
		p.Legend.Add(fmt.Sprintf("%s threshold %s%s (%s)", th.label, num(a.Threshold), unit, a.Name), l)
	}
	p.Legend.Top, p.Legend.Left = true, true
	p.Legend.XOffs, p.Legend.YOffs = vg.Points(8), vg.Points(-4)
	return p, nil
}

// changed reports whether a row value differs between minutes.
func changed(r *Result, v func(Row) int) bool {
	for _, row := range r.Timeline {
		if v(row) != v(r.Timeline[0]) {
			return true
		}
	}
	return false
}

// demandUnit is the load one instance carries for the demand line: 100 (% CPU
// of one instance), or with a request-count load the target value of the
// request-count policy (instances needed to meet the target).
func demandUnit(m *Model) (float64, string) {
	if m.Metric == MetricRequests {
		for _, p := range m.Policies {
			if p.Metric == MetricRequests && p.TargetValue > 0 {
				return p.TargetValue, "demand (load / target " + num(p.TargetValue) + ")"
			}
		}
	}
	return 100, "demand (load / 100)"
}

func capacityPlot(r *Result) (*plot.Plot, error) {
	p := newPlot(r)
	p.X.Label.Text = "minute"
	p.Y.Label.Text = "instances"
	g := r.Model.Group
	per, demandLabel := demandUnit(r.Model)
	top := float64(g.Max)
	for _, row := range r.Timeline {
		top = max(top, row.Load/per, float64(row.MaxSize))
	}
	// Room above the data for the legend.
	p.Y.Min, p.Y.Max = 0, math.Ceil(top)*1.6+1
	p.Y.Tick.Marker = stepTicks(niceStep(math.Ceil(top)/10), 0, math.Ceil(top))
	p.Add(plotter.NewGrid())
	demand, err := stepLine(stepXY(r, func(row Row) (float64, bool) { return row.Load / per, true }), colDemand, vg.Points(1.2), dotted)
	if err != nil {
		return nil, err
	}
	desired, err := stepLine(stepXY(r, func(row Row) (float64, bool) { return float64(row.Desired), true }), colDesired, vg.Points(2), nil)
	if err != nil {
		return nil, err
	}
	service, err := stepLine(stepXY(r, func(row Row) (float64, bool) { return float64(row.InService), true }), colService, vg.Points(2), dashed)
	if err != nil {
		return nil, err
	}
	maxLine, err := hline(r, float64(g.Max), colLimit, dotted)
	maxLabel := fmt.Sprintf("max_size %d", g.Max)
	if changed(r, func(row Row) int { return row.MaxSize }) {
		// Scheduled actions moved max_size: draw it minute by minute.
		maxLine, err = stepLine(stepXY(r, func(row Row) (float64, bool) { return float64(row.MaxSize), true }), colLimit, vg.Points(1.2), dotted)
		maxLabel = "max_size (scheduled)"
	}
	if err != nil {
		return nil, err
	}
	p.Add(demand, maxLine, desired, service)
	p.Legend.Add("desired capacity", desired)
	p.Legend.Add("in service", service)
	p.Legend.Add(demandLabel, demand)
	p.Legend.Add(maxLabel, maxLine)
	if len(r.Events) > 0 {
		var pts plotter.XYs
		for _, ev := range r.Events {
			pts = append(pts, plotter.XY{X: float64(ev.Minute), Y: float64(ev.CapacityAfter)})
		}
		sc, err := plotter.NewScatter(pts)
		if err != nil {
			return nil, err
		}
		sc.Shape = draw.CircleGlyph{}
		sc.Color = colDesired
		sc.Radius = vg.Points(3)
		p.Add(sc)
		p.Legend.Add("scaling activity", sc)
	}
	p.Legend.Top, p.Legend.Left = true, true
	p.Legend.XOffs, p.Legend.YOffs = vg.Points(8), vg.Points(-4)
	return p, nil
}
