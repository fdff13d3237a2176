package config_test

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/platformstarter/elastic-web-tier/constructs/config"
)

// fieldDocs maps "Type.Field" to the doc comment of every struct field in
// types.go, on one line.
func fieldDocs(t *testing.T) map[string]string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "types.go", nil, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	docs := map[string]string{}
	ast.Inspect(f, func(n ast.Node) bool {
		ts, ok := n.(*ast.TypeSpec)
		if !ok {
			return true
		}
		st, ok := ts.Type.(*ast.StructType)
		if !ok {
			return false
		}
		for _, fld := range st.Fields.List {
			for _, name := range fld.Names {
				docs[ts.Name.Name+"."+name.Name] = strings.Join(strings.Fields(fld.Doc.Text()), " ")
			}
		}
		return false
	})
	return docs
}

// defaultRE finds the documented default: "Default: X." where the period
// ends the sentence (t3.micro keeps its dot).
var defaultRE = regexp.MustCompile(`Default: (.*?)\.(?:\s|$)`)

// zeroPhrases document a default that is the field's zero value: nothing
// is written, or the value is derived from other settings elsewhere.
var zeroPhrases = map[string]bool{
	"none": true, "absent": true, "derived": true, "unchanged": true, "unbounded": true, "local": true,
	"the environment's region": true, "<project>/<env>/terraform.tfstate": true,
	"UTC": true, // schedules[].time_zone: empty, which AWS runs in UTC
}

// documentedDefault reads the default of a doc comment: ok false when the
// comment documents none; which picks the first or second of a pair such
// as "70 out, 30 in".
func documentedDefault(doc string, which int) (phrase string, zero, ok bool) {
	m := defaultRE.FindStringSubmatch(doc)
	if m == nil {
		return "", false, false
	}
	p := m[1]
	if i := strings.Index(p, ";"); i >= 0 {
		p = p[:i] // "false; true when Domain is given"
	}
	if open, end := strings.Index(p, " ("), strings.LastIndex(p, ")"); open >= 0 && end > open {
		if strings.HasPrefix(p, "the ") {
			p = p[open+2 : end] // "the compute health_path (/health)"
		} else {
			p = p[:open] // "8 (a /16 VPC gets /24 subnets)"
		}
	}
	for _, sep := range []string{", ", " / "} { // "70 out, 30 in", "+1 / -1"
		if parts := strings.Split(p, sep); len(parts) == 2 && !strings.HasPrefix(p, "[") {
			p = strings.TrimSuffix(strings.TrimSuffix(parts[which], " out"), " in")
		}
	}
	return p, zeroPhrases[p], true
}

// matches compares a value with a documented default phrase.
func matches(v reflect.Value, phrase string, zero bool) error {
	if zero {
		if !v.IsZero() {
			return fmt.Errorf("documented as %q (the zero value), applied %v", phrase, v.Interface())
		}
		return nil
	}
	switch v.Kind() {
	case reflect.String:
		want := phrase
		if u, err := strconv.Unquote(phrase); err == nil {
			want = u
		}
		if v.String() != want {
			return fmt.Errorf("documented %q, applied %q", want, v.String())
		}
	case reflect.Int, reflect.Float64:
		want, err := strconv.ParseFloat(strings.TrimPrefix(phrase, "+"), 64)
		if err != nil {
			return fmt.Errorf("documented default %q is not a number", phrase)
		}
		got := v.Convert(reflect.TypeOf(0.0)).Float()
		if got != want {
			return fmt.Errorf("documented %g, applied %g", want, got)
		}
	case reflect.Bool:
		want, err := strconv.ParseBool(phrase)
		if err != nil {
			return fmt.Errorf("documented default %q is not true or false", phrase)
		}
		if v.Bool() != want {
			return fmt.Errorf("documented %t, applied %t", want, v.Bool())
		}
	case reflect.Slice:
		inner := strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(phrase, "["), "]"))
		var want []string
		if inner != "" {
			want = strings.Split(inner, ", ")
		}
		got := make([]string, v.Len())
		for i := range got {
			got[i] = fmt.Sprint(v.Index(i).Interface())
		}
		if !reflect.DeepEqual(got, want) && !(len(got) == 0 && len(want) == 0) {
			return fmt.Errorf("documented %v, applied %v", want, got)
		}
	default:
		return fmt.Errorf("documented default %q of a %s: the test cannot read it", phrase, v.Type())
	}
	return nil
}

