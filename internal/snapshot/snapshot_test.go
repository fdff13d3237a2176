package snapshot

import (
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func TestDiff(t *testing.T) {
	const base = `{"resource": {"aws_lb": {"alb_lb_1234": {"idle_timeout": 120, "name": "a"}}, "aws_vpc": {"v": {"cidr_block": "10.0.0.0/16"}}}, "output": {"url": {"value": "${aws_lb.alb_lb_1234.dns_name}"}}, "list": [1, 2]}`
	cases := []struct {
		name string
		got  string
		want []string
	}{
		{"equal", base, nil},
		{"one attribute", strings.Replace(base, `"idle_timeout": 120`, `"idle_timeout": 60`, 1),
			[]string{"resource.aws_lb.alb_lb_1234.idle_timeout: got 60, want 120"}},
		{"an inserted resource is one line", strings.Replace(base, `"aws_lb": {`, `"aws_instance": {"web": {"ami": "x", "tags": {"Name": "w"}}}, "aws_lb": {`, 1),
			[]string{`resource.aws_instance: added {"web":{"ami":"x","tags":{"Name":"w"}}}`}},
		{"a removed attribute", strings.Replace(base, `"idle_timeout": 120, `, ``, 1),
			[]string{"resource.aws_lb.alb_lb_1234.idle_timeout: removed (was 120)"}},
		{"a type change", strings.Replace(base, `"idle_timeout": 120`, `"idle_timeout": "120"`, 1),
			[]string{`resource.aws_lb.alb_lb_1234.idle_timeout: got "120", want 120`}},
		{"a longer list", strings.Replace(base, `[1, 2]`, `[1, 2, 3]`, 1),
			[]string{"list[2]: added 3"}},
		{"a list element", strings.Replace(base, `[1, 2]`, `[1, 5]`, 1),
			[]string{"list[1]: got 5, want 2"}},
		{"references stay readable", strings.Replace(base, `dns_name}`, `zone_id}`, 1),
			[]string{`output.url.value: got "${aws_lb.alb_lb_1234.zone_id}", want "${aws_lb.alb_lb_1234.dns_name}"`}},
		{"keys that are not words are quoted", strings.Replace(base, `"name": "a"`, `"name": "a", "tags": {"kubernetes.io/role": "x"}`, 1),
			[]string{`resource.aws_lb.alb_lb_1234.tags: added {"kubernetes.io/role":"x"}`}},
		{"a JSON document in a string is compared as JSON", strings.Replace(base, `"name": "a"`, `"name": "a", "policy": "{\"Statement\":[{\"Sid\":\"A\"},{\"Sid\":\"B\"}]}"`, 1),
			[]string{`resource.aws_lb.alb_lb_1234.policy: added "{\"Statement\":[{\"Sid\":\"A\"},{\"Sid\":\"B\"}]}"`}},
		{"a long string is shown around its first difference", strings.Replace(base, `"name": "a"`, `"name": "`+strings.Repeat("x", 200)+`B`+strings.Repeat("y", 200)+`"`, 1),
			[]string{`resource.aws_lb.alb_lb_1234.name: got "` + strings.Repeat("x", 80) + `"..., want "a"`}},
		{"two changes sorted by path", strings.Replace(strings.Replace(base, `"name": "a"`, `"name": "b"`, 1), `10.0.0.0/16`, `10.1.0.0/16`, 1),
			[]string{`resource.aws_lb.alb_lb_1234.name: got "b", want "a"`, `resource.aws_vpc.v.cidr_block: got "10.1.0.0/16", want "10.0.0.0/16"`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := Diff([]byte(base), []byte(c.got))
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("Diff:\n got %q\nwant %q", got, c.want)
			}
		})
	}
	for _, c := range []struct{ name, want, got, line string }{
		{"a dotted key", `{"a.b": {"c": 1}}`, `{"a.b": {"c": 2}}`, `["a.b"].c: got 2, want 1`},
		{"inside a JSON string", `{"p": "{\"S\":[{\"Sid\":\"A\",\"Action\":\"x\"}]}"}`, `{"p": "{\"S\":[{\"Sid\":\"A\",\"Action\":\"y\"}]}"}`,
			`p(json).S[0].Action: got "y", want "x"`},
		{"a JSON string's list grows", `{"p": "[1]"}`, `{"p": "[1,2]"}`, `p(json)[1]: added 2`},
		{"long strings", `{"u": "` + strings.Repeat("a", 100) + `OLD` + strings.Repeat("z", 100) + `"}`, `{"u": "` + strings.Repeat("a", 100) + `NEW` + strings.Repeat("z", 100) + `"}`,
			`u: got ..."` + strings.Repeat("a", 20) + `NEW` + strings.Repeat("z", 57) + `"..., want ..."` + strings.Repeat("a", 20) + `OLD` + strings.Repeat("z", 57) + `"...`},
		{"the whole document", `1`, `2`, `(the whole document): got 2, want 1`},
	} {
		if got := jsonPathOf(t, c.want, c.got); got != c.line {
			t.Errorf("%s:\n got %q\nwant %q", c.name, got, c.line)
		}
	}
	if _, err := Diff([]byte(`{`), []byte(`{}`)); err == nil || !strings.Contains(err.Error(), "snapshot") {
		t.Errorf("bad snapshot JSON: err = %v, want it named", err)
	}
}

