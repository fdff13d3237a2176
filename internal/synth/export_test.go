package synth

// SetHookBetweenRenames sets testHookBetweenRenames and returns a function
// that clears it.
func SetHookBetweenRenames(f func()) (restore func()) {
	testHookBetweenRenames = f
	return func() { testHookBetweenRenames = nil }
}

// Replace is replace, for the external tests.
func Replace(staged, outdir, work string) error { return replace(staged, outdir, work) }
