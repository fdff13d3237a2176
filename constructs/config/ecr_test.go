package config_test

import (
	"strings"
	"testing"

	"github.com/platformstarter/elastic-web-tier/constructs/config"
)

func TestParseECRImage(t *testing.T) {
	cases := []struct {
		image string
		want  config.ECRImage
		ok    bool
		arn   string
	}{
		{"123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:1.2",
			config.ECRImage{Registry: "123456789012.dkr.ecr.eu-west-1.amazonaws.com", Account: "123456789012", Region: "eu-west-1", Repository: "web"}, true,
			"arn:aws:ecr:eu-west-1:123456789012:repository/web"},
		{"210987654321.dkr.ecr.us-east-1.amazonaws.com/team/api@sha256:" + strings.Repeat("ab", 32),
			config.ECRImage{Registry: "210987654321.dkr.ecr.us-east-1.amazonaws.com", Account: "210987654321", Region: "us-east-1", Repository: "team/api"}, true,
			"arn:aws:ecr:us-east-1:210987654321:repository/team/api"},
		{"123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com/web",
			config.ECRImage{Registry: "123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com", Account: "123456789012", Region: "us-gov-west-1", Repository: "web"}, true,
			"arn:aws:ecr:us-gov-west-1:123456789012:repository/web"},
		{"123456789012.dkr-ecr.ap-south-1.on.aws/web:2",
			config.ECRImage{Registry: "123456789012.dkr-ecr.ap-south-1.on.aws", Account: "123456789012", Region: "ap-south-1", Repository: "web"}, true,
			"arn:aws:ecr:ap-south-1:123456789012:repository/web"},
		{"123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/web",
			config.ECRImage{Registry: "123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn", Account: "123456789012", Region: "cn-north-1", Repository: "web", China: true}, true,
			"arn:aws:ecr:cn-north-1:123456789012:repository/web"},
		{"123456789012.DKR.ECR.eu-west-1.amazonaws.com/web",
			config.ECRImage{Registry: "123456789012.DKR.ECR.eu-west-1.amazonaws.com", Account: "123456789012", Region: "eu-west-1", Repository: "web"}, true,
			"arn:aws:ecr:eu-west-1:123456789012:repository/web"},
		{"nginx:stable", config.ECRImage{}, false, ""},
		{"public.ecr.aws/nginx/nginx:1.27", config.ECRImage{}, false, ""},
		{"ghcr.io/org/app:1", config.ECRImage{}, false, ""},
		{"12345678901.dkr.ecr.eu-west-1.amazonaws.com/web", config.ECRImage{}, false, ""},               // 11 digits
		{"123456789012.dkr.ecr.eu-west-1.amazonaws.com.evil.example/web", config.ECRImage{}, false, ""}, // not AWS's host
		{"123456789012.dkr.ecr.eu-west-1.amazonaws.com/Web", config.ECRImage{}, false, ""},              // no reference
	}
	for _, c := range cases {
		got, ok := config.ParseECRImage(c.image)
		if ok != c.ok || got != c.want {
			t.Errorf("ParseECRImage(%q) = %+v, %v; want %+v, %v", c.image, got, ok, c.want, c.ok)
		}
		if ok && got.RepositoryARN() != c.arn {
			t.Errorf("RepositoryARN of %q = %q, want %q", c.image, got.RepositoryARN(), c.arn)
		}
	}
}

// TestECRImageOfOtherPartition: an ECR image the stacks could not grant a
// pull of (a registry of another partition, or of no known region) is
// refused on compute.app.image, naming the partition or region.
func TestECRImageOfOtherPartition(t *testing.T) {
	cases := []struct{ image, want string }{
		{"123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/web:1", "region cn-north-1 in the aws-cn partition"},
		{"123456789012.dkr.ecr.us-gov-west-1.amazonaws.com/web:1", "region us-gov-west-1: \"us-gov-west-1\" is a region of the aws-us-gov partition"},
		{"123456789012.dkr.ecr.eu-west-9.amazonaws.com/web:1", "region eu-west-9"},
	}
	for _, c := range cases {
		t.Run(c.image, func(t *testing.T) {
			_, ce := problemsOf(t, build(t, "", "network.nat_mode", "single", "compute.app", "{image: '"+c.image+"', port: 80}"))
			if ce == nil || len(ce.Problems) != 1 || ce.Problems[0].Field != "compute.app.image" {
				t.Fatalf("got %v, want one problem on compute.app.image", ce)
			}
			// The value is quoted, and cut after 48 characters.
			for _, w := range []string{`"` + c.image[:48], c.want} {
				if !strings.Contains(ce.Problems[0].String(), w) {
					t.Errorf("problem %q does not contain %q", ce.Problems[0].String(), w)
				}
			}
		})
	}
	checkAccepted(t, []acceptedCase{{"ECR image of another aws region",
		[]string{"compute.app", "{image: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:1.2, port: 80}"},
		"compute.app", &config.App{Image: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:1.2", Port: 80}}})
}
