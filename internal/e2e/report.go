package e2e

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// columns of the report, after the environment and its mode.
var columns = []struct{ title, step string }{
	{"deploy", StepDeploy},
	{"contract", StepCheck},
	{"re-plan", StepReplan},
	{"drift check", StepDrift},
	{"scaling seen", StepScale},
	{"update plan", StepUpdate},
	{"rollback", StepRollback},
	{"rollout", StepRollout},
	{"destroy", StepDestroy},
	{"team state", StepState},
}

// Report writes the table, the failures and the last line
// `e2e: N of M environments deployed, checked and destroyed`. It returns
// the number of environments that passed.
func Report(w io.Writer, results []*EnvResult) int {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	head := []string{"env", "mode"}
	for _, c := range columns {
		head = append(head, c.title)
	}
	fmt.Fprintln(tw, strings.Join(head, "\t"))
	ok := 0
	for _, r := range results {
		row := []string{r.Env, r.Mode}
		for _, c := range columns {
			cell := r.Cells[c.step]
			if cell == "" {
				cell = "-"
			}
			row = append(row, cell)
		}
		fmt.Fprintln(tw, strings.Join(row, "\t"))
		if r.Failure == nil && r.Destroyed {
			ok++
		}
	}
	tw.Flush()
	for _, r := range results {
		if r.Retries > 0 {
			fmt.Fprintf(w, "%s: %d command(s) run again after the emulator dropped a connection\n", r.Env, r.Retries)
		}
		if r.Failure != nil {
			fmt.Fprintf(w, "FAIL %v\n", r.Failure)
		}
	}
	fmt.Fprintf(w, "e2e: %d of %d environments deployed, checked and destroyed\n", ok, len(results))
	return ok
}
