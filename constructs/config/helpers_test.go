package config_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/platformstarter/elastic-web-tier/constructs/config"
)

// get returns the value at a dotted YAML key path of e (e.g.
// "scaling.scale_out.threshold", "backend.key"), following the yaml tags, so
// tables can name fields the way environments.yaml does.
func get(t *testing.T, e *config.Environment, path string) any {
	t.Helper()
	v := reflect.ValueOf(e).Elem()
	for _, part := range strings.Split(path, ".") {
		for v.Kind() == reflect.Pointer {
			if v.IsNil() {
				t.Fatalf("%s: %s is nil on the way to %s", e.Name, v.Type(), path)
			}
			v = v.Elem()
		}
		if v.Kind() != reflect.Struct {
			t.Fatalf("%s: %s is not a struct field path", e.Name, path)
		}
		found := false
		for i := 0; i < v.NumField(); i++ {
			if strings.Split(v.Type().Field(i).Tag.Get("yaml"), ",")[0] == part {
				v, found = v.Field(i), true
				break
			}
		}
		if !found {
			t.Fatalf("no field %q in %s (path %s)", part, v.Type(), path)
		}
	}
	return v.Interface()
}

// env returns the environment named name of f.
func env(t *testing.T, f *config.File, name string) *config.Environment {
	t.Helper()
	for _, e := range f.Environments {
		if e.Name == name {
			return e
		}
	}
	t.Fatalf("no environment %q; got %v", name, envNames(f))
	return nil
}

func envNames(f *config.File) []string {
	var names []string
	for _, e := range f.Environments {
		names = append(names, e.Name)
	}
	return names
}

// expect is one field of one environment and the value it must have.
type expect struct {
	env, path string
	want      any
}

func checkExpects(t *testing.T, f *config.File, expects []expect) {
	t.Helper()
	for _, x := range expects {
		got := get(t, env(t, f, x.env), x.path)
		if !reflect.DeepEqual(got, x.want) {
			t.Errorf("%s: %s: got %#v, want %#v", x.env, x.path, got, x.want)
		}
	}
}

// mustParse parses src and fails the test on any problem.
func mustParse(t *testing.T, src string) *config.File {
	t.Helper()
	f, err := config.Parse("test.yaml", []byte(src))
	if err != nil {
		t.Fatalf("Parse: %v\nfile:\n%s", err, src)
	}
	return f
}

// diffStruct lists the fields where got and want differ, by Go field path.
func diffStruct(prefix string, got, want reflect.Value) []string {
	if got.Kind() == reflect.Struct {
		var out []string
		for i := 0; i < got.NumField(); i++ {
			out = append(out, diffStruct(prefix+"."+got.Type().Field(i).Name, got.Field(i), want.Field(i))...)
		}
		return out
	}
	if !reflect.DeepEqual(got.Interface(), want.Interface()) {
		return []string{fmt.Sprintf("%s: got %#v, want %#v", prefix, got.Interface(), want.Interface())}
	}
	return nil
}

// acceptedCase is a file (the defaults with sets applied) that must load,
// and the value it must give the field at path.
type acceptedCase struct {
	name string
	sets []string
	path string
	want any
}

func checkAccepted(t *testing.T, cases []acceptedCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f, ce := problemsOf(t, build(t, "", c.sets...))
			if ce != nil {
				t.Fatalf("refused: %v", ce)
			}
			if got := get(t, f.Environments[0], c.path); !reflect.DeepEqual(got, c.want) {
				t.Errorf("%s: got %#v, want %#v", c.path, got, c.want)
			}
		})
	}
}
