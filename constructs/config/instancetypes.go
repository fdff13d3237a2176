package config

import (
	"fmt"
	"strings"
	"sync"
	"unicode/utf8"

	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// instanceTypes are the EC2 instance types of the AWS SDK for Go v2's EC2
// API model (types.InstanceType, of the module version go.mod requires), in
// the SDK's order (by family, smallest first), and a set of them.
var instanceTypes = sync.OnceValues(func() ([]string, map[string]bool) {
	values := ec2types.InstanceType("").Values()
	list := make([]string, len(values))
	set := make(map[string]bool, len(values))
	for i, v := range values {
		list[i], set[string(v)] = string(v), true
	}
	return list, set
})

// IsInstanceType reports whether t is an EC2 instance type the AWS SDK for
// Go v2's EC2 API model knows.
func IsInstanceType(t string) bool {
	_, set := instanceTypes()
	return set[t]
}

// checkInstanceType says what is wrong with an EC2 instance type, or "" when
// the SDK's list has it. It suggests the types of the same family, or the
// closest names.
func checkInstanceType(t string) string {
	list, set := instanceTypes()
	if set[t] {
		return ""
	}
	const source = "the EC2 instance types of the AWS SDK for Go v2"
	if lower := strings.ToLower(strings.TrimSpace(t)); set[lower] {
		return fmt.Sprintf("%s is not an EC2 instance type; want %s (instance types are lowercase, without spaces)", q(t), lower)
	}
	family, _, _ := strings.Cut(t, ".")
	var same []string
	for _, v := range list {
		if f, _, _ := strings.Cut(v, "."); f == family {
			same = append(same, v)
		}
	}
	if len(same) > 0 {
		return fmt.Sprintf("%s is not an EC2 instance type (%s); the %s family has %s", q(t), source, keyText(family), strings.Join(same, ", "))
	}
	if near := nearest(t, list, 2); len(near) > 0 {
		return fmt.Sprintf("%s is not an EC2 instance type (%s); did you mean %s?", q(t), source, strings.Join(near, " or "))
	}
	return fmt.Sprintf("%s is not an EC2 instance type (%s); want one such as t3.micro", q(t), source)
}

// nearest returns the candidates at the smallest edit distance from s (in
// runes, see editDistance), if it is at most max; at most three, in the
// candidates' order. A value longer than any name (64 characters) gets none,
// so that a long value costs no time here.
func nearest(s string, candidates []string, max int) []string {
	if utf8.RuneCountInString(s) > 64 {
		return nil
	}
	best, out := max+1, []string(nil)
	for _, c := range candidates {
		d := editDistance(s, c)
		switch {
		case d < best:
			best, out = d, []string{c}
		case d == best && len(out) < 3:
			out = append(out, c)
		}
	}
	return out
}

// editDistance is the optimal string alignment distance of a and b in runes:
// insertions, deletions, substitutions and swaps of two neighbours (us-esat-1
// is one swap from us-east-1).
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	// d[i][j] is the distance of ra[:i] and rb[:j].
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(ra)][len(rb)]
}
