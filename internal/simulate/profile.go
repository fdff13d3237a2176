package simulate

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"sort"
	"strconv"
	"strings"
)

// Profile is a load over time. Load is the total CPU demand in percent of one
// instance: 250 is two and a half instances fully busy.
type Profile interface {
	// Load returns the demand during minute m (m >= 0).
	Load(m int) float64
	// String describes the profile, e.g. "step:from=90,to=900,at=10".
	String() string
}

// shape is one built-in profile: its parameters (all required unless they
// have a default) and the load function.
type shape struct {
	params   []string
	defaults map[string]float64
	minutes  map[string]bool // parameters that are minutes (whole, >= 0)
	check    func(p map[string]float64) error
	load     func(p map[string]float64, m int) float64
}

var shapes = map[string]shape{
	// step: load `from` before minute `at`, `to` from then on.
	"step": {
		params:  []string{"from", "to", "at"},
		minutes: map[string]bool{"at": true},
		load: func(p map[string]float64, m int) float64 {
			if float64(m) < p["at"] {
				return p["from"]
			}
			return p["to"]
		},
	},
	// ramp: `from` until minute `start`, linear to `to` at minute `end`, then `to`.
	"ramp": {
		params:  []string{"from", "to", "start", "end"},
		minutes: map[string]bool{"start": true, "end": true},
		check: func(p map[string]float64) error {
			if p["end"] <= p["start"] {
				return fmt.Errorf("end (%g) must be after start (%g)", p["end"], p["start"])
			}
			return nil
		},
		load: func(p map[string]float64, m int) float64 {
			t := float64(m)
			switch {
			case t <= p["start"]:
				return p["from"]
			case t >= p["end"]:
				return p["to"]
			}
			return p["from"] + (p["to"]-p["from"])*(t-p["start"])/(p["end"]-p["start"])
		},
	},
	// spike: `base`, then `peak` for `duration` minutes from minute `at`.
	"spike": {
		params:  []string{"base", "peak", "at", "duration"},
		minutes: map[string]bool{"at": true, "duration": true},
		check: func(p map[string]float64) error {
			if p["duration"] < 1 {
				return fmt.Errorf("duration (%g) must be at least 1 minute", p["duration"])
			}
			return nil
		},
		load: func(p map[string]float64, m int) float64 {
			if t := float64(m); t >= p["at"] && t < p["at"]+p["duration"] {
				return p["peak"]
			}
			return p["base"]
		},
	},
	// sine: between `min` and `max` with the given `period` in minutes,
	// starting at `min` at minute 0 and peaking at period/2.
	"sine": {
		params:  []string{"min", "max", "period"},
		minutes: map[string]bool{"period": true},
		check:   checkSine,
		load:    sineLoad,
	},
	// diurnal: a sine with a one-day period (1440 minutes) unless given.
	"diurnal": {
		params:   []string{"min", "max", "period"},
		defaults: map[string]float64{"period": 1440},
		minutes:  map[string]bool{"period": true},
		check:    checkSine,
		load:     sineLoad,
	},
	// constant: `load` all the time.
	"constant": {
		params: []string{"load"},
		load:   func(p map[string]float64, _ int) float64 { return p["load"] },
	},
}

func checkSine(p map[string]float64) error {
	if p["max"] < p["min"] {
		return fmt.Errorf("max (%g) must be >= min (%g)", p["max"], p["min"])
	}
	if p["period"] < 2 {
		return fmt.Errorf("period (%g) must be at least 2 minutes", p["period"])
	}
	return nil
}

func sineLoad(p map[string]float64, m int) float64 {
	return p["min"] + (p["max"]-p["min"])*(1-math.Cos(2*math.Pi*float64(m)/p["period"]))/2
}

