package stress

import (
	"fmt"
	"math"
	"sort"
)

// Evenness summarises how evenly requests spread over instances.
type Evenness struct {
	// MaxOverMin is the largest per-instance count divided by the smallest
	// (1 is perfectly even; 0 when no instance answered).
	MaxOverMin float64 `json:"max_over_min"`
	// CV is the coefficient of variation of the per-instance counts: the
	// population standard deviation divided by the mean (0 is perfectly even).
	CV float64 `json:"cv"`
}

// Verdict values.
const (
	VerdictEven    = "even"
	VerdictUneven  = "uneven"
	VerdictUnknown = "unknown" // no response carried an instance ID
)

// DefaultTolerance is the largest coefficient of variation still called even.
// Round robin over healthy targets gives a CV near 0; a random split of 1000
// requests over 4 targets gives about 0.05; an instance that joined halfway
// through the run (scale-out) pushes it well past 0.1.
const DefaultTolerance = 0.10

// ComputeEvenness returns max/min and the coefficient of variation of the
// per-instance counts. Instances with a count of zero are not in the map (an
// instance the client never heard from is invisible to it), so min > 0.
func ComputeEvenness(counts map[string]int64) Evenness {
	if len(counts) == 0 {
		return Evenness{}
	}
	var sum float64
	minC, maxC := int64(math.MaxInt64), int64(0)
	for _, c := range counts {
		sum += float64(c)
		minC = min(minC, c)
		maxC = max(maxC, c)
	}
	if minC <= 0 {
		return Evenness{}
	}
	mean := sum / float64(len(counts))
	var sq float64
	for _, c := range counts {
		d := float64(c) - mean
		sq += d * d
	}
	sd := math.Sqrt(sq / float64(len(counts)))
	return Evenness{MaxOverMin: float64(maxC) / float64(minC), CV: sd / mean}
}

// Judge returns the verdict for counts: unknown without instances, even when
// the coefficient of variation is at most tolerance, else uneven.
func Judge(counts map[string]int64, e Evenness, tolerance float64) string {
	switch {
	case len(counts) == 0:
		return VerdictUnknown
	case e.CV <= tolerance:
		return VerdictEven
	default:
		return VerdictUneven
	}
}

// sortedKeys returns the instance IDs in a stable order: by count, highest
// first, then by name.
func sortedKeys(counts map[string]int64) []string {
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if counts[keys[i]] != counts[keys[j]] {
			return counts[keys[i]] > counts[keys[j]]
		}
		return keys[i] < keys[j]
	})
	return keys
}

// verdictReason explains a verdict in one line.
func verdictReason(verdict string, n int, e Evenness, tolerance float64) string {
	switch verdict {
	case VerdictUnknown:
		return "no response carried an X-Instance-Id header"
	case VerdictEven:
		if n == 1 {
			return fmt.Sprintf("only 1 instance answered (CV 0 <= %.3f)", tolerance)
		}
		return fmt.Sprintf("CV %.3f <= tolerance %.3f over %d instances", e.CV, tolerance, n)
	default:
		return fmt.Sprintf("CV %.3f > tolerance %.3f over %d instances", e.CV, tolerance, n)
	}
}