func jsonPathOf(t *testing.T, want, got string) string {
	t.Helper()
	d, err := Diff([]byte(want), []byte(got))
	if err != nil || len(d) != 1 {
		t.Fatalf("Diff = %q, %v; want one line", d, err)
	}
	return d[0]
}

func TestDescribe(t *testing.T) {
	cases := []struct {
		name, want, got string
		has             []string
	}{
		{"values", `{"a": 1}`, `{"a": 2}`, []string{"  a: got 2, want 1"}},
		{"formatting only", "{\"a\": 1}\n", "{\"a\":1}\n", []string{"same JSON values, different bytes", `- {"a": 1}`, `+ {"a":1}`}},
		{"not JSON", "x\n", "y\n", []string{"not comparable as JSON", "- x", "+ y"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := Describe([]byte(c.want), []byte(c.got))
			for _, h := range c.has {
				if !strings.Contains(got, h) {
					t.Errorf("Describe lacks %q:\n%s", h, got)
				}
			}
		})
	}
	var want, got strings.Builder
	want.WriteString("{")
	got.WriteString("{")
	for i := range 50 {
		if i > 0 {
			want.WriteString(",")
			got.WriteString(",")
		}
		want.WriteString(`"k` + string(rune('a'+i%26)) + string(rune('a'+i/26)) + `": 1`)
		got.WriteString(`"k` + string(rune('a'+i%26)) + string(rune('a'+i/26)) + `": 2`)
	}
	want.WriteString("}")
	got.WriteString("}")
	if d := Describe([]byte(want.String()), []byte(got.String())); strings.Count(d, "\n") != 40 || !strings.HasSuffix(d, "... and 10 more") {
		t.Errorf("50 changes: want 40 lines and \"... and 10 more\", got:\n%s", d)
	}
}

