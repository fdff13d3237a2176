package docfacts

import (
	"encoding/json"
	"os"
	"regexp"
	"testing"
)

const root = "../.."

// help quotes cdktf.json's "app" as it is.
func TestHelpQuotesCdktfApp(t *testing.T) {
	b, err := os.ReadFile(root + "/cdktf.json")
	if err != nil {
		t.Fatal(err)
	}
	var c struct {
		App string `json:"app"`
	}
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatal(err)
	}
	help, err := os.ReadFile(root + "/help")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`cdktf\.json: "app": "([^"]*)"`).FindSubmatch(help)
	if m == nil {
		t.Fatal(`help does not quote cdktf.json's "app"`)
	}
	if got := string(m[1]); got != c.App {
		t.Errorf(`help says cdktf.json's "app" is %q; cdktf.json has %q`, got, c.App)
	}
}