// TestDocumentedDefaultsApplied: every "Default: X" comment of types.go
// is the default the code applies: Builtin (with the derived defaults)
// for an environment, DefaultBackend and DefaultSpot for the blocks that
// start from them, DefaultProject for the project. A default changed in
// one place only fails here.
func TestDocumentedDefaultsApplied(t *testing.T) {
	docs := fieldDocs(t)
	seen := map[string]bool{}
	checked := 0
	var walk func(v reflect.Value, path string, which int)
	walk = func(v reflect.Value, path string, which int) {
		typ := v.Type()
		for i := 0; i < typ.NumField(); i++ {
			sf := typ.Field(i)
			if !sf.IsExported() {
				continue
			}
			key := typ.Name() + "." + sf.Name
			fv := v.Field(i)
			fpath := path + "." + sf.Name
			doc := docs[key]
			if phrase, zero, ok := documentedDefault(doc, which); ok {
				seen[key] = true
				checked++
				if err := matches(fv, phrase, zero); err != nil {
					t.Errorf("%s: %v", fpath, err)
				}
			}
			// Into nested settings: pointers from the block's own defaults.
			inner := fv
			switch {
			case fv.Kind() == reflect.Pointer && fv.Type().Elem().Kind() == reflect.Struct:
				inner = reflect.New(fv.Type().Elem()).Elem()
				switch fv.Type().Elem() {
				case reflect.TypeOf(config.Backend{}):
					inner = reflect.ValueOf(config.DefaultBackend())
				case reflect.TypeOf(config.Spot{}):
					inner = reflect.ValueOf(config.DefaultSpot())
				case reflect.TypeOf(config.AssumeRole{}):
					inner = reflect.ValueOf(config.DefaultAssumeRole())
				}
			case fv.Kind() == reflect.Slice && fv.Type().Elem().Kind() == reflect.Struct:
				inner = reflect.New(fv.Type().Elem()).Elem()
			}
			if inner.Kind() == reflect.Struct {
				w := which
				switch sf.Name {
				case "ScaleOut":
					w = 0
				case "ScaleIn":
					w = 1
				}
				walk(inner, fpath, w)
			}
		}
	}
	e := config.Builtin()
	e.ApplyDerivedDefaults(config.DefaultProject)
	walk(reflect.ValueOf(e), "Environment", 0)
	// The file's own settings: project (defaults is an environment, walked above).
	if phrase, zero, ok := documentedDefault(docs["File.Project"], 0); !ok {
		t.Errorf("File.Project documents no default")
	} else if err := matches(reflect.ValueOf(config.DefaultProject), phrase, zero); err != nil {
		t.Errorf("File.Project: %v", err)
	} else {
		seen["File.Project"] = true
	}

	for key, doc := range docs {
		if strings.Contains(doc, "Default:") && !seen[key] {
			t.Errorf("%s documents a default the test did not reach: %q", key, doc)
		}
	}
	if checked < 60 {
		t.Errorf("checked %d documented defaults; types.go documents more than 60", checked)
	}
}

// TestSectionDefaultsAreBuiltins: each section's DefaultX is Builtin's
// section (the ALB's with the derived health check path): one copy of
// every default.
func TestSectionDefaultsAreBuiltins(t *testing.T) {
	b := config.Builtin()
	alb := b.ALB
	alb.HealthCheck.Path = b.Compute.HealthPath
	cases := []struct {
		name      string
		got, want any
	}{
		{"DefaultNetwork", config.DefaultNetwork(), b.Network},
		{"DefaultCompute", config.DefaultCompute(), b.Compute},
		{"DefaultALB", config.DefaultALB(), alb},
		{"DefaultScaling", config.DefaultScaling(), b.Scaling},
		{"DefaultObservability", config.DefaultObservability(), b.Observability},
	}
	for _, c := range cases {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s():\ngot  %+v\nwant %+v", c.name, c.got, c.want)
		}
	}
	if p := config.DefaultALB().HealthCheck.Path; p != "/health" {
		t.Errorf("DefaultALB().HealthCheck.Path = %q, want /health", p)
	}
}