func TestSync(t *testing.T) {
	const cmd = "make snapshots"
	same, changed := []byte(`{"a": 1}`+"\n"), []byte(`{"a": 2}`+"\n")
	type files map[string]string // snapshot file name -> content
	cases := []struct {
		name   string
		before files
		envs   []string
		mode   Mode
		want   Report
		fails  map[string][]string // failure substrings per key
		after  files
		output string // Summary()
	}{
		{name: "all equal", before: files{"dev.tf.json": string(same)}, envs: []string{"dev"},
			after: files{"dev.tf.json": string(same)}},
		{name: "missing is written", before: files{"dev.tf.json": string(same)}, envs: []string{"dev", "qa"},
			want:  Report{Written: []string{"qa"}},
			after: files{"dev.tf.json": string(same), "qa.tf.json": string(same)}, output: "1 snapshot written: qa"},
		{name: "missing fails under CI and nothing is written", before: files{"dev.tf.json": string(same)}, envs: []string{"dev", "qa"}, mode: Mode{CI: true},
			fails: map[string][]string{"qa": {"no snapshot of environment qa", "snap/qa.tf.json", "CI", "run `make snapshots`"}},
			after: files{"dev.tf.json": string(same)}},
		{name: "changed fails with the diff, locally and under CI", before: files{"dev.tf.json": string(changed)}, envs: []string{"dev"}, mode: Mode{CI: true},
			fails: map[string][]string{"dev": {"environment dev differs from its snapshot snap/dev.tf.json", "  a: got 1, want 2", "run `make snapshots`"}},
			after: files{"dev.tf.json": string(changed)}},
		{name: "changed fails locally too", before: files{"dev.tf.json": string(changed)}, envs: []string{"dev"},
			fails: map[string][]string{"dev": {"  a: got 1, want 2"}},
			after: files{"dev.tf.json": string(changed)}},
		{name: "obsolete is reported", before: files{"dev.tf.json": string(same), "old.tf.json": "{}"}, envs: []string{"dev"},
			want:  Report{Obsolete: []string{"old"}},
			after: files{"dev.tf.json": string(same), "old.tf.json": "{}"}, output: "1 snapshot obsolete: old"},
		{name: "obsolete fails under CI", before: files{"dev.tf.json": string(same), "old.tf.json": "{}"}, envs: []string{"dev"}, mode: Mode{CI: true},
			fails: map[string][]string{"old": {"obsolete snapshot snap/old.tf.json", "no environment old", "run `make snapshots` to remove it"}},
			after: files{"dev.tf.json": string(same), "old.tf.json": "{}"}},
		{name: "update writes, rewrites and removes, also under CI", before: files{"dev.tf.json": string(changed), "old.tf.json": "{}", "keep.txt": "x"}, envs: []string{"dev", "qa"},
			mode:   Mode{CI: true, Update: true},
			want:   Report{Written: []string{"qa"}, Updated: []string{"dev"}, Removed: []string{"old"}},
			after:  files{"dev.tf.json": string(same), "qa.tf.json": string(same), "keep.txt": "x"},
			output: "1 snapshot written: qa\n1 snapshot updated: dev\n1 snapshot removed (obsolete): old"},
		{name: "several written, in file order", envs: []string{"prod", "dev"},
			want:  Report{Written: []string{"prod", "dev"}},
			after: files{"dev.tf.json": string(same), "prod.tf.json": string(same)}, output: "2 snapshots written: prod, dev"},
		{name: "an environment without a stack fails", envs: []string{"ghost"},
			fails: map[string][]string{"ghost": {"no stack synthesized for environment ghost"}}, after: files{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "snap")
			if err := os.MkdirAll(filepath.Join(dir, "domain"), 0o755); err != nil { // a subdirectory is not looked at
				t.Fatal(err)
			}
			for name, content := range c.before {
				if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			got := map[string][]byte{}
			for _, env := range c.envs {
				if env != "ghost" {
					got[env] = same
				}
			}
			rep, err := Sync(dir, "snap", c.envs, got, c.mode, cmd)
			if err != nil {
				t.Fatal(err)
			}
			for k, subs := range c.fails {
				for _, s := range subs {
					if !strings.Contains(rep.Failures[k], s) {
						t.Errorf("failure of %s = %q, want it to contain %q", k, rep.Failures[k], s)
					}
				}
			}
			if len(rep.Failures) != len(c.fails) {
				t.Errorf("failures %q, want one for each of %v", rep.Failures, slices.Sorted(maps.Keys(c.fails)))
			}
			rep.Failures = nil
			if !reflect.DeepEqual(rep, c.want) {
				t.Errorf("report %+v, want %+v", rep, c.want)
			}
			if s := rep.Summary(); s != c.output {
				t.Errorf("Summary() = %q, want %q", s, c.output)
			}
			entries, err := os.ReadDir(dir)
			if err != nil {
				t.Fatal(err)
			}
			after := files{}
			for _, e := range entries {
				if e.IsDir() {
					continue
				}
				b, err := os.ReadFile(filepath.Join(dir, e.Name()))
				if err != nil {
					t.Fatal(err)
				}
				after[e.Name()] = string(b)
			}
			if !reflect.DeepEqual(after, c.after) {
				t.Errorf("files after: %q, want %q", after, c.after)
			}
		})
	}
}

func TestCIFromEnv(t *testing.T) {
	for v, want := range map[string]bool{"": false, "0": false, "false": false, "FALSE": false, "true": true, "1": true, "yes": true, " True ": true} {
		t.Setenv("CI", v)
		if got := CIFromEnv(); got != want {
			t.Errorf("CI=%q: CIFromEnv() = %v, want %v", v, got, want)
		}
	}
}
