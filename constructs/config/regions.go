package config

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Partition is the one AWS partition the stacks support. The constructs write
// ARNs as arn:aws:... (the SSM managed-instance policy, the EC2 recover
// action, the KMS key policy, ...), so validation refuses regions of every
// other partition (China, GovCloud, the isolated regions) instead of letting
// them synthesize stacks with wrong ARNs.
const Partition = "aws"

// partitionsJSON is a verbatim copy of the AWS SDK for Go v2's partition
// metadata: internal/endpoints/awsrulesfn/partitions.json of module
// github.com/aws/aws-sdk-go-v2 v1.48.0 (the version go.mod requires; the
// package is internal, so the file is copied), read on 2026-12-02.
// TestPartitionsMatchSDK fails when the SDK in go.mod holds a different list:
// copy the new file over this one.
//
//go:embed partitions.json
var partitionsJSON []byte

// PartitionsSource names where partitions.json comes from, for messages.
const PartitionsSource = "the AWS SDK for Go v2 (github.com/aws/aws-sdk-go-v2 v1.48.0) partition metadata"

type awsPartition struct {
	ID          string
	RegionRegex *regexp.Regexp
	Regions     []string
}

var partitions = mustParsePartitions(partitionsJSON)

func mustParsePartitions(data []byte) []awsPartition {
	var doc struct {
		Partitions []struct {
			ID          string              `json:"id"`
			RegionRegex string              `json:"regionRegex"`
			Regions     map[string]struct{} `json:"regions"`
		} `json:"partitions"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		panic(fmt.Sprintf("config: partitions.json: %v", err))
	}
	var out []awsPartition
	for _, p := range doc.Partitions {
		ap := awsPartition{ID: p.ID, RegionRegex: regexp.MustCompile(p.RegionRegex)}
		for r := range p.Regions {
			// aws-global, aws-cn-global, ...: endpoint pseudo-regions, not places to deploy.
			if !strings.HasSuffix(r, "-global") {
				ap.Regions = append(ap.Regions, r)
			}
		}
		sort.Strings(ap.Regions)
		out = append(out, ap)
	}
	return out
}

// Regions returns the regions of the aws partition, sorted.
func Regions() []string {
	for _, p := range partitions {
		if p.ID == Partition {
			return append([]string(nil), p.Regions...)
		}
	}
	return nil
}

// regionPartition returns the partition that lists region r, and whether
// one does.
func regionPartition(r string) (string, bool) {
	for _, p := range partitions {
		for _, known := range p.Regions {
			if known == r {
				return p.ID, true
			}
		}
	}
	return "", false
}

// checkRegion returns what is wrong with region r, or "" when it is a
// region of the aws partition. Region names are ASCII: r is shown with any
// other character escaped ("us-\u0435ast-1" for a Cyrillic look-alike of
// the e), and the closest known regions are named.
func checkRegion(r string) string {
	id, ok := regionPartition(r)
	switch {
	case ok && id == Partition:
		return ""
	case ok:
		return fmt.Sprintf("%s is a region of the %s partition; the stacks write arn:%s: ARNs and support only the %s partition: want a region such as us-east-1",
			qASCII(r), id, Partition, Partition)
	}
	if i := strings.IndexFunc(r, func(c rune) bool { return c > unicode.MaxASCII }); i >= 0 {
		c, _ := utf8.DecodeRuneInString(r[i:])
		msg := fmt.Sprintf("%s is not an AWS region: it holds %s, not an ASCII letter (a look-alike?); region names are ASCII letters, digits and '-'",
			qASCII(r), runeName(c))
		if near := nearest(r, Regions(), 3); len(near) > 0 {
			msg += "; did you mean " + strings.Join(near, " or ") + "?"
		}
		return msg
	}
	closest := ""
	if near := nearest(r, Regions(), 2); len(near) > 0 {
		closest = "did you mean " + strings.Join(near, " or ") + "? "
	}
	for _, p := range partitions {
		if p.ID == Partition && p.RegionRegex.MatchString(r) {
			return fmt.Sprintf("%s is not a region that %s lists; %sif it is new, update constructs/config/partitions.json; known: %s",
				qASCII(r), PartitionsSource, closest, strings.Join(p.Regions, ", "))
		}
	}
	return fmt.Sprintf("%s is not an AWS region; %swant one of %s", qASCII(r), closest, strings.Join(Regions(), ", "))
}
