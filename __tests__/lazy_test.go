package tests

import (
	"path/filepath"
	"testing"

	"github.com/platformstarter/elastic-web-tier/internal/lazyjsii"
	"github.com/platformstarter/elastic-web-tier/internal/testfixture"
)

// Lazy loading of the AWS provider (lazyjsii.Setup in TestMain) changes no
// byte of the output: the fixture synthesized in this process (lazy kernel)
// and by the app run with EWT_LAZY_JSII=0 (standard loading, its own kernel)
// give the same files.
func TestLazyLoadingChangesNoByte(t *testing.T) {
	st := lazyjsii.Current()
	if st.Off {
		t.Skip("EWT_LAZY_JSII=0: lazy loading is off in this run, nothing to compare")
	}
	if !st.Active {
		t.Fatalf("lazy loading fell back to the standard path: %s", st.Reason)
	}
	lazy := fixtureSynth(t).dir
	standard := filepath.Join(t.TempDir(), "cdktf.out")
	if _, err := lazyjsii.SynthStandard(repoRoot, standard, "ENVIRONMENTS_FILE="+testfixture.EnvironmentsFile(t)); err != nil {
		t.Fatal(err)
	}
	if err := lazyjsii.CompareTrees(standard, lazy); err != nil {
		t.Fatal(err)
	}
}
