// Package ptr turns plain Go values into the pointers jsii bindings take, so
// construct code reads as plain Go: ptr.S("x"), ptr.N(80), ptr.B(true).
package ptr

// S returns a pointer to a string.
func S(v string) *string { return &v }

// N returns a pointer to a number (jsii numbers are float64).
func N[T int | float64](v T) *float64 { f := float64(v); return &f }

// B returns a pointer to a bool.
func B(v bool) *bool { return &v }

// Ss returns a pointer to a slice of string pointers.
func Ss(v ...string) *[]*string {
	out := make([]*string, len(v))
	for i := range v {
		out[i] = S(v[i])
	}
	return &out
}

// L returns a pointer to a slice of already-pointer values (IDs from other resources).
func L(v ...*string) *[]*string { return &v }

// Tags returns a tag map pointer.
func Tags(kv map[string]string) *map[string]*string {
	out := make(map[string]*string, len(kv))
	for k, v := range kv {
		out[k] = S(v)
	}
	return &out
}

// Name returns a one-entry {"Name": name} tag map.
func Name(name string) *map[string]*string { return Tags(map[string]string{"Name": name}) }
