package settingsdoc

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"
)

var update = flag.Bool("update", false, "rewrite docs/settings.md")

const reference = "../../docs/settings.md"

// The committed reference is what the config package's types say today.
func TestReferenceIsCurrent(t *testing.T) {
	settings, err := Load(os.DirFS("../../constructs/config"))
	if err != nil {
		t.Fatal(err)
	}
	var got bytes.Buffer
	if err := Write(&got, settings); err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile(reference, got.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(reference)
	if err != nil {
		t.Fatalf("%v (go test ./internal/settingsdoc -update writes it)", err)
	}
	if !bytes.Equal(got.Bytes(), want) {
		t.Errorf("%s is stale: go test ./internal/settingsdoc -update, then review the diff", filepath.Clean(reference))
	}
}

// Every key of the fixture types appears with its YAML type, its default and
// its doc; nested blocks, lists of blocks and pointers are followed.
func TestLoad(t *testing.T) {
	src := `package config
type File struct {
	// Project names the system. Default: webtier.
	Project string ` + "`yaml:\"project\"`" + `
	Dir string ` + "`yaml:\"-\"`" + `
}
type Environment struct {
	// Region is the region. Required.
	Region string ` + "`yaml:\"region\"`" + `
	// Mode is ec2 or asg. Default: asg.
	Mode Mode ` + "`yaml:\"compute_mode\"`" + `
	// Net is the network.
	Net *Net ` + "`yaml:\"network\"`" + `
	// Rules are rules. Default: none.
	Rules []Rule ` + "`yaml:\"rules,omitempty\"`" + `
	// Tags are tags.
	Tags map[string]string ` + "`yaml:\"tags\"`" + `
}
type Mode string
type Net struct {
	// Size is 1-3. Default: 2.
	Size int ` + "`yaml:\"size\"`" + `
	// On says so. Default: true.
	On bool ` + "`yaml:\"on\"`" + `
}
type Rule struct {
	// Ratio is a share. Default: 0.5.
	Ratio float64 ` + "`yaml:\"ratio\"`" + `
}
`
	got, err := Load(fstest.MapFS{"types.go": {Data: []byte(src)}, "x_test.go": {Data: []byte("package config\nthis is not Go")}})
	if err != nil {
		t.Fatal(err)
	}
	want := []Setting{
		{"project", "string", "webtier", true, "`project` names the system. Default: webtier."},
		{"region", "string", "required", false, "`region` is the region. Required."},
		{"compute_mode", "string", "asg", false, "`compute_mode` is ec2 or asg. Default: asg."},
		{"network", "block", "", false, "`network` is the network."},
		{"network.size", "integer", "2", false, "`size` is 1-3. Default: 2."},
		{"network.on", "boolean", "true", false, "`on` says so. Default: true."},
		{"rules", "list of block", "none", false, "`rules` are rules. Default: none."},
		{"rules[].ratio", "number", "0.5", false, "`ratio` is a share. Default: 0.5."},
		{"tags", "map of string to string", "", false, "`tags` are tags."},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d settings, want %d:\n%v", len(got), len(want), got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("setting %d: got %+v, want %+v", i, got[i], want[i])
		}
	}
}
