// Package ptr holds the pointer helpers jsii-runtime-go lacks, for the
// construct code: lists of values other resources already hold as pointers
// (L) and tag maps (Tags, Name). Plain values become pointers with jsii's own
// helpers: jsii.String("x"), jsii.Number(80), jsii.Bool(true), jsii.Strings(...).
package ptr

// L returns a pointer to a slice of already-pointer values (IDs from other resources).
func L(v ...*string) *[]*string { return &v }

// Tags returns a tag map pointer.
func Tags(kv map[string]string) *map[string]*string {
	out := make(map[string]*string, len(kv))
	for k, v := range kv {
		out[k] = &v
	}
	return &out
}

// Name returns a one-entry {"Name": name} tag map.
func Name(name string) *map[string]*string { return Tags(map[string]string{"Name": name}) }