// ShapeNames lists the built-in profile shapes.
func ShapeNames() []string {
	names := make([]string, 0, len(shapes))
	for n := range shapes {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

type builtin struct {
	name   string
	spec   string
	params map[string]float64
	load   func(map[string]float64, int) float64
}

func (b builtin) Load(m int) float64 { return b.load(b.params, m) }
func (b builtin) String() string     { return b.spec }

// ParseProfile parses a built-in profile: "name:key=value,key=value", e.g.
// "step:from=60,to=400,at=10". Loads must be >= 0; minute parameters whole.
func ParseProfile(spec string) (Profile, error) {
	name, args, _ := strings.Cut(strings.TrimSpace(spec), ":")
	sh, ok := shapes[name]
	if !ok {
		return nil, fmt.Errorf("profile %q: unknown shape %q; allowed are %s (or a CSV file of minute,load lines)", spec, name, strings.Join(ShapeNames(), ", "))
	}
	params := map[string]float64{}
	for k, v := range sh.defaults {
		params[k] = v
	}
	given := map[string]bool{}
	if strings.TrimSpace(args) != "" {
		for _, kv := range strings.Split(args, ",") {
			k, v, found := strings.Cut(strings.TrimSpace(kv), "=")
			k = strings.TrimSpace(k)
			if !found {
				return nil, fmt.Errorf("profile %q: %q is not key=value; %s takes %s", spec, kv, name, strings.Join(sh.params, ", "))
			}
			if !contains(sh.params, k) {
				return nil, fmt.Errorf("profile %q: unknown parameter %q; %s takes %s", spec, k, name, strings.Join(sh.params, ", "))
			}
			if given[k] {
				return nil, fmt.Errorf("profile %q: parameter %s given twice", spec, k)
			}
			f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
				return nil, fmt.Errorf("profile %q: %s = %q is not a number", spec, k, v)
			}
			if f < 0 {
				return nil, fmt.Errorf("profile %q: %s = %g must be >= 0", spec, k, f)
			}
			if sh.minutes[k] && f != math.Trunc(f) {
				return nil, fmt.Errorf("profile %q: %s = %g must be a whole number of minutes", spec, k, f)
			}
			given[k] = true
			params[k] = f
		}
	}
	var missing []string
	for _, k := range sh.params {
		if _, ok := params[k]; !ok {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("profile %q: missing %s; %s takes %s", spec, strings.Join(missing, ", "), name, strings.Join(sh.params, ", "))
	}
	if sh.check != nil {
		if err := sh.check(params); err != nil {
			return nil, fmt.Errorf("profile %q: %w", spec, err)
		}
	}
	return builtin{name: name, spec: strings.TrimSpace(spec), params: params, load: sh.load}, nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// csvProfile holds a load from each listed minute until the next one.
type csvProfile struct {
	name    string
	minutes []int
	loads   []float64
}

func (c csvProfile) Load(m int) float64 {
	i := sort.SearchInts(c.minutes, m+1) - 1 // last listed minute <= m
	if i < 0 {
		i = 0
	}
	return c.loads[i]
}

func (c csvProfile) String() string { return c.name }

// ReadCSVProfile reads "minute,load" lines: the load holds from that minute
// until the next line. The first minute must be 0 and minutes must increase.
// Blank lines, lines starting with # and a "minute,load" header are skipped.
func ReadCSVProfile(name string, r io.Reader) (Profile, error) {
	c := csvProfile{name: name}
	sc := bufio.NewScanner(r)
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		fields := strings.Split(text, ",")
		if len(fields) != 2 {
			return nil, fmt.Errorf("%s:%d: %q: want two fields, minute,load", name, line, text)
		}
		ms, ls := strings.TrimSpace(fields[0]), strings.TrimSpace(fields[1])
		if len(c.minutes) == 0 && strings.EqualFold(ms, "minute") && strings.EqualFold(ls, "load") {
			continue
		}
		m, err := strconv.Atoi(ms)
		if err != nil || m < 0 {
			return nil, fmt.Errorf("%s:%d: minute %q: must be a whole number >= 0", name, line, ms)
		}
		l, err := strconv.ParseFloat(ls, 64)
		if err != nil || l < 0 || math.IsNaN(l) || math.IsInf(l, 0) {
			return nil, fmt.Errorf("%s:%d: load %q: must be a number >= 0 (percent of one instance)", name, line, ls)
		}
		if n := len(c.minutes); n == 0 && m != 0 {
			return nil, fmt.Errorf("%s:%d: first minute is %d: the profile must start at minute 0", name, line, m)
		} else if n > 0 && m <= c.minutes[n-1] {
			return nil, fmt.Errorf("%s:%d: minute %d: minutes must increase (previous %d)", name, line, m, c.minutes[n-1])
		}
		c.minutes = append(c.minutes, m)
		c.loads = append(c.loads, l)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(c.minutes) == 0 {
		return nil, fmt.Errorf("%s: no minute,load lines", name)
	}
	return c, nil
}

// OpenProfile resolves --profile: a built-in shape ("step:...") or the path
// of a CSV file.
func OpenProfile(spec string) (Profile, error) {
	name, _, _ := strings.Cut(strings.TrimSpace(spec), ":")
	if _, ok := shapes[name]; ok {
		return ParseProfile(spec)
	}
	f, err := os.Open(spec)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("profile %q: not a built-in shape (%s) and no such file", spec, strings.Join(ShapeNames(), ", "))
	}
	if err != nil {
		return nil, fmt.Errorf("profile: %w", err)
	}
	defer f.Close()
	return ReadCSVProfile(spec, f)
}
