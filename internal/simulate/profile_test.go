package simulate

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseProfileLoads(t *testing.T) {
	// Each want is computed from the shape's definition in profile.go.
	tests := []struct {
		spec   string
		minute int
		want   float64
	}{
		{"step:from=60,to=400,at=10", 9, 60},
		{"step:from=60,to=400,at=10", 10, 400},
		{"ramp:from=0,to=100,start=10,end=20", 5, 0},
		{"ramp:from=0,to=100,start=10,end=20", 15, 50}, // halfway
		{"ramp:from=0,to=100,start=10,end=20", 25, 100},
		{"spike:base=50,peak=300,at=5,duration=3", 4, 50},
		{"spike:base=50,peak=300,at=5,duration=3", 7, 300}, // 5, 6, 7
		{"spike:base=50,peak=300,at=5,duration=3", 8, 50},
		{"sine:min=0,max=100,period=60", 0, 0},
		{"sine:min=0,max=100,period=60", 15, 50}, // (1 - cos(pi/2)) / 2
		{"sine:min=0,max=100,period=60", 30, 100},
		{"diurnal:min=100,max=300", 720, 300}, // half a day
		{"diurnal:min=100,max=300,period=60", 30, 300},
		{"constant:load=125", 99, 125},
		{" step: from = 1 , to = 2 , at = 3 ", 3, 2}, // spaces are forgiven
	}
	for _, tc := range tests {
		p, err := ParseProfile(tc.spec)
		if err != nil {
			t.Errorf("ParseProfile(%q): %v", tc.spec, err)
			continue
		}
		if got := p.Load(tc.minute); math.Abs(got-tc.want) > 1e-9 {
			t.Errorf("%s at minute %d = %g, want %g", tc.spec, tc.minute, got, tc.want)
		}
	}
}

func TestParseProfileErrors(t *testing.T) {
	tests := []struct {
		spec string
		want string
	}{
		{"square:from=1", `unknown shape "square"; allowed are constant, diurnal, ramp, sine, spike, step`},
		{"step:from=60,to=400", "missing at; step takes from, to, at"},
		{"step:from=60,to=400,at=10,height=3", `unknown parameter "height"`},
		{"step:from=60,to=400,at=10,at=11", "parameter at given twice"},
		{"step:from=sixty,to=400,at=10", `from = "sixty" is not a number`},
		{"step:from=-5,to=400,at=10", "from = -5 must be >= 0"},
		{"step:from=60,to=400,at=2.5", "at = 2.5 must be a whole number of minutes"},
		{"step:from", `"from" is not key=value`},
		{"ramp:from=0,to=1,start=5,end=5", "end (5) must be after start (5)"},
		{"spike:base=1,peak=2,at=3,duration=0", "duration (0) must be at least 1 minute"},
		{"sine:min=10,max=5,period=60", "max (5) must be >= min (10)"},
		{"sine:min=1,max=5,period=1", "period (1) must be at least 2 minutes"},
	}
	for _, tc := range tests {
		_, err := ParseProfile(tc.spec)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ParseProfile(%q) error = %v, want one containing %q", tc.spec, err, tc.want)
		}
	}
}

func TestReadCSVProfile(t *testing.T) {
	// Each load holds from its minute until the next line.
	text := "# a morning\nminute,load\n0,60\n\n10, 400\n25,120\n"
	p, err := ReadCSVProfile("morning.csv", strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		minute int
		want   float64
	}{{0, 60}, {9, 60}, {10, 400}, {24, 400}, {25, 120}, {500, 120}} {
		if got := p.Load(tc.minute); got != tc.want {
			t.Errorf("minute %d = %g, want %g", tc.minute, got, tc.want)
		}
	}
	if p.String() != "morning.csv" {
		t.Errorf("String() = %q, want the file name", p.String())
	}
}

func TestReadCSVProfileErrors(t *testing.T) {
	tests := []struct {
		text string
		want string
	}{
		{"5,100\n", "x.csv:1: first minute is 5: the profile must start at minute 0"},
		{"0,100\n10,50\n10,70\n", "x.csv:3: minute 10: minutes must increase (previous 10)"},
		{"0,100\n-1,50\n", `x.csv:2: minute "-1": must be a whole number >= 0`},
		{"0,lots\n", `x.csv:1: load "lots": must be a number >= 0`},
		{"0,-3\n", `x.csv:1: load "-3"`},
		{"0,1,2\n", "want two fields, minute,load"},
		{"# nothing\n", "x.csv: no minute,load lines"},
	}
	for _, tc := range tests {
		_, err := ReadCSVProfile("x.csv", strings.NewReader(tc.text))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ReadCSVProfile(%q) error = %v, want one containing %q", tc.text, err, tc.want)
		}
	}
}

func TestOpenProfile(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "load.csv")
	if err := os.WriteFile(file, []byte("0,10\n3,30\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := OpenProfile(file)
	if err != nil {
		t.Fatalf("OpenProfile(file): %v", err)
	}
	if got := p.Load(3); got != 30 {
		t.Errorf("file profile at minute 3 = %g, want 30", got)
	}
	if p, err := OpenProfile("constant:load=7"); err != nil || p.Load(0) != 7 {
		t.Errorf("OpenProfile(constant:load=7) = %v, %v; want load 7", p, err)
	}
	_, err = OpenProfile(filepath.Join(dir, "absent.csv"))
	if err == nil || !strings.Contains(err.Error(), "not a built-in shape") || !strings.Contains(err.Error(), "no such file") {
		t.Errorf("OpenProfile(absent) error = %v, want 'not a built-in shape ... and no such file'", err)
	}
}
