package main

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/jsii-runtime-go"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

var update = flag.Bool("update", false, "rewrite the snapshots under testdata/")

// TestSnapshot: the stack synthesizes to the JSON reviewed under testdata/
// (go test -update rewrites it; review the diff).
func TestSnapshot(t *testing.T) {
	app := cdktf.Testing_App(&cdktf.TestingAppConfig{Outdir: jsii.String(t.TempDir())})
	if _, err := NewStack(app, "two-services"); err != nil {
		t.Fatal(err)
	}
	app.Synth()
	for _, id := range []string{"two-services"} {
		got, err := os.ReadFile(filepath.Join(*app.Outdir(), "stacks", id, "cdk.tf.json"))
		if err != nil {
			t.Fatal(err)
		}
		compare(t, filepath.Join("testdata", id+".tf.json"), got)
	}
}

// compare checks got against the snapshot file, or rewrites it with -update.
func compare(t *testing.T, file string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(file, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("%v: write the snapshot with go test -update, and review it", err)
	}
	if bytes.Equal(got, want) {
		return
	}
	g, w := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
	for i := 0; i < len(g) || i < len(w); i++ {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			t.Fatalf("%s differs from the synthesized stack first at line %d:\ngot  %s\nwant %s\n(go test -update rewrites the snapshot; review the diff)", file, i+1, gl, wl)
		}
	}
}
